package main

import (
	"ecsdeck/profiles"
	"ecsdeck/stack/program"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// programFor returns the inline program that provisions a platform.
func programFor(spec *profiles.Spec) (pulumi.RunFunc, error) {
	return program.New(spec), nil
}

package main

import (
	"ecsdeck/profiles"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// programFor returns the inline program that provisions a platform.
func programFor(*profiles.Spec) (pulumi.RunFunc, error) {
	return nil, usageError("provisioning is not available in this build of ecsdeck yet (ecsdeck plan --offline shows the plan)")
}

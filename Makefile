# ecsdeck — build, run, test, bench.
SHELL := /bin/bash
GO ?= go
PULUMI_VERSION := v3.274.1
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_HOME ?= $(CURDIR)/bin/.pulumi
export PATH := $(CURDIR)/bin:$(PATH)

.PHONY: run build tools test check bench fuzz clean

## run: build ecsdeck (and the Pulumi CLI when missing) and start it
run: build tools
	./bin/ecsdeck $(ARGS)

## build: build bin/ecsdeck
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/ecsdeck .

## tools: build the Pulumi CLI into bin/ from its own module, unless one is on PATH
tools:
	@if command -v pulumi >/dev/null 2>&1 && pulumi version 2>/dev/null | grep -q '$(PULUMI_VERSION)'; then \
		echo "pulumi $(PULUMI_VERSION): $$(command -v pulumi)"; \
	else \
		echo "building the Pulumi CLI $(PULUMI_VERSION) into bin/pulumi (a few minutes, once)"; \
		cd tools/pulumi && $(GO) build -trimpath \
			-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
			-o ../../bin/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; \
	fi

## staticcheck: build the linter into bin/ from its own module (tools/staticcheck)
bin/staticcheck: tools/staticcheck/go.mod tools/staticcheck/go.sum
	cd tools/staticcheck && $(GO) build -o ../../bin/staticcheck honnef.co/go/tools/cmd/staticcheck

## check: formatting, vet, staticcheck and the package layering rules (a Go test)
check: bin/staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './tools/*')); \
		if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) vet ./...
	./bin/staticcheck ./...
	$(GO) test -count=1 -run '^TestLayeringRules' ./internal/layout

## test: everything: checks, unit, integration (real Pulumi CLI, moto_server), tmux end-to-end
test: tools check
	$(GO) test -count=1 -timeout 40m ./...

## bench: benchmarks with their figures (start-up, offline plan, wizard keystroke, console refresh, logs)
bench: build
	@./scripts/bench

## fuzz: fuzz the answers loader, then the bounds checked before parsing, a minute each
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime 60s -fuzzminimizetime 1s ./profiles
	$(GO) test -run '^$$' -fuzz '^FuzzPrescan$$' -fuzztime 60s -fuzzminimizetime 1s ./profiles

clean:
	rm -f bin/ecsdeck

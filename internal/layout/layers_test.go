// Package layout holds the test of the package layering rules (README,
// Layout; docs/architecture.md). It has no code of its own.
package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// pkg is what `go list -json` says of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages lists the module's packages with their imports and deps.
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "ecsdeck/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// rule is one layering rule: packages matching from must not have (in
// their imports, or in everything they link when linked is set) a package
// matching any of to.
type rule struct {
	why    string
	from   []string // package patterns: exact, or a prefix ending in /...
	except []string
	to     []string // patterns as above; prefixes of import paths
	linked bool
}

var (
	pulumi    = []string{"github.com/pulumi/"}
	pulumiAWS = []string{"github.com/pulumi/pulumi-aws/"}
	awsSDK    = []string{"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go"}
	uiLibs    = []string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/huh", "github.com/charmbracelet/lipgloss", "github.com/charmbracelet/bubbles"}
	ours      = []string{"ecsdeck/"}
	uiPkgs    = []string{"ecsdeck/tui/...", "ecsdeck/wizard/..."}
)

// rules are the layout's rules, as the README states them.
var rules = []rule{
	{why: "profiles is the domain root: it imports nothing of ecsdeck's", from: []string{"ecsdeck/profiles/..."}, to: ours},
	{why: "profiles links no Pulumi, AWS SDK or UI library", from: []string{"ecsdeck/profiles/..."}, to: slices.Concat(pulumi, awsSDK, uiLibs, []string{"github.com/charmbracelet/"}), linked: true},
	{why: "words is a leaf: it imports nothing of ecsdeck's", from: []string{"ecsdeck/words"}, to: ours},
	{why: "only stack/program imports pulumi-aws (its compile cost stays in one place)", from: []string{"ecsdeck/..."}, except: []string{"ecsdeck/stack/program"}, to: pulumiAWS},
	{why: "the domain, cost, stack and ops packages import no UI library or UI package", from: []string{"ecsdeck/profiles/...", "ecsdeck/cost/...", "ecsdeck/stack/...", "ecsdeck/ops/...", "ecsdeck/words", "ecsdeck/describe"}, to: slices.Concat(uiLibs, uiPkgs)},
	// NOTE: the Pulumi SDK itself links a terminal UI library, so for stack/
	// the rule is on what our code imports; ops and cost link none.
	{why: "ops and cost link no UI library", from: []string{"ecsdeck/ops/...", "ecsdeck/cost/...", "ecsdeck/words", "ecsdeck/profiles/..."}, to: uiLibs, linked: true},
	{why: "the UI packages never link Pulumi: they see stack's own types", from: uiPkgs, to: pulumi, linked: true},
	{why: "the UI packages never import the AWS SDK: they see ops' own types", from: uiPkgs, to: awsSDK},
	// NOTE: the looser rule, stated: the console links the AWS SDK through
	// ops (its types and clients live together); every other UI package
	// links none.
	{why: "the UI packages but the console link no AWS SDK", from: uiPkgs, except: []string{"ecsdeck/tui/console"}, to: awsSDK, linked: true},
	{why: "the UI packages do not import the engine, the program or the command tree", from: uiPkgs, to: []string{"ecsdeck/stack/auto", "ecsdeck/stack/program", "ecsdeck/stack/plan", "ecsdeck/cli"}},
	{why: "nothing imports the command tree but main", from: []string{"ecsdeck/..."}, except: []string{"ecsdeck"}, to: []string{"ecsdeck/cli"}},
	{why: "production code does not import testing (test kits are internal/…test packages)", from: []string{"ecsdeck/..."}, except: []string{"ecsdeck/internal/..."}, to: []string{"testing"}},
	{why: "only tests use the test kits", from: []string{"ecsdeck/..."}, except: []string{"ecsdeck/internal/..."}, to: []string{"ecsdeck/internal/"}},
}

func matches(path string, patterns []string) bool {
	for _, p := range patterns {
		if prefix, ok := strings.CutSuffix(p, "/..."); ok {
			if path == prefix || strings.HasPrefix(path, prefix+"/") {
				return true
			}
		} else if path == p {
			return true
		}
	}
	return false
}

func hasPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// violations checks every rule against pkgs and says each break.
func violations(pkgs map[string]pkg) []string {
	var out []string
	for _, r := range rules {
		for _, p := range pkgs {
			if !matches(p.ImportPath, r.from) || matches(p.ImportPath, r.except) {
				continue
			}
			list := p.Imports
			if r.linked {
				list = p.Deps
			}
			for _, dep := range list {
				if dep != p.ImportPath && hasPrefix(dep, r.to) {
					how := "imports"
					if r.linked && !slices.Contains(p.Imports, dep) {
						how = "links"
					}
					out = append(out, fmt.Sprintf("%s %s %s: %s", p.ImportPath, how, dep, r.why))
					break
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestLayeringRules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the layering test needs the go command on PATH: %v", err)
	}
	pkgs := listPackages(t)
	for _, want := range []string{"ecsdeck", "ecsdeck/cli", "ecsdeck/profiles", "ecsdeck/tui", "ecsdeck/ops", "ecsdeck/stack/program"} {
		if _, ok := pkgs[want]; !ok {
			t.Fatalf("go list did not list %s: the test would check nothing", want)
		}
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
	// Test kits that import testing say so in their name (internal/…test).
	for _, p := range pkgs {
		if strings.HasPrefix(p.ImportPath, "ecsdeck/internal/") && slices.Contains(p.Imports, "testing") && !strings.HasSuffix(p.ImportPath, "test") {
			t.Errorf("%s imports testing: a test kit is named …test (internal/mototest, internal/tuitest)", p.ImportPath)
		}
	}
}

// A rule that is broken is reported: a UI package that imported the engine
// and a domain package that imported a UI library.
func TestLayeringRulesCatchABreak(t *testing.T) {
	pkgs := map[string]pkg{
		"ecsdeck/tui":      {ImportPath: "ecsdeck/tui", Imports: []string{"ecsdeck/stack/auto"}, Deps: []string{"ecsdeck/stack/auto", "github.com/pulumi/pulumi/sdk/v3/go/auto"}},
		"ecsdeck/profiles": {ImportPath: "ecsdeck/profiles", Imports: []string{"github.com/charmbracelet/lipgloss"}, Deps: []string{"github.com/charmbracelet/lipgloss"}},
		"ecsdeck/words":    {ImportPath: "ecsdeck/words"},
	}
	got := strings.Join(violations(pkgs), "\n")
	for _, want := range []string{
		"ecsdeck/tui imports ecsdeck/stack/auto: the UI packages do not import the engine",
		"ecsdeck/tui links github.com/pulumi/pulumi/sdk/v3/go/auto: the UI packages never link Pulumi",
		"ecsdeck/profiles imports github.com/charmbracelet/lipgloss: profiles links no Pulumi, AWS SDK or UI library",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ecsdeck/words") {
		t.Errorf("words broke no rule, but:\n%s", got)
	}
}

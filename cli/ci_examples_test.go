package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// ecsdeckCall is one ecsdeck command line of a CI file: up to a shell
// operator or the end of the line.
var ecsdeckCall = regexp.MustCompile(`(?:^|[\s;&|(])ecsdeck ([^|;&>\n]*)`)

// yamlCommands collects the shell commands of a CI file: GitHub Actions'
// run steps and GitLab CI's script and before_script lines.
func yamlCommands(v any, out *[]string) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			yamlCommands(e, out)
		}
	case map[string]any:
		for k, e := range t {
			switch k {
			case "run":
				if s, ok := e.(string); ok {
					*out = append(*out, s)
				}
			case "script", "before_script":
				if l, ok := e.([]any); ok {
					for _, x := range l {
						if s, ok := x.(string); ok {
							*out = append(*out, s)
						}
					}
				}
			default:
				yamlCommands(e, out)
			}
		}
	}
}

func TestCIExamplesAreValidAndUseOnlyCommandsAndFlagsThatExist(t *testing.T) {
	files, _ := filepath.Glob("examples/ci/*.yml")
	if len(files) < 2 {
		t.Fatalf("examples/ci has %d workflow files, want the GitHub Actions and GitLab CI ones", len(files))
	}
	calls := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s is not valid YAML: %v", f, err)
		}
		var texts []string
		yamlCommands(doc, &texts)
		for _, text := range texts {
			for _, m := range ecsdeckCall.FindAllStringSubmatch(text, -1) {
				fields := strings.Fields(m[1])
				if len(fields) == 0 || strings.HasPrefix(fields[0], "-") || strings.ContainsAny(fields[0], "/'\"") {
					continue // the word ecsdeck in a path or a quoted text
				}
				calls++
				a := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
				root := a.rootCommand()
				cmd, _, err := root.Find(fields[:1])
				if err != nil || cmd == root || cmd.Name() != fields[0] {
					t.Errorf("%s: ecsdeck %s: no such command", f, fields[0])
					continue
				}
				for _, tok := range fields[1:] {
					if !strings.HasPrefix(tok, "-") {
						continue
					}
					name := strings.SplitN(strings.TrimLeft(tok, "-"), "=", 2)[0]
					if (strings.HasPrefix(tok, "--") && cmd.Flags().Lookup(name) == nil) || (!strings.HasPrefix(tok, "--") && cmd.Flags().ShorthandLookup(name) == nil) {
						t.Errorf("%s: ecsdeck %s has no flag %s", f, fields[0], tok)
					}
				}
				var out, errb bytes.Buffer
				if code := run(context.Background(), []string{fields[0], "--help"}, strings.NewReader(""), &out, &errb); code != 0 {
					t.Errorf("%s: ecsdeck %s --help exits %d: %s", f, fields[0], code, errb.String())
				}
			}
		}
		// AND the credentials are short-lived (OIDC), the passphrase a secret
		s := string(data)
		for _, want := range []string{"PULUMI_CONFIG_PASSPHRASE", "--yes", "--json"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s does not use %s", f, want)
			}
		}
		if strings.Contains(f, "github") && (!strings.Contains(s, "aws-actions/configure-aws-credentials") || !strings.Contains(s, "id-token: write")) {
			t.Errorf("%s does not take AWS credentials by OIDC", f)
		}
		if strings.Contains(f, "gitlab") && (!strings.Contains(s, "id_tokens") || !strings.Contains(s, "assume-role-with-web-identity")) {
			t.Errorf("%s does not take AWS credentials by OIDC", f)
		}
	}
	if calls < 8 {
		t.Fatalf("found %d ecsdeck calls in the CI examples; the test does not see them", calls)
	}
	t.Logf("%d ecsdeck command lines checked in %d files", calls, len(files))
}

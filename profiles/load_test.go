package profiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %T: %v", err, err)
	}
	return ps
}

func lines(ps Problems) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, "\n")
}

func TestParseReportsEveryProblemWithPosition(t *testing.T) {
	// GIVEN a file with a typo'd key, wrong types, a bad value and a rule broken between fields
	src := `version: 1
name: shop
regoin: us-east-1
backend:
  port: "8080"
  cpu: 1.5
  nginx: {enabled: yes}
  autoscaling: [1, 2]
frontend:
  hosting: s3
tags:
  team: [a]
`
	// WHEN it is parsed
	_, err := Parse("shop.yaml", []byte(src))
	// THEN every problem is reported, in file order, with file:line:col
	want := `shop.yaml:3:1: regoin: unknown key (did you mean region?)
shop.yaml:4:1: warning: backend.image: empty, and backend.repository.name is empty: the service waits for an image that another CI pushes to its ECR repository
shop.yaml:5:9: backend.port: is the text "8080" (expected a whole number: write it without quotes)
shop.yaml:6:8: backend.cpu: 1.5 is not a whole number (expected a whole number)
shop.yaml:7:20: backend.nginx.enabled: is the text "yes" (expected true or false)
shop.yaml:8:16: backend.autoscaling: is a list (expected a mapping of keys)
shop.yaml:10:3: frontend.hosting: s3 needs tier: two-tier (tier is single)
shop.yaml:12:9: tags.team: is a list (expected text)
shop.yaml: region: missing (an AWS region such as us-east-1 or eu-west-1)`
	if got := lines(problemsOf(t, err)); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseDecodeErrors(t *testing.T) {
	base := "version: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx}\n"
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "x.yaml: is empty (an answers file starts with version: 1; ecsdeck init writes one)"},
		{"comment only", "# nothing\n", "x.yaml: is empty (an answers file starts with version: 1; ecsdeck init writes one)"},
		{"not a mapping", "- a\n- b\n", "x.yaml:1:1: the document is a list (an answers file is a mapping of keys, starting with version: 1)"},
		{"two documents", base + "---\nname: other\n", "x.yaml:5:1: holds 2 YAML documents (an answers file is one document)"},
		{"syntax", "version: 1\nname: [shop\n", "x.yaml:2:7: not valid YAML: sequence end token ']' not found"},
		{"version missing", "name: shop\nregion: us-east-1\nbackend: {image: nginx}\n", "x.yaml:1:1: version: missing (write version: 1 at the top of the file)"},
		{"version unsupported", strings.Replace(base, "version: 1", "version: 2", 1), "x.yaml:1:1: version: unsupported version 2 (this ecsdeck reads version 1)"},
		{"duplicate key", base + "name: again\n", "x.yaml:5:1: name: is written twice (keep one)"},
		{"unknown without hint", base + "zzzz: 1\n", "x.yaml:5:1: zzzz: unknown key (the top level takes architecture, artifacts, awsProfile, backend, capacity, cluster, database, domain, environment, frontend, jobs, launchType, loadBalancer, name, network, pipeline, region, serviceConnect, state, tags, tier, version or workers)"},
		{"snake case hint", base + "network: {vpc_id: vpc-1}\n", "x.yaml:5:11: network.vpc_id: unknown key (did you mean vpcId?)"},
		{"null int", base + "serviceConnect:\n", "x.yaml:5:1: serviceConnect: needs a value (true or false)"},
		{"huge int", strings.Replace(base, "nginx}", "nginx, port: 99999999999}", 1), "x.yaml:4:31: backend.port: 99999999999 is far too large"},
		{"int beyond 64 bits", strings.Replace(base, "nginx}", "nginx, port: 99999999999999999999}", 1), "x.yaml:4:31: backend.port: 99999999999999999999 is far too large"},
		{"not text", "version: 1\nname: \x00\xff\xfe\n", "x.yaml: is not a text file (an answers file is YAML text, starting with version: 1)"},
		{"tab indent", base + "network:\n\tcidr: 10.0.0.0/16\n", "x.yaml:6:1: not valid YAML: a tab character here (YAML indents with spaces, never tabs)"},
		{"string for bool", base + "serviceConnect: \"true\"\n", `x.yaml:5:17: serviceConnect: is the text "true" (expected true or false)`},
		{"mapping for string", strings.Replace(base, "{image: nginx}", "{image: {name: nginx}}", 1), "x.yaml:4:18: backend.image: is a mapping (expected text)"},
		{"merge key", base + "defaults: &d {port: 80}\n", "x.yaml:5:1: defaults: unknown key (the top level takes architecture, artifacts, awsProfile, backend, capacity, cluster, database, domain, environment, frontend, jobs, launchType, loadBalancer, name, network, pipeline, region, serviceConnect, state, tags, tier, version or workers)"},
		{"list item type", base + "network: {appPorts: [80, http]}\n", `x.yaml:5:26: network.appPorts[1]: is the text "http" (expected a whole number)`},
		{"frontend key for s3", "version: 1\nname: shop\nregion: us-east-1\ntier: two-tier\nbackend: {image: nginx}\nfrontend:\n  hosting: s3\n  cpu: 256\n",
			"x.yaml:8:3: frontend.cpu: only used with frontend.hosting: ecs (hosting is s3): remove it"},
		{"frontend build for none", base + "frontend: {build: {command: make}}\n", "x.yaml:5:12: frontend.build: only used with frontend.hosting: s3 (hosting is none): remove it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a file with one decoding problem WHEN parsed THEN the problem is the one reported
			_, err := Parse("x.yaml", []byte(tt.src))
			got := lines(problemsOf(t, err).Errors())
			if got != tt.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestParseSkipsAByteOrderMark(t *testing.T) {
	// GIVEN a file an editor saved with a UTF-8 byte order mark
	src := "\ufeffversion: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx}\n"
	// WHEN it is parsed
	a, err := Parse("x.yaml", []byte(src))
	// THEN it reads as if the mark were not there
	if err != nil {
		t.Fatalf("got %v", err)
	}
	if a.Spec.Version != 1 || a.Spec.Name != "shop" || a.Set["version"] != (Position{Line: 1, Column: 1}) {
		t.Fatalf("got version %d name %q at %v", a.Spec.Version, a.Spec.Name, a.Set["version"])
	}
}

func TestParseAnchorsAndTags(t *testing.T) {
	// GIVEN a file that reuses a value through an anchor and tags a string
	src := `version: 1
name: shop
region: !!str us-east-1
tier: two-tier
domain: {name: example.com}
backend: &svc
  image: nginx:1
  port: 8080
frontend:
  hosting: ecs
  image: nginx:1
  port: 8080
  repository: {name: acme/web, branch: &b main}
`
	a, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if a.Spec.Region != "us-east-1" || a.Spec.Frontend.Repository.Branch != "main" {
		t.Fatalf("got %+v", a.Spec)
	}
}

func TestParseKeepsWrittenZerosAndFalses(t *testing.T) {
	// GIVEN a file that writes values equal to Go's zero values over non-zero defaults
	src := `version: 1
name: shop
region: us-east-1
backend: {image: nginx, desiredCount: 0, autoscaling: {min: 0, max: 0}}
capacity: {fargate: {spotBase: 0}}
cluster: {containerInsights: false, execEnabled: false}
network: {appPorts: []}
`
	a, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// THEN they are kept, not replaced by defaults
	s := a.Spec
	if s.Backend.DesiredCount != 0 || s.Capacity.Fargate.SpotBase != 0 || s.Cluster.ContainerInsights || s.Cluster.ExecEnabled || len(s.Network.AppPorts) != 0 {
		t.Fatalf("zeros were not kept: %+v", s)
	}
	// AND what was set is known, with positions
	if !a.IsSet("backend.desiredCount") || a.IsSet("backend.port") || !a.IsSet("cluster") {
		t.Fatalf("IsSet wrong: %v", a.Set)
	}
	if p := a.Set["cluster.execEnabled"]; p.Line != 6 || p.Column != 37 {
		t.Fatalf("position of cluster.execEnabled: %+v", p)
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{filepath.Join(dir, "missing.yaml"), "no such file (check the path, or run ecsdeck init to write one)"},
		{dir, "is a directory (give the answers file inside it)"},
		{big, "is 262145 bytes (an answers file is at most 262144)"},
	}
	for _, tt := range tests {
		_, err := Load(tt.path)
		if got := problemsOf(t, err).Error(); got != tt.path+": "+tt.want {
			t.Errorf("got %q", got)
		}
	}
}

func TestExamplesValidateAndRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.yaml")
	if len(files) < 4 {
		t.Fatalf("want at least 4 examples, found %d", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			// GIVEN an example WHEN loaded THEN it is valid without warnings
			a, err := Load(f)
			if err != nil {
				t.Fatalf("does not validate:\n%v", err)
			}
			if len(a.Warnings) > 0 {
				t.Fatalf("warnings:\n%v", a.Warnings)
			}
			// WHEN saved and loaded again THEN the Spec is the same
			out := filepath.Join(t.TempDir(), "saved.yaml")
			if err := Save(out, a.Spec); err != nil {
				t.Fatal(err)
			}
			b, err := Load(out)
			if err != nil {
				t.Fatalf("saved file does not load:\n%v", err)
			}
			if !reflect.DeepEqual(normal(a.Spec), normal(b.Spec)) {
				t.Fatalf("round trip changed the Spec:\n%+v\n%+v", a.Spec, b.Spec)
			}
			// AND the saved file is private
			if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v", st.Mode().Perm())
			}
		})
	}
}

// normal makes nil and empty collections equal for comparison.
func normal(s *Spec) *Spec {
	c := *s.Clone() // list items are changed in place
	fix := func(v reflect.Value) {}
	fix = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				fix(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				fix(v.Field(i))
			}
		case reflect.Slice, reflect.Map:
			if v.Len() == 0 && v.CanSet() {
				v.SetZero()
			}
			if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct {
				for i := 0; i < v.Len(); i++ {
					fix(v.Index(i))
				}
			}
		}
	}
	fix(reflect.ValueOf(&c).Elem())
	return &c
}

func TestSavedFileWritesDefaultsOut(t *testing.T) {
	// GIVEN a minimal file
	a, err := Parse("x.yaml", []byte("version: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(a.Spec)
	if err != nil {
		t.Fatal(err)
	}
	// WHEN saved THEN defaults are explicit, and the frontend says only its hosting
	for _, want := range []string{"environment: prod\n", "  cidr: 10.2.0.0/16\n", "    spotWeight: 100\n", "  healthCheckMatcher: 200,202,302\n", "frontend:\n  hosting: none\nworkers: []\njobs: []\npipeline:"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("saved file lacks %q", want)
		}
	}
}

func TestWriteFileAtomicLeavesOldFileOnFailure(t *testing.T) {
	// GIVEN an existing file in a directory that becomes read-only
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	if err := WriteFileAtomic(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// root ignores directory permissions; make the rename fail instead
		// by putting a directory where the temp file's target is.
		target := filepath.Join(dir, "sub")
		os.Mkdir(target, 0o700)
		os.WriteFile(filepath.Join(target, "x"), []byte("x"), 0o600)
		if err := WriteFileAtomic(target, []byte("new"), 0o600); err == nil {
			t.Fatal("writing over a non-empty directory must fail")
		}
	} else {
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o700)
		if err := WriteFileAtomic(p, []byte("new"), 0o600); err == nil {
			t.Fatal("write into a read-only directory must fail")
		}
	}
	// THEN the old content is intact and no temporary file is left
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file changed: %q", b)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestMessagesQuoteOnlyTheStartOfALongValue(t *testing.T) {
	// GIVEN a name of 200 KB (one of 900 KB used to be printed twice)
	name := strings.Repeat("a", 200<<10)
	// WHEN the file is parsed
	_, err := Parse("h.yaml", []byte("version: 1\nname: "+name+"\nregion: us-east-1\nbackend: {image: nginx}\n"))
	// THEN the message quotes the first 61 characters, each time
	q := strings.Repeat("a", 61) + "..."
	want := fmt.Sprintf(`h.yaml:2:1: name: %q with environment "prod" makes %q, %d characters (at most 21 with the dash, so every AWS name fits)`, q, q, len(name)+5)
	if got := problemsOf(t, err).Error(); got != want {
		t.Fatalf("got %d bytes: %s\nwant %s", len(got), got, want)
	}
	// AND a number too large for any field is not repeated whole either
	_, err = Parse("h.yaml", []byte("version: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx, port: "+strings.Repeat("9", 100000)+"}\n"))
	want = "h.yaml:4:31: backend.port: " + strings.Repeat("9", 61) + "... is far too large"
	if got := problemsOf(t, err).Error(); got != want {
		t.Fatalf("got %d bytes: %s\nwant %s", len(got), got, want)
	}
}

func TestAFileThatIsNoAnswersFileIsNotQuoted(t *testing.T) {
	// GIVEN a private key given as answers
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"
	// WHEN it is parsed THEN the message says what it is, and shows none of it
	_, err := Parse("id_ed25519", []byte(key))
	want := "id_ed25519:1:1: the document is text (an answers file is a mapping of keys, starting with version: 1)"
	if got := problemsOf(t, err).Error(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestEnvFileIsARegularFileBesideTheAnswers(t *testing.T) {
	// GIVEN answers in their own directory, and the things an envFile may name
	dir := t.TempDir()
	answers := filepath.Join(dir, "prod.yaml")
	if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte("A=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "conf"), 0o700)
	os.Symlink("loop-b", filepath.Join(dir, "loop-a"))
	os.Symlink("loop-a", filepath.Join(dir, "loop-b"))
	if err := os.WriteFile(filepath.Join(dir, "big.env"), make([]byte, MaxEnvFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.env")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("the cases need named pipes and /dev/zero: %v", err)
	}
	load := func(envFile string) (*Answers, error) {
		src := "version: 1\nname: shop\nregion: us-east-1\nbackend:\n  image: nginx\n  envFile: " + envFile + "\n"
		if err := os.WriteFile(answers, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return Load(answers)
	}
	// WHEN it names a file beside the answers, from another working directory
	a, err := load("app.env")
	// THEN it is found there, and the Spec holds the path the program uploads
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "app.env"); a.Spec.Backend.EnvFile != want {
		t.Fatalf("envFile %q, want %q", a.Spec.Backend.EnvFile, want)
	}
	// WHEN it names anything but a regular file of bounded size THEN it is refused at its key
	for _, tt := range []struct{ envFile, want string }{
		{"missing.env", fmt.Sprintf("no file at %q (a relative envFile is read from the directory of the answers file)", filepath.Join(dir, "missing.env"))},
		{"conf", fmt.Sprintf("%q is a directory (envFile is a .env file of NAME=value lines)", filepath.Join(dir, "conf"))},
		{"/dev/zero", `"/dev/zero" is a device, not a file (envFile is a .env file of NAME=value lines)`},
		{"pipe.env", fmt.Sprintf("%q is a pipe, not a file (envFile is a .env file of NAME=value lines)", fifo)},
		{"loop-a", fmt.Sprintf("cannot read %q: too many levels of symbolic links", filepath.Join(dir, "loop-a"))},
		{"big.env", fmt.Sprintf("%q is %d bytes (an envFile is at most %d)", filepath.Join(dir, "big.env"), MaxEnvFileSize+1, MaxEnvFileSize)},
	} {
		_, err := load(tt.envFile)
		if got, want := problemsOf(t, err).Error(), answers+":6:3: backend.envFile: "+tt.want; got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.envFile, got, want)
		}
	}
}

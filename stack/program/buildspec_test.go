package program_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
	"ecsdeck/stack/program"

	"gopkg.in/yaml.v3"
)

// The build runs against stub aws, docker and npm commands that log their
// arguments and answer like the real ones, so that the generated buildspec
// is executed by bash exactly as CodeBuild would, with the project's own
// environment variables.

const stubAWS = `#!/bin/bash
echo "aws $*" >> "$CALLS"
case "$1 $2" in
  "ecr get-login-password") echo token ;;
  "ssm get-parameters-by-path") cat "$STUB_SSM" ;;
  "ecs describe-task-definition") cat "$STUB_TASKDEF" ;;
  "s3 cp") cp "$3" "$UPLOADS/$(basename "$4")" ;;
esac
`

const stubDocker = `#!/bin/bash
echo "docker $*" >> "$CALLS"
if [ "$1" = login ]; then cat > /dev/null; fi
`

const stubNpm = `#!/bin/bash
echo "npm $*" >> "$CALLS"
mkdir -p dist && echo '<html></html>' > dist/index.html
`

// ssmAnswer is what the stubbed SSM path holds: one value has a space and an
// equals sign.
const ssmAnswer = `{"Parameters":[{"Name":"/shop/prod/backend/STRIPE_SECRET_KEY","Value":"sk_live_abc=1 2"},{"Name":"/shop/prod/backend/SESSION_SECRET","Value":"s3cr3t"}]}`

// buildRun is a finished build: its workspace, uploads and command log.
type buildRun struct {
	dir, uploads string
	calls        []string
}

func (b buildRun) file(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.dir, name))
	if err != nil {
		t.Fatalf("the build did not write %s: %v", name, err)
	}
	return data
}

func (b buildRun) called(prefix string) bool {
	for _, c := range b.calls {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// parseBuildspec checks the buildspec's shape and returns its commands.
func parseBuildspec(t *testing.T, spec string) (pre, build, files []string) {
	t.Helper()
	var doc struct {
		Version string `yaml:"version"`
		Env     struct {
			Shell string `yaml:"shell"`
		} `yaml:"env"`
		Phases map[string]struct {
			Commands []string `yaml:"commands"`
		} `yaml:"phases"`
		Artifacts struct {
			Files []string `yaml:"files"`
		} `yaml:"artifacts"`
	}
	if err := yaml.Unmarshal([]byte(spec), &doc); err != nil {
		t.Fatalf("the buildspec is not YAML: %v\n%s", err, spec)
	}
	if doc.Version != "0.2" || doc.Env.Shell != "bash" {
		t.Errorf("version %q shell %q", doc.Version, doc.Env.Shell)
	}
	for name := range doc.Phases {
		if name != "pre_build" && name != "build" {
			t.Errorf("phase %s: only pre_build and build (post_build runs after a failed build too)", name)
		}
	}
	return doc.Phases["pre_build"].Commands, doc.Phases["build"].Commands, doc.Artifacts.Files
}

// runBuild executes a tier's buildspec in a scratch workspace with the
// environment variables of its CodeBuild project in the plan.
func runBuild(t *testing.T, s *profiles.Spec, p *plan.Plan, role profiles.Role, prepare func(dir string)) (buildRun, []string) {
	t.Helper()
	project := named(t, p, tProject, string(role)+"-build")
	spec := atString(project.Inputs, "source.buildspec")
	generated, err := program.Buildspec(s, role)
	if err != nil || generated != spec {
		t.Fatalf("the project's buildspec is not Buildspec(spec, %s): %v", role, err)
	}
	pre, build, files := parseBuildspec(t, spec)
	root := t.TempDir()
	run := buildRun{dir: filepath.Join(root, "src"), uploads: filepath.Join(root, "uploads")}
	bin, tmp := filepath.Join(root, "bin"), filepath.Join(root, "tmp")
	for _, d := range []string{run.dir, run.uploads, bin, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{"aws": stubAWS, "docker": stubDocker, "npm": stubNpm} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, body string) string {
		path := filepath.Join(root, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	env := []string{
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"HOME=" + root, "TMPDIR=" + tmp,
		"CALLS=" + filepath.Join(root, "calls.log"),
		"UPLOADS=" + run.uploads,
		"STUB_SSM=" + write("ssm.json", ssmAnswer),
		"STUB_TASKDEF=" + write("taskdef.json", describedTaskDefinition(t, p, role)),
		"AWS_REGION=" + s.Region,
		"CODEBUILD_RESOLVED_SOURCE_VERSION=0123456789abcdef0123",
		"CODEBUILD_BUILD_NUMBER=7",
	}
	for _, v := range atList(project.Inputs, "environment.environmentVariables") {
		env = append(env, atString(v, "name")+"="+atString(v, "value"))
	}
	if prepare != nil {
		prepare(run.dir)
	}
	// NOTE: -u makes a variable the project does not set an error.
	script := "set -eu\n" + strings.Join(append(pre, build...), "\n") + "\n"
	check := exec.Command("bash", "-n")
	check.Stdin = strings.NewReader(script)
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s\n%s", err, out, script)
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir, cmd.Env = run.dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the build failed: %v\n%s\n--- script\n%s", err, out, script)
	}
	log, _ := os.ReadFile(filepath.Join(root, "calls.log"))
	run.calls = strings.Split(strings.TrimSpace(string(log)), "\n")
	for _, f := range files {
		run.file(t, f)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 && !s.Backend.Nginx.Enabled && !s.Frontend.Nginx.Enabled {
		t.Errorf("the build left %v in its scratch directory", left)
	}
	if _, err := os.Stat(filepath.Join(tmp, "service.env")); err == nil {
		t.Errorf("the decrypted settings stay on disk after the upload")
	}
	return run, files
}

// describedTaskDefinition is what `aws ecs describe-task-definition --query
// taskDefinition` prints for the plan's task definition: its fields, and the
// read-only ones a new revision must not carry.
func describedTaskDefinition(t *testing.T, p *plan.Plan, role profiles.Role) string {
	t.Helper()
	td := p.Get(tTaskDef, string(role)+"-task-definition")
	if td == nil {
		return "{}"
	}
	out := map[string]any{
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/x:3", "revision": 3, "status": "ACTIVE",
		"requiresAttributes": []any{}, "compatibilities": []string{"EC2", "FARGATE"}, "registeredAt": "2026-01-01T00:00:00Z",
		"containerDefinitions": containers(t, *td),
	}
	for _, k := range []string{"family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory", "runtimePlatform", "volumes"} {
		if v, ok := td.Inputs[k]; ok {
			out[k] = v
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func TestBuildspecRollingWithBuiltNginx(t *testing.T) {
	// GIVEN the EC2 example: a rolling backend with a generated nginx, built by its pipeline
	s := examples(t)["ec2-arm64-service-connect"]
	p := planOf(t, s)
	// WHEN its build runs
	run, files := runBuild(t, s, p, profiles.RoleBackend, nil)
	// THEN it builds and pushes both images, tagged by commit and latest
	for _, want := range []string{
		"docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		"docker build --pull -t 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-staging/backend:0123456789ab -t 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-staging/backend:latest .",
		"docker push --all-tags 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-staging/backend",
		"docker push --all-tags 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-staging/backend-nginx",
	} {
		if !run.called(want) {
			t.Errorf("no call %q in\n%s", want, strings.Join(run.calls, "\n"))
		}
	}
	// AND the nginx image carries the generated configuration
	conf, err := os.ReadFile(filepath.Join(filepath.Dir(run.dir), "tmp", "nginx", "default.conf"))
	if err != nil || !strings.Contains(string(conf), "proxy_pass http://app:8080;") {
		t.Errorf("nginx configuration %q (%v)", conf, err)
	}
	// AND the deploy gets imagedefinitions.json naming both containers
	if len(files) != 1 || files[0] != program.ImageDefinitionsFile {
		t.Fatalf("artifacts %v", files)
	}
	var defs []struct{ Name, ImageURI string }
	if err := json.Unmarshal(run.file(t, program.ImageDefinitionsFile), &defs); err != nil {
		t.Fatalf("imagedefinitions.json: %v", err)
	}
	want := []struct{ Name, ImageURI string }{
		{"app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-staging/backend:0123456789ab"},
		{"nginx", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-staging/backend-nginx:0123456789ab"},
	}
	if len(defs) != 2 || defs[0] != want[0] || defs[1] != want[1] {
		t.Errorf("imagedefinitions %+v, want %+v", defs, want)
	}
}

func TestBuildspecBlueGreenWithSettings(t *testing.T) {
	// GIVEN the blue/green example whose backend reads settings from SSM
	s := examples(t)["two-tier-s3-bluegreen"]
	p := planOf(t, s)
	// WHEN the backend's build runs
	run, files := runBuild(t, s, p, profiles.RoleBackend, nil)
	// THEN the settings land in the artifacts bucket as NAME=value lines, from the path
	env, err := os.ReadFile(filepath.Join(run.uploads, "backend.env"))
	if err != nil {
		t.Fatalf("no environment file uploaded: %v", err)
	}
	if string(env) != "STRIPE_SECRET_KEY=sk_live_abc=1 2\nSESSION_SECRET=s3cr3t\n" {
		t.Errorf("environment file %q", env)
	}
	if !run.called(`aws s3 cp `) || !run.called("aws ssm get-parameters-by-path --path /shop/prod/backend --recursive --with-decryption") {
		t.Errorf("calls %v", run.calls)
	}
	for _, c := range run.calls {
		if strings.Contains(c, "s3cr3t") {
			t.Errorf("a secret reaches a command line: %s", c)
		}
	}
	// AND it emits the three blue/green artifacts
	if strings.Join(files, ",") != "taskdef.json,appspec.yaml,imageDetail.json" {
		t.Fatalf("artifacts %v", files)
	}
	var td map[string]any
	if err := json.Unmarshal(run.file(t, program.TaskDefFile), &td); err != nil {
		t.Fatalf("taskdef.json: %v", err)
	}
	for _, k := range []string{"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt"} {
		if _, ok := td[k]; ok {
			t.Errorf("taskdef.json keeps the read-only %s", k)
		}
	}
	if td["family"] != "shop-prod-backend" || atString(td, "containerDefinitions.0.image") != program.ImagePlaceholder {
		t.Errorf("taskdef.json family %v image %v", td["family"], at(td, "containerDefinitions.0.image"))
	}
	var detail struct{ ImageURI string }
	if err := json.Unmarshal(run.file(t, program.ImageDetailFile), &detail); err != nil || detail.ImageURI != "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod/backend:0123456789ab" {
		t.Errorf("imageDetail.json %+v (%v)", detail, err)
	}
	var appspec map[string]any
	if err := yaml.Unmarshal(run.file(t, program.AppSpecFile), &appspec); err != nil {
		t.Fatalf("appspec.yaml: %v", err)
	}
	props := at(appspec, "Resources.0.TargetService.Properties")
	if atString(props, "TaskDefinition") != "<TASK_DEFINITION>" || atString(props, "LoadBalancerInfo.ContainerName") != "app" || at(props, "LoadBalancerInfo.ContainerPort") != 8080 {
		t.Errorf("appspec %v", props)
	}
	if atString(props, "CapacityProviderStrategy.0.CapacityProvider") != "FARGATE_SPOT" || at(props, "CapacityProviderStrategy.0.Weight") != 3 {
		t.Errorf("appspec capacity %v", at(props, "CapacityProviderStrategy"))
	}
}

func TestBuildspecBlueGreenNginxAndTaskDefinitionFile(t *testing.T) {
	// GIVEN a blue/green backend with a built nginx and its own task definition file
	s := base()
	withDomain(s)
	s.Pipeline.Deploy = profiles.DeployBlueGreen
	s.Backend.Image, s.Backend.Repository.Name = "", "acme/api"
	s.Backend.Nginx = profiles.Nginx{Enabled: true, Config: profiles.NginxRepository, ConfigPath: "deploy/nginx.conf"}
	s.Backend.TaskDefinitionFile = "deploy/taskdef.json"
	p := planOf(t, s)
	// WHEN its build runs in a repository holding both files
	own := `{"family":"app-prod-backend","containerDefinitions":[{"name":"app","image":"placeholder"},{"name":"nginx","image":"nginx"}]}`
	run, _ := runBuild(t, s, p, profiles.RoleBackend, func(dir string) {
		_ = os.MkdirAll(filepath.Join(dir, "deploy"), 0o755)
		_ = os.WriteFile(filepath.Join(dir, "deploy", "nginx.conf"), []byte("server { listen 80; }\n"), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "deploy", "taskdef.json"), []byte(own), 0o644)
	})
	// THEN nginx is built from the repository's file
	conf, _ := os.ReadFile(filepath.Join(filepath.Dir(run.dir), "tmp", "nginx", "default.conf"))
	if string(conf) != "server { listen 80; }\n" {
		t.Errorf("nginx configuration %q", conf)
	}
	// AND taskdef.json is the repository's, with the application placeholder and the new nginx image
	var td map[string]any
	if err := json.Unmarshal(run.file(t, program.TaskDefFile), &td); err != nil {
		t.Fatal(err)
	}
	if atString(td, "containerDefinitions.0.image") != program.ImagePlaceholder ||
		atString(td, "containerDefinitions.1.image") != "123456789012.dkr.ecr.us-east-1.amazonaws.com/app-prod/backend-nginx:0123456789ab" {
		t.Errorf("taskdef.json containers %v", td["containerDefinitions"])
	}
	if run.called("aws ecs describe-task-definition") {
		t.Errorf("the build read the registered task definition instead of the repository's file")
	}
	// AND the appspec sends traffic to nginx on 80
	var appspec map[string]any
	_ = yaml.Unmarshal(run.file(t, program.AppSpecFile), &appspec)
	if props := at(appspec, "Resources.0.TargetService.Properties.LoadBalancerInfo"); atString(props, "ContainerName") != "nginx" || at(props, "ContainerPort") != 80 {
		t.Errorf("appspec load balancer %v", props)
	}
}

func TestBuildspecStaticSite(t *testing.T) {
	// GIVEN the static frontend of the blue/green example, with settings from SSM
	s := examples(t)["two-tier-s3-bluegreen"]
	s.Frontend.SSMPath = "/shop/prod/frontend"
	p := planOf(t, s)
	// WHEN its build runs
	run, files := runBuild(t, s, p, profiles.RoleFrontend, nil)
	// THEN it builds with its settings in .env, syncs the output and invalidates CloudFront
	if len(files) != 0 {
		t.Errorf("a static site hands no artifacts on, got %v", files)
	}
	if env := run.file(t, ".env"); !strings.Contains(string(env), "SESSION_SECRET=s3cr3t\n") {
		t.Errorf(".env %q", env)
	}
	dist := p.Outputs["distributionId"].(string)
	for _, want := range []string{"npm ci", "npm run build", "aws s3 sync dist s3://shop-prod-web-123456789012-us-east-1 --delete", "aws cloudfront create-invalidation --distribution-id " + dist + " --paths /*"} {
		if !run.called(want) {
			t.Errorf("no call %q in %v", want, run.calls)
		}
	}
	if run.called("docker") {
		t.Errorf("a static site needs no image")
	}
}

func TestBuildspecStopsOnTheFirstFailure(t *testing.T) {
	// GIVEN a rolling backend whose image build fails
	s := base()
	s.Backend.Repository.Name = "acme/api"
	spec, err := program.Buildspec(valid(t, s), profiles.RoleBackend)
	if err != nil {
		t.Fatal(err)
	}
	_, build, _ := parseBuildspec(t, spec)
	// THEN nothing after it runs: every step is in pre_build or build
	if !strings.HasPrefix(build[0], "docker build") || !strings.HasPrefix(build[1], "docker push") {
		t.Errorf("build phase %v", build)
	}
}

func TestBuildspecPipesFailOnTheirOwn(t *testing.T) {
	// GIVEN the builds of a blue/green backend and of a static site, both
	// reading settings from SSM, and an aws command that is denied
	s := examples(t)["two-tier-s3-bluegreen"]
	s.Frontend.SSMPath = "/shop/prod/frontend"
	p := planOf(t, s)
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"aws":    "#!/bin/bash\necho 'AccessDeniedException' >&2\nexit 254\n",
		"docker": "#!/bin/bash\ncat > /dev/null\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	piped := 0
	for _, role := range []profiles.Role{profiles.RoleBackend, profiles.RoleFrontend} {
		project := named(t, p, tProject, string(role)+"-build")
		env := []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + root, "TMPDIR=" + root, "AWS_REGION=" + s.Region, "IMAGE_TAG=0123456789ab"}
		for _, v := range atList(project.Inputs, "environment.environmentVariables") {
			env = append(env, atString(v, "name")+"="+atString(v, "value"))
		}
		pre, build, _ := parseBuildspec(t, atString(project.Inputs, "source.buildspec"))
		for _, c := range append(pre, build...) {
			if !strings.Contains(c, "aws ") || !strings.Contains(c, " | ") {
				continue
			}
			piped++
			// WHEN the command runs as a script of its own, as CodeBuild runs each command
			cmd := exec.Command("bash", "-c", c)
			cmd.Dir, cmd.Env = t.TempDir(), env
			out, err := cmd.CombinedOutput()
			// THEN the denied call fails it, rather than the next command getting an empty file
			if err == nil {
				t.Errorf("%s: the step succeeds although aws failed:\n%s\n%s", role, c, out)
			}
		}
	}
	if piped < 4 {
		t.Errorf("only %d commands pipe an aws call (registry login, settings twice, task definition)", piped)
	}
}

// runEnvFile runs a buildspec's environment-file command against an SSM
// answer and returns the file it writes, or the build's error output.
func runEnvFile(t *testing.T, spec, ssmPath, answer string) (string, string, error) {
	t.Helper()
	pre, build, _ := parseBuildspec(t, spec)
	var cmdline string
	for _, c := range append(pre, build...) {
		if strings.Contains(c, "get-parameters-by-path") {
			cmdline = c
		}
	}
	if cmdline == "" {
		t.Fatalf("the buildspec reads no SSM path:\n%s", spec)
	}
	root := t.TempDir()
	stub := "#!/bin/bash\ncat \"$STUB_SSM\"\n"
	if err := os.WriteFile(filepath.Join(root, "aws"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "ssm.json"), []byte(answer), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", "set -eu\n"+cmdline)
	cmd.Dir = root
	cmd.Env = []string{"PATH=" + root + ":" + os.Getenv("PATH"), "TMPDIR=" + root, "STUB_SSM=" + filepath.Join(root, "ssm.json"), program.EnvSSMPath + "=" + ssmPath}
	out, err := cmd.CombinedOutput()
	env, _ := os.ReadFile(filepath.Join(root, "service.env"))
	return string(env), string(out), err
}

func TestBuildspecEnvironmentFileKeepsNamesAndRefusesLineBreaks(t *testing.T) {
	s := valid(t, twoTiersWithPipelines(profiles.HostingECS))
	spec, err := program.Buildspec(s, profiles.RoleBackend)
	if err != nil {
		t.Fatal(err)
	}
	// GIVEN parameters at the top of the path and nested below it
	answer := `{"Parameters":[{"Name":"/app/prod/backend/API_KEY","Value":"k=1 2"},{"Name":"/app/prod/backend/stripe/KEY","Value":"sk"},{"Name":"/app/prod/backend/mail/KEY","Value":"mk"}]}`
	env, out, err := runEnvFile(t, spec, "/app/prod/backend", answer)
	// THEN each keeps its path below the tier's, so that nested names do not collide
	if err != nil || env != "API_KEY=k=1 2\nstripe_KEY=sk\nmail_KEY=mk\n" {
		t.Errorf("environment file %q (%v %s)", env, err, out)
	}
	// GIVEN a value of two lines
	answer = `{"Parameters":[{"Name":"/app/prod/backend/API_KEY","Value":"k"},{"Name":"/app/prod/backend/TLS_KEY","Value":"-----BEGIN KEY-----\nabc\n-----END KEY-----"}]}`
	_, out, err = runEnvFile(t, spec, "/app/prod/backend", answer)
	// THEN the build fails, naming the parameter and not its value
	if err == nil || !strings.Contains(out, "SSM parameters with more than one line, which an environment file cannot hold (keep each value on one line): /app/prod/backend/TLS_KEY") || strings.Contains(out, "BEGIN") {
		t.Errorf("a multi-line value: err %v, output %q", err, out)
	}
	// GIVEN two parameters that give one variable name
	answer = `{"Parameters":[{"Name":"/app/prod/backend/a/b","Value":"1"},{"Name":"/app/prod/backend/a_b","Value":"2"}]}`
	_, out, err = runEnvFile(t, spec, "/app/prod/backend", answer)
	// THEN the build fails naming both
	if err == nil || !strings.Contains(out, "SSM parameters that give one variable name (rename one): /app/prod/backend/a/b and /app/prod/backend/a_b") {
		t.Errorf("clashing names: err %v, output %q", err, out)
	}
}

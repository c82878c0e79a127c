package program_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

// The permissions of every role of a generated matrix of platforms, decided
// by @cloud-copilot/iam-simulate: an IAM evaluator this project did not
// write. Each role must be allowed the calls its job needs and denied the
// calls it must never make. The calls are read from the plan's own
// documents (task definitions, build projects, pipelines, deployment
// groups), not from the program's code.

// iamsimDir holds the evaluator: package.json, package-lock.json, decide.mjs.
const iamsimDir = "testdata/iamsim"

// iamRequest is one request the evaluator decides (see decide.mjs).
type iamRequest struct {
	ID               string            `json:"id"`
	Principal        string            `json:"principal"`
	IdentityPolicies []json.RawMessage `json:"identityPolicies"`
	ResourcePolicy   json.RawMessage   `json:"resourcePolicy,omitempty"`
	Action           string            `json:"action"`
	Resource         string            `json:"resource"`
	Context          map[string]string `json:"context,omitempty"`
}

// iamCheck is a call a role must (allow) or must never (!allow) be able to make.
type iamCheck struct {
	where string // spec | role
	call  string // action on resource
	allow bool
	key   string // the request's identity, shared by equal requests
}

// iamFixture collects the checks of a matrix and the distinct requests behind them.
type iamFixture struct {
	checks   []iamCheck
	requests map[string]iamRequest
	roles    map[string]bool // spec|role pairs checked
}

// iamsim starts the evaluator, or says what is missing.
func iamsim(t *testing.T) string {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	missing := func(what string) {
		if ci {
			t.Fatalf("%s; the permission checks cannot run", what)
		}
		t.Skipf("%s; the permission checks did not run", what)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed (the IAM evaluator runs on Node.js 20 or later)")
	}
	if _, err := os.Stat(filepath.Join(iamsimDir, "node_modules", "@cloud-copilot", "iam-simulate")); err != nil {
		abs, _ := filepath.Abs(iamsimDir)
		missing("the IAM evaluator is not installed: run npm ci --prefix " + abs)
	}
	return node
}

// decide runs every distinct request through the evaluator once.
func decide(t *testing.T, node string, reqs map[string]iamRequest) map[string]string {
	t.Helper()
	var in bytes.Buffer
	keys := make([]string, 0, len(reqs))
	for k := range reqs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	enc := json.NewEncoder(&in)
	for _, k := range keys {
		r := reqs[k]
		r.ID = k
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, "decide.mjs")
	cmd.Dir = iamsimDir
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the IAM evaluator failed: %v\n%s", err, stderr.String())
	}
	decisions := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var d struct {
			ID       string          `json:"id"`
			Decision string          `json:"decision"`
			Errors   json.RawMessage `json:"errors"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("the IAM evaluator wrote %q: %v", sc.Text(), err)
		}
		if d.Decision == "Error" {
			r := reqs[d.ID]
			t.Errorf("the IAM evaluator refused %s on %s: %s", r.Action, r.Resource, d.Errors)
		}
		decisions[d.ID] = d.Decision
	}
	if len(decisions) != len(reqs) {
		t.Fatalf("the IAM evaluator decided %d of %d requests", len(decisions), len(reqs))
	}
	return decisions
}

// permissionChoice is one platform of the permission matrix.
type permissionChoice struct {
	shape    string // single, s3, ecs
	launch   profiles.LaunchType
	deploy   profiles.DeployStrategy
	existing string // "", vpc, alb
	provider string // "" (no pipeline), github, mixed (backend github, frontend bitbucket)
	volume   string // none, efs, efs-created, ebs, bind, ephemeral
	engine   profiles.Engine
	nginx    bool
	workers  int // as in the program matrix: 0, 1, 2 (the second with a repository)
	jobs     int
}

func (c permissionChoice) String() string {
	return fmt.Sprintf("%s/%s/%s/existing=%s/repo=%s/%s/%s/nginx=%v/workers=%d/jobs=%d", c.shape, c.launch, c.deploy, c.existing, c.provider, c.volume, c.engine, c.nginx, c.workers, c.jobs)
}

// permissionMatrix is every shape × launch type × deploy × existing network
// or load balancer × pipeline provider × volume the Spec allows. The
// database engine turns with the volume and the provider, so that under each
// shape, launch type, deploy and network every volume meets every engine;
// nginx turns with the index.
func permissionMatrix() []permissionChoice {
	var out []permissionChoice
	i := 0
	engines := []profiles.Engine{profiles.EngineNone, profiles.EngineMySQL, profiles.EnginePostgres}
	for _, shape := range []string{"single", "s3", "ecs"} {
		for _, launch := range []profiles.LaunchType{profiles.LaunchFargate, profiles.LaunchEC2} {
			for _, deploy := range []profiles.DeployStrategy{profiles.DeployRolling, profiles.DeployBlueGreen} {
				for _, existing := range []string{"", "vpc", "alb"} {
					for pi, provider := range []string{"", "github", "mixed"} {
						for vi, volume := range []string{"none", "efs", "efs-created", "ebs", "bind", "ephemeral"} {
							out = append(out, permissionChoice{shape: shape, launch: launch, deploy: deploy, existing: existing,
								provider: provider, volume: volume, engine: engines[(vi+pi)%3], nginx: (i/7)%2 == 0,
								workers: i % 3, jobs: (i / 3) % 3})
							i++
						}
					}
				}
			}
		}
	}
	return out
}

func (c permissionChoice) spec() *profiles.Spec {
	vol := profiles.VolumeKind(c.volume)
	if c.volume == "efs-created" {
		vol = profiles.VolumeEFS
	}
	s := choice{shape: c.shape, launch: c.launch, deploy: c.deploy, existing: c.existing, nginx: c.nginx,
		volume: vol, engine: c.engine, repo: c.provider != "", workers: c.workers, jobs: c.jobs}.spec()
	if c.volume == "efs-created" {
		s.Backend.Volume.EFSID = ""
	}
	if c.provider != "" {
		s.Backend.Image = ""
		s.Backend.SSMPath = "/" + s.Prefix() + "/backend"
		if c.shape != "single" {
			s.Frontend.SSMPath = "/" + s.Prefix() + "/frontend"
		}
	} else {
		s.Backend.SSMPath, s.Backend.SSMPlaceholders = "/"+s.Prefix()+"/backend", []string{"API_KEY"}
	}
	if c.provider == "mixed" {
		s.Frontend.Repository.Provider = profiles.ProviderBitbucket
	}
	s.Complete()
	return s
}

func TestPermissionsDecidedByAnIAMEvaluator(t *testing.T) {
	node := iamsim(t)
	start := time.Now()
	fx := &iamFixture{requests: map[string]iamRequest{}, roles: map[string]bool{}}
	specs := 0
	for _, pp := range plannedMatrix(t) {
		specs++
		fx.platform(t, pp.name, pp.spec, pp.plan)
	}
	planned := time.Since(start)
	decisions := decide(t, node, fx.requests)
	failed := 0
	for _, ch := range fx.checks {
		got := decisions[ch.key]
		if (got == "Allowed") != ch.allow {
			failed++
			if failed <= 40 {
				want := "Allowed"
				if !ch.allow {
					want = "denied"
				}
				t.Errorf("%s: %s is %s, want %s", ch.where, ch.call, got, want)
			}
		}
	}
	if failed > 40 {
		t.Errorf("... and %d more", failed-40)
	}
	if specs < 200 {
		t.Errorf("only %d platforms in the matrix", specs)
	}
	// AND every value of every choice was checked
	seen := map[string]bool{}
	for _, pp := range plannedMatrix(t) {
		for _, v := range strings.Split(pp.name, "/") {
			seen[v] = true
		}
	}
	for _, v := range []string{"single", "s3", "ecs", "fargate", "ec2", "rolling", "blue-green", "existing=", "existing=vpc", "existing=alb",
		"repo=", "repo=github", "repo=mixed", "none", "efs", "efs-created", "ebs", "bind", "ephemeral", "mysql", "postgres", "nginx=true", "nginx=false",
		"workers=0", "workers=1", "workers=2", "jobs=0", "jobs=1", "jobs=2"} {
		if !seen[v] {
			t.Errorf("no valid platform of the matrix has %s", v)
		}
	}
	t.Logf("IAM evaluator: %d platforms, %d roles, %d calls checked (%d distinct requests); planned in %v, decided in %v",
		specs, len(fx.roles), len(fx.checks), len(fx.requests), planned.Round(time.Second), (time.Since(start) - planned).Round(time.Second))
}

// planRole is a role of a plan and its inline policies.
type planRole struct {
	name, arn string
	policies  []json.RawMessage
}

// rolesByARN reads every role of a plan with its policy documents.
func rolesByARN(t *testing.T, p *plan.Plan) map[string]*planRole {
	t.Helper()
	out := map[string]*planRole{}
	byName := map[string]*planRole{}
	for _, r := range p.Find("aws:iam/role:Role") {
		name := atString(r.Inputs, "name")
		pr := &planRole{name: name, arn: "arn:aws:iam::" + plan.DefaultAccount + ":role/" + name}
		out[pr.arn] = pr
		byName[name] = pr
	}
	for _, r := range p.Find(tRolePolicy) {
		pr := byName[atString(r.Inputs, "role")]
		if pr == nil {
			t.Fatalf("policy %s of an unknown role %s", r.Name, atString(r.Inputs, "role"))
		}
		pr.policies = append(pr.policies, json.RawMessage(atString(r.Inputs, "policy")))
	}
	return out
}

// add records a check of a role.
func (fx *iamFixture) add(where string, role *planRole, resourcePolicy json.RawMessage, action, resource string, ctx map[string]string, allow bool) {
	if ctx == nil {
		ctx = map[string]string{}
	}
	ctx["aws:PrincipalArn"] = role.arn
	if strings.HasPrefix(action, "s3:") {
		ctx["aws:SecureTransport"] = "true"
	}
	req := iamRequest{Principal: role.arn, IdentityPolicies: role.policies, ResourcePolicy: resourcePolicy, Action: action, Resource: resource, Context: ctx}
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	key := fmt.Sprintf("%x", sum[:12])
	fx.requests[key] = req
	fx.checks = append(fx.checks, iamCheck{where: where + " | " + role.name, call: action + " on " + resource, allow: allow, key: key})
	fx.roles[where+"|"+role.name] = true
}

// envValue reads a build project's environment variable.
func envValue(project plan.Resource, name string) string {
	for _, v := range atList(project.Inputs, "environment.environmentVariables") {
		if atString(v, "name") == name {
			return atString(v, "value")
		}
	}
	return ""
}

// repoARN turns a repository URL (account.dkr.ecr.region.amazonaws.com/name[:tag]) into its ARN.
func repoARN(url string) string {
	host, path, ok := strings.Cut(url, "/")
	if !ok || !strings.Contains(host, ".dkr.ecr.") {
		return ""
	}
	if i := strings.LastIndex(path, ":"); i >= 0 {
		path = path[:i]
	}
	parts := strings.Split(host, ".")
	return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", parts[3], parts[0], path)
}

// platform adds the checks of one platform's roles.
func (fx *iamFixture) platform(t *testing.T, where string, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	const acct = plan.DefaultAccount
	region := s.Region
	arn := func(service, res string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, acct, res)
	}
	roles := rolesByARN(t, p)
	var bucket string
	var bucketPolicy json.RawMessage
	if b := p.Get(tBucket, "artifacts-bucket"); b != nil {
		bucket = atString(b.Inputs, "bucket")
	}
	if bp := p.Get("aws:s3/bucketPolicy:BucketPolicy", "artifacts-policy"); bp != nil {
		bucketPolicy = json.RawMessage(atString(bp.Inputs, "policy"))
	}
	s3 := func(key string) string { return "arn:aws:s3:::" + bucket + "/" + key }
	resPolicy := func(resource string) json.RawMessage {
		if strings.HasPrefix(resource, "arn:aws:s3:::"+bucket+"/") || resource == "arn:aws:s3:::"+bucket {
			return bucketPolicy
		}
		return nil
	}
	must := func(role *planRole, action, resource string, ctx map[string]string) {
		fx.add(where, role, resPolicy(resource), action, resource, ctx, true)
	}
	never := func(role *planRole, action, resource string, ctx map[string]string) {
		fx.add(where, role, resPolicy(resource), action, resource, ctx, false)
	}
	cluster := arn("ecs", "cluster/"+s.Prefix())
	// every workload: the tiers, the workers and the jobs.
	workloads := []string{"backend", "frontend"}
	for _, w := range s.Workers {
		workloads = append(workloads, w.Name)
	}
	for _, j := range s.Jobs {
		workloads = append(workloads, j.Name)
	}
	// folder is CodePipeline's artifact folder of a workload: its pipeline's name, cut at 20.
	folder := map[string]string{}
	for _, tier := range workloads {
		name := s.Prefix() + "-" + tier
		if pl := p.Get(tPipeline, tier+"-codepipeline"); pl != nil {
			name = atString(pl.Inputs, "name")
		}
		folder[tier] = name[:min(20, len(name))]
	}
	checked := map[string]bool{}
	// nevers: what no role of a workload may do to another's.
	nevers := func(role *planRole, tier string) {
		checked[role.arn] = true
		for _, o := range workloads {
			if o == tier {
				continue
			}
			for _, a := range []string{"s3:GetObject", "s3:PutObject"} {
				never(role, a, s3("env/"+o+".env"), nil)
				never(role, a, s3(folder[o]+"/source/x1y2z3"), nil)
			}
			never(role, "ecs:RegisterTaskDefinition", arn("ecs", "task-definition/"+s.Prefix()+"-"+o+":1"), nil)
			never(role, "ecs:UpdateService", arn("ecs", "service/"+s.Prefix()+"/"+s.Prefix()+"-"+o), map[string]string{"ecs:cluster": cluster})
			never(role, "ecs:RunTask", arn("ecs", "task-definition/"+s.Prefix()+"-"+o+":1"), map[string]string{"ecs:cluster": cluster})
			never(role, "ssm:GetParametersByPath", arn("ssm", "parameter/"+s.Prefix()+"/"+o), nil)
			never(role, "ssm:GetParameters", arn("ssm", "parameter/"+s.Prefix()+"/"+o+"/TOKEN"), nil)
		}
		for _, a := range []string{"s3:GetObject", "s3:PutObject"} {
			never(role, a, "arn:aws:s3:::another-teams-bucket/env/"+tier+".env", nil)
		}
		for _, a := range []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"} {
			never(role, a, role.arn, nil)
		}
		never(role, "iam:PassRole", "arn:aws:iam::"+acct+":role/admin", map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"})
		never(role, "ecs:RegisterTaskDefinition", arn("ecs", "task-definition/payroll:1"), nil)
		never(role, "ecs:UpdateService", arn("ecs", "service/payroll/payroll"), map[string]string{"ecs:cluster": arn("ecs", "cluster/payroll")})
		never(role, "ecs:RunTask", arn("ecs", "task-definition/payroll:1"), map[string]string{"ecs:cluster": arn("ecs", "cluster/payroll")})
		never(role, "ssm:GetParameters", arn("ssm", "parameter/payroll/DB_PASSWORD"), nil)
		never(role, "secretsmanager:GetSecretValue", arn("secretsmanager", "secret:payroll-AbCdEf"), nil)
	}

	type taskOf struct {
		name string
		svc  *plan.Resource // nil for a job
	}
	var tasks []taskOf
	for _, svc := range p.Find(tService) {
		tasks = append(tasks, taskOf{strings.TrimSuffix(svc.Name, "-service"), &svc})
	}
	for _, j := range s.Jobs {
		tasks = append(tasks, taskOf{name: j.Name})
	}
	// dbSecret is the database's secret, as a task that reads it names it.
	dbSecret := ""
	for _, td := range p.Find(tTaskDef) {
		for _, c := range containers(t, td) {
			for _, sec := range atList(c, "secrets") {
				if atString(sec, "name") == "DB_PASSWORD" {
					dbSecret = strings.Join(strings.Split(atString(sec, "valueFrom"), ":")[:7], ":")
				}
			}
		}
	}
	for _, tk := range tasks {
		tier := tk.name
		td := named(t, p, tTaskDef, tier+"-task-definition")
		execRole := roles[atString(td.Inputs, "executionRoleArn")]
		taskRole := roles[atString(td.Inputs, "taskRoleArn")]
		if execRole == nil || taskRole == nil {
			t.Fatalf("%s: %s task definition without its roles", where, tier)
		}
		// The execution role: images, logs, settings, as the task definition names them.
		for _, c := range containers(t, td) {
			if repo := repoARN(atString(c, "image")); repo != "" {
				must(execRole, "ecr:GetAuthorizationToken", "*", nil)
				for _, a := range []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"} {
					must(execRole, a, repo, nil)
				}
			}
			if group := atString(c, "logConfiguration.options.awslogs-group"); group != "" {
				stream := atString(c, "logConfiguration.options.awslogs-stream-prefix") + "/" + atString(c, "name") + "/0123456789abcdef"
				for _, a := range []string{"logs:CreateLogStream", "logs:PutLogEvents"} {
					must(execRole, a, arn("logs", "log-group:"+group+":log-stream:"+stream), nil)
				}
			}
			for _, f := range atList(c, "environmentFiles") {
				must(execRole, "s3:GetObject", atString(f, "value"), nil)
				must(execRole, "s3:GetBucketLocation", "arn:aws:s3:::"+bucket, nil)
			}
			for _, sec := range atList(c, "secrets") {
				from := atString(sec, "valueFrom")
				switch {
				case strings.Contains(from, ":ssm:"):
					must(execRole, "ssm:GetParameters", from, nil)
				case strings.Contains(from, ":secretsmanager:"):
					// valueFrom names a JSON key of the secret: <arn>:password::
					must(execRole, "secretsmanager:GetSecretValue", strings.Join(strings.Split(from, ":")[:7], ":"), nil)
				}
			}
		}
		// A task that is not given the database may not read its password.
		if dbSecret != "" && !hasSecret(container(t, td, "app"), "DB_PASSWORD") {
			never(execRole, "secretsmanager:GetSecretValue", dbSecret, nil)
		}
		nevers(execRole, tier)
		// The task role: ECS Exec, and the file system it mounts.
		if s.Cluster.ExecEnabled {
			must(taskRole, "ssmmessages:CreateControlChannel", "*", nil)
			must(taskRole, "ssmmessages:OpenDataChannel", "*", nil)
		}
		for _, v := range atList(td.Inputs, "volumes") {
			if fs := atString(v, "efsVolumeConfiguration.fileSystemId"); fs != "" {
				for _, a := range []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"} {
					must(taskRole, a, arn("elasticfilesystem", "file-system/"+fs), nil)
				}
			}
		}
		never(taskRole, "s3:GetObject", s3("env/"+tier+".env"), nil)
		never(taskRole, "ssm:GetParametersByPath", arn("ssm", "parameter/"+s.Prefix()+"/"+tier), nil)
		nevers(taskRole, tier)
		if tk.svc == nil {
			// The scheduler role of a job: run exactly its task definition
			// on this cluster, pass exactly its roles.
			sc := named(t, p, tSchedule, tier+"-schedule")
			run := roles[atString(sc.Inputs, "target.roleArn")]
			if run == nil {
				t.Fatalf("%s: %s schedule without its role", where, tier)
			}
			family := atString(td.Inputs, "family")
			must(run, "ecs:RunTask", arn("ecs", "task-definition/"+family+":3"), map[string]string{"ecs:cluster": cluster})
			never(run, "ecs:RunTask", arn("ecs", "task-definition/"+family+":3"), map[string]string{"ecs:cluster": arn("ecs", "cluster/payroll")})
			must(run, "ecs:TagResource", arn("ecs", "task/"+s.Prefix()+"/0123456789abcdef"), map[string]string{"ecs:CreateAction": "RunTask"})
			never(run, "ecs:TagResource", arn("ecs", "task/"+s.Prefix()+"/0123456789abcdef"), nil)
			for _, r := range []*planRole{execRole, taskRole} {
				must(run, "iam:PassRole", r.arn, map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"})
				never(run, "iam:PassRole", r.arn, map[string]string{"iam:PassedToService": "lambda.amazonaws.com"})
			}
			never(run, "ecs:StopTask", arn("ecs", "task/"+s.Prefix()+"/0123456789abcdef"), map[string]string{"ecs:cluster": cluster})
			nevers(run, tier)
			continue
		}
		svc := *tk.svc
		// The CodeDeploy role: task sets of its service, the listeners it shifts.
		if g := p.Get(tDeployGroup, tier+"-deployment-group"); g != nil {
			cd := roles[atString(g.Inputs, "serviceRoleArn")]
			name := atString(svc.Inputs, "name")
			svcARN := arn("ecs", "service/"+s.Prefix()+"/"+name)
			for _, a := range []string{"ecs:DescribeServices", "ecs:UpdateServicePrimaryTaskSet"} {
				must(cd, a, svcARN, map[string]string{"ecs:cluster": cluster})
			}
			// NOTE: AWS authorizes task-set calls against the task set.
			for _, a := range []string{"ecs:CreateTaskSet", "ecs:DeleteTaskSet"} {
				must(cd, a, arn("ecs", "task-set/"+s.Prefix()+"/"+name+"/ecs-svc/1234567890"), map[string]string{"ecs:cluster": cluster})
			}
			for _, l := range strList(g.Inputs, "loadBalancerInfo.targetGroupPairInfo.prodTrafficRoute.listenerArns") {
				must(cd, "elasticloadbalancing:ModifyListener", l, nil)
			}
			must(cd, "elasticloadbalancing:DescribeTargetGroups", "*", nil)
			for _, r := range []*planRole{execRole, taskRole} {
				must(cd, "iam:PassRole", r.arn, map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"})
			}
			nevers(cd, tier)
		}
	}

	for _, project := range p.Find(tProject) {
		tier := strings.TrimSuffix(project.Name, "-build")
		build := roles[atString(project.Inputs, "serviceRole")]
		if build == nil {
			t.Fatalf("%s: %s build without its role", where, tier)
		}
		logs := atString(project.Inputs, "logsConfig.cloudwatchLogs.groupName")
		must(build, "logs:CreateLogStream", arn("logs", "log-group:"+logs+":log-stream:build/1"), nil)
		must(build, "logs:PutLogEvents", arn("logs", "log-group:"+logs+":log-stream:build/1"), nil)
		for _, a := range []string{"s3:GetObject", "s3:PutObject"} {
			must(build, a, s3(folder[tier]+"/source/a1b2c3"), nil)
		}
		if key := envValue(project, "ENV_OBJECT_KEY"); key != "" {
			must(build, "s3:PutObject", s3(key), nil)
		}
		if path := envValue(project, "SSM_PATH"); path != "" {
			must(build, "ssm:GetParametersByPath", arn("ssm", "parameter"+path), nil)
		}
		for _, v := range []string{"APP_REPOSITORY_URI", "NGINX_REPOSITORY_URI"} {
			if repo := repoARN(envValue(project, v)); repo != "" {
				must(build, "ecr:GetAuthorizationToken", "*", nil)
				for _, a := range []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"} {
					must(build, a, repo, nil)
				}
			}
		}
		if site := envValue(project, "FRONTEND_BUCKET"); site != "" {
			must(build, "s3:PutObject", "arn:aws:s3:::"+site+"/index.html", nil)
			must(build, "s3:DeleteObject", "arn:aws:s3:::"+site+"/old.js", nil)
			must(build, "s3:ListBucket", "arn:aws:s3:::"+site, nil)
			must(build, "cloudfront:CreateInvalidation", "arn:aws:cloudfront::"+acct+":distribution/"+envValue(project, "DISTRIBUTION_ID"), nil)
		}
		if envValue(project, "TASK_FAMILY") != "" && envValue(project, "TASK_DEFINITION_FILE") == "" {
			must(build, "ecs:DescribeTaskDefinition", "*", nil)
		}
		nevers(build, tier)
	}

	for _, pl := range p.Find(tPipeline) {
		tier := strings.TrimSuffix(pl.Name, "-codepipeline")
		role := roles[atString(pl.Inputs, "roleArn")]
		if role == nil {
			t.Fatalf("%s: %s pipeline without its role", where, tier)
		}
		stages := atList(pl.Inputs, "stages")
		conn := atString(stages[0], "actions.0.configuration.ConnectionArn")
		// NOTE: a connection's ARN names its service: codeconnections, or
		// codestar-connections for connections made before the rename.
		must(role, strings.Split(conn, ":")[2]+":UseConnection", conn, nil)
		project := atString(stages[1], "actions.0.configuration.ProjectName")
		must(role, "codebuild:StartBuild", arn("codebuild", "project/"+project), nil)
		must(role, "codebuild:BatchGetBuilds", arn("codebuild", "project/"+project), nil)
		for _, a := range []string{"s3:GetObject", "s3:PutObject"} {
			must(role, a, s3(folder[tier]+"/build/d4e5f6"), nil)
		}
		if len(stages) == 3 {
			svc := named(t, p, tService, tier+"-service")
			td := named(t, p, tTaskDef, tier+"-task-definition")
			family := atString(td.Inputs, "family")
			must(role, "ecs:RegisterTaskDefinition", arn("ecs", "task-definition/"+family+":7"), nil)
			must(role, "ecs:DescribeTaskDefinition", "*", nil)
			for _, r := range []string{atString(td.Inputs, "executionRoleArn"), atString(td.Inputs, "taskRoleArn")} {
				must(role, "iam:PassRole", r, map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"})
			}
			deploy := at(stages[2], "actions.0.configuration")
			switch atString(stages[2], "actions.0.provider") {
			case "ECS":
				svcARN := arn("ecs", "service/"+atString(deploy, "ClusterName")+"/"+atString(deploy, "ServiceName"))
				must(role, "ecs:UpdateService", svcARN, map[string]string{"ecs:cluster": cluster})
				must(role, "ecs:DescribeServices", svcARN, map[string]string{"ecs:cluster": cluster})
				must(role, "ecs:DescribeTasks", arn("ecs", "task/"+s.Prefix()+"/0123456789abcdef"), map[string]string{"ecs:cluster": cluster})
				must(role, "ecs:ListTasks", arn("ecs", "container-instance/"+s.Prefix()+"/*"), map[string]string{"ecs:cluster": cluster})
				never(role, "ecs:ListTasks", arn("ecs", "container-instance/payroll/*"), map[string]string{"ecs:cluster": arn("ecs", "cluster/payroll")})
				if volRole := atString(svc.Inputs, "volumeConfiguration.managedEbsVolume.roleArn"); volRole != "" {
					must(role, "iam:PassRole", volRole, map[string]string{"iam:PassedToService": "ecs.amazonaws.com"})
				}
			case "CodeDeployToECS":
				app, group := atString(deploy, "ApplicationName"), atString(deploy, "DeploymentGroupName")
				must(role, "codedeploy:CreateDeployment", arn("codedeploy", "deploymentgroup:"+app+"/"+group), nil)
				must(role, "codedeploy:GetDeployment", arn("codedeploy", "deploymentgroup:"+app+"/"+group), nil)
				must(role, "codedeploy:RegisterApplicationRevision", arn("codedeploy", "application:"+app), nil)
				must(role, "codedeploy:GetApplicationRevision", arn("codedeploy", "application:"+app), nil)
				must(role, "codedeploy:GetDeploymentConfig", arn("codedeploy", "deploymentconfig:"+s.Pipeline.CodeDeployConfig), nil)
			default:
				t.Fatalf("%s: %s deploys with %s", where, tier, atString(stages[2], "actions.0.provider"))
			}
		}
		nevers(role, tier)
	}
	// Every role with a policy of its own was checked.
	for _, r := range roles {
		if len(r.policies) > 0 && !checked[r.arn] {
			t.Errorf("%s: role %s has a policy but no checks", where, r.name)
		}
	}
}

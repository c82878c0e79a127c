package program_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"ecsdeck/internal/mototest"
	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

// The documents the program hands AWS verbatim (container definitions,
// lifecycle policies, IAM policies and trust policies, pipeline stages and
// action configurations, build projects with their buildspecs) checked by
// botocore's parameter validation against the service models shipped with
// botocore: AWS's own models, not a schema of ours.

// plannedPlatform is a point of the permission matrix and its plan.
type plannedPlatform struct {
	name string
	spec *profiles.Spec
	plan *plan.Plan
}

var (
	matrixOnce  sync.Once
	matrixPlans []plannedPlatform
)

// plannedMatrix plans every valid point of the permission matrix once for
// the tests that read it.
func plannedMatrix(t *testing.T) []plannedPlatform {
	t.Helper()
	matrixOnce.Do(func() {
		for _, c := range permissionMatrix() {
			s := c.spec()
			if profiles.Validate(s).Err() != nil {
				continue // e.g. EBS on Fargate, EBS with blue/green
			}
			p, err := plan.Offline(t.Context(), s, plan.Options{})
			if err != nil {
				t.Fatalf("%s: offline plan: %v", c, err)
			}
			matrixPlans = append(matrixPlans, plannedPlatform{name: c.String(), spec: s, plan: p})
		}
	})
	if len(matrixPlans) == 0 {
		t.Fatal("the matrix could not be planned")
	}
	return matrixPlans
}

// awsRequest is one request botocore validates (see testdata/awsvalidate.py).
type awsRequest struct {
	ID        string         `json:"id"`
	Service   string         `json:"service"`
	Operation string         `json:"operation"`
	Params    map[string]any `json:"params"`
	// Setup is what moto needs before the call: the trust policy of a
	// pipeline's role (roleTrust).
	Setup map[string]string `json:"setup,omitempty"`
}

// python finds python3 with botocore, or says what is missing.
func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import botocore.validate").Run()
	}
	if err != nil {
		what := "python3 with botocore is not installed (pip install botocore); the document checks did not run"
		if os.Getenv("CI") == "true" {
			t.Fatal(what)
		}
		t.Skip(what)
	}
	return py
}

// tagList turns a tags map into the API's [{key, value}] (or Key/Value) form.
func tagList(v any, upper bool) []any {
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []any
	for _, k := range keys {
		if upper {
			out = append(out, map[string]any{"Key": k, "Value": m[k]})
		} else {
			out = append(out, map[string]any{"key": k, "value": m[k]})
		}
	}
	return out
}

// pick copies the given keys of an input map that are set.
func pick(in map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := in[k]; ok && v != nil {
			out[k] = v
		}
	}
	return out
}

// awsRequests turns a plan's documents into the API requests that carry them.
func awsRequests(t *testing.T, p *plan.Plan) []awsRequest {
	t.Helper()
	var out []awsRequest
	add := func(service, op, name string, params map[string]any) {
		out = append(out, awsRequest{ID: service + " " + op + " " + name, Service: service, Operation: op, Params: params})
	}
	for _, td := range p.Find(tTaskDef) {
		var defs []any
		if err := json.Unmarshal([]byte(atString(td.Inputs, "containerDefinitions")), &defs); err != nil {
			t.Fatalf("%s: %v", td.Name, err)
		}
		// NOTE: the provider's names where they differ from the API's.
		params := pick(td.Inputs, "family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory", "runtimePlatform")
		if es := at(td.Inputs, "ephemeralStorage.sizeInGib"); es != nil {
			params["ephemeralStorage"] = map[string]any{"sizeInGiB": es}
		}
		params["containerDefinitions"] = defs
		params["tags"] = tagList(td.Inputs["tags"], false)
		var vols []any
		for _, v := range atList(td.Inputs, "volumes") {
			vm := pick(v.(map[string]any), "name", "efsVolumeConfiguration")
			if cal := at(v, "configureAtLaunch"); cal != nil {
				vm["configuredAtLaunch"] = cal
			}
			if hp := atString(v, "hostPath"); hp != "" {
				vm["host"] = map[string]any{"sourcePath": hp}
			}
			vols = append(vols, vm)
		}
		if vols != nil {
			params["volumes"] = vols
		}
		add("ecs", "RegisterTaskDefinition", td.Name, params)
	}
	for _, lp := range p.Find("aws:ecr/lifecyclePolicy:LifecyclePolicy") {
		add("ecr", "PutLifecyclePolicy", lp.Name, map[string]any{"repositoryName": atString(lp.Inputs, "repository"), "lifecyclePolicyText": atString(lp.Inputs, "policy")})
	}
	for _, r := range p.Find("aws:iam/role:Role") {
		add("iam", "CreateRole", r.Name, map[string]any{
			"RoleName": atString(r.Inputs, "name"), "AssumeRolePolicyDocument": atString(r.Inputs, "assumeRolePolicy"),
			"Description": atString(r.Inputs, "description"), "Tags": tagList(r.Inputs["tags"], true),
		})
	}
	for _, r := range p.Find(tRolePolicy) {
		add("iam", "PutRolePolicy", r.Name, map[string]any{"RoleName": atString(r.Inputs, "role"), "PolicyName": atString(r.Inputs, "name"), "PolicyDocument": atString(r.Inputs, "policy")})
		add("iam", "CreatePolicy", r.Name, map[string]any{"PolicyName": atString(r.Inputs, "role") + "-" + atString(r.Inputs, "name"), "PolicyDocument": atString(r.Inputs, "policy")})
	}
	for _, r := range p.Find("aws:s3/bucketPolicy:BucketPolicy") {
		add("s3", "PutBucketPolicy", r.Name, map[string]any{"Bucket": atString(r.Inputs, "bucket"), "Policy": atString(r.Inputs, "policy")})
	}
	for _, pl := range p.Find(tPipeline) {
		var stages []any
		for _, st := range atList(pl.Inputs, "stages") {
			var actions []any
			for _, a := range atList(st, "actions") {
				am := map[string]any{
					"name": atString(a, "name"),
					"actionTypeId": map[string]any{
						"category": atString(a, "category"), "owner": atString(a, "owner"),
						"provider": atString(a, "provider"), "version": atString(a, "version"),
					},
					"configuration": at(a, "configuration"),
				}
				for key, api := range map[string]string{"inputArtifacts": "inputArtifacts", "outputArtifacts": "outputArtifacts"} {
					var arts []any
					for _, n := range strList(a, key) {
						arts = append(arts, map[string]any{"name": n})
					}
					if arts != nil {
						am[api] = arts
					}
				}
				actions = append(actions, am)
			}
			stages = append(stages, map[string]any{"name": atString(st, "name"), "actions": actions})
		}
		store := atList(pl.Inputs, "artifactStores")[0]
		trust := ""
		for _, r := range p.Find("aws:iam/role:Role") {
			if strings.HasSuffix(atString(pl.Inputs, "roleArn"), ":role/"+atString(r.Inputs, "name")) {
				trust = atString(r.Inputs, "assumeRolePolicy")
			}
		}
		add("codepipeline", "CreatePipeline", pl.Name, map[string]any{
			"pipeline": map[string]any{
				"name": atString(pl.Inputs, "name"), "roleArn": atString(pl.Inputs, "roleArn"),
				"artifactStore": map[string]any{"type": atString(store, "type"), "location": atString(store, "location")},
				"stages":        stages, "pipelineType": atString(pl.Inputs, "pipelineType"), "executionMode": atString(pl.Inputs, "executionMode"),
			},
			"tags": tagList(pl.Inputs["tags"], false),
		})
		out[len(out)-1].Setup = map[string]string{"roleTrust": trust}
	}
	for _, pr := range p.Find(tProject) {
		env := at(pr.Inputs, "environment").(map[string]any)
		add("codebuild", "CreateProject", pr.Name, map[string]any{
			"name": atString(pr.Inputs, "name"), "description": atString(pr.Inputs, "description"),
			"source":           pick(at(pr.Inputs, "source").(map[string]any), "type", "buildspec"),
			"artifacts":        pick(at(pr.Inputs, "artifacts").(map[string]any), "type"),
			"environment":      pick(env, "type", "image", "computeType", "privilegedMode", "environmentVariables"),
			"serviceRole":      atString(pr.Inputs, "serviceRole"),
			"timeoutInMinutes": at(pr.Inputs, "buildTimeout"),
			"logsConfig":       map[string]any{"cloudWatchLogs": map[string]any{"status": atString(pr.Inputs, "logsConfig.cloudwatchLogs.status"), "groupName": atString(pr.Inputs, "logsConfig.cloudwatchLogs.groupName")}},
			"tags":             tagList(pr.Inputs["tags"], false),
		})
	}
	for _, sc := range p.Find(tSchedule) {
		// NOTE: the provider's names where they differ from the API's.
		ecs := at(sc.Inputs, "target.ecsParameters").(map[string]any)
		params := map[string]any{"TaskDefinitionArn": ecs["taskDefinitionArn"], "TaskCount": ecs["taskCount"],
			"EnableECSManagedTags": ecs["enableEcsManagedTags"], "EnableExecuteCommand": ecs["enableExecuteCommand"],
			"PropagateTags": ecs["propagateTags"], "Group": ecs["group"]}
		var strategy []any
		for _, it := range atList(ecs, "capacityProviderStrategies") {
			strategy = append(strategy, map[string]any{"capacityProvider": at(it, "capacityProvider"), "base": at(it, "base"), "weight": at(it, "weight")})
		}
		params["CapacityProviderStrategy"] = strategy
		if nc := at(ecs, "networkConfiguration"); nc != nil {
			assign := "DISABLED"
			if at(nc, "assignPublicIp") == true {
				assign = "ENABLED"
			}
			params["NetworkConfiguration"] = map[string]any{"awsvpcConfiguration": map[string]any{
				"Subnets": strList(nc, "subnets"), "SecurityGroups": strList(nc, "securityGroups"), "AssignPublicIp": assign}}
		}
		add("scheduler", "CreateSchedule", sc.Name, map[string]any{
			"Name": atString(sc.Inputs, "name"), "GroupName": atString(sc.Inputs, "groupName"), "Description": atString(sc.Inputs, "description"),
			"ScheduleExpression": atString(sc.Inputs, "scheduleExpression"), "ScheduleExpressionTimezone": atString(sc.Inputs, "scheduleExpressionTimezone"),
			"State": atString(sc.Inputs, "state"), "FlexibleTimeWindow": map[string]any{"Mode": atString(sc.Inputs, "flexibleTimeWindow.mode")},
			"Target": map[string]any{
				"Arn": atString(sc.Inputs, "target.arn"), "RoleArn": atString(sc.Inputs, "target.roleArn"), "EcsParameters": params,
				"RetryPolicy": map[string]any{"MaximumRetryAttempts": at(sc.Inputs, "target.retryPolicy.maximumRetryAttempts"),
					"MaximumEventAgeInSeconds": at(sc.Inputs, "target.retryPolicy.maximumEventAgeInSeconds")},
			},
		})
	}
	for _, fs := range p.Find("aws:efs/fileSystem:FileSystem") {
		add("efs", "CreateFileSystem", fs.Name, map[string]any{"CreationToken": fs.Name, "Encrypted": fs.Inputs["encrypted"], "ThroughputMode": atString(fs.Inputs, "throughputMode"), "Tags": tagList(fs.Inputs["tags"], true)})
	}
	for _, ap := range p.Find("aws:efs/accessPoint:AccessPoint") {
		rd := at(ap.Inputs, "rootDirectory").(map[string]any)
		ci := at(rd, "creationInfo").(map[string]any)
		add("efs", "CreateAccessPoint", ap.Name, map[string]any{"ClientToken": ap.Name, "FileSystemId": "fs-0123456789abcdef0",
			"RootDirectory": map[string]any{"Path": rd["path"], "CreationInfo": map[string]any{"OwnerUid": ci["ownerUid"], "OwnerGid": ci["ownerGid"], "Permissions": ci["permissions"]}}})
	}
	return out
}

// validate runs the requests through botocore (and moto_server at motoURL,
// when given) in one process and returns the errors by request.
func validate(t *testing.T, py, motoURL string, reqs []awsRequest) map[string]string {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, r := range reqs {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"testdata/awsvalidate.py"}
	if motoURL != "" {
		args = append(args, motoURL)
	}
	cmd := exec.Command(py, args...)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore validation failed: %v\n%s", err, stderr.String())
	}
	errs := map[string]string{}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r struct{ ID, Errors string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("botocore validation wrote %q: %v", sc.Text(), err)
		}
		n++
		if r.Errors != "" {
			errs[r.ID] = r.Errors
		}
	}
	if n != len(reqs) {
		t.Fatalf("botocore validated %d of %d requests", n, len(reqs))
	}
	return errs
}

// distinctRequests lists the documents of the matrix, each once, with where
// it was first seen and how many of each operation there are.
func distinctRequests(t *testing.T) ([]awsRequest, map[string]string, []string) {
	t.Helper()
	var reqs []awsRequest
	where := map[string]string{}
	seen := map[string]bool{}
	ops := map[string]int{}
	for _, pp := range plannedMatrix(t) {
		for _, r := range awsRequests(t, pp.plan) {
			b, _ := json.Marshal(r)
			if seen[string(b)] {
				continue // the same document in another platform
			}
			seen[string(b)] = true
			id := fmt.Sprintf("%d", len(reqs))
			where[id] = pp.name + " | " + r.ID
			ops[r.Service+" "+r.Operation]++
			r.ID = id
			reqs = append(reqs, r)
		}
	}
	var summary []string
	for k, n := range ops {
		summary = append(summary, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(summary)
	return reqs, where, summary
}

// reportRefusals fails the test with the first refusals.
func reportRefusals(t *testing.T, judge string, errs, where map[string]string) {
	t.Helper()
	ids := make([]string, 0, len(errs))
	for id := range errs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, id := range ids {
		if i == 20 {
			t.Errorf("... and %d more", len(ids)-20)
			break
		}
		t.Errorf("%s: %s refuses it:\n%s", where[id], judge, errs[id])
	}
}

func TestDocumentsPassBotocoreValidation(t *testing.T) {
	py := python(t)
	reqs, where, summary := distinctRequests(t)
	reportRefusals(t, "the AWS model", validate(t, py, "", reqs), where)
	t.Logf("botocore: %d distinct documents of %d platforms: %s", len(reqs), len(plannedMatrix(t)), strings.Join(summary, ", "))
}

func TestDocumentsAcceptedByMoto(t *testing.T) {
	py := python(t)
	if _, err := exec.LookPath("moto_server"); err != nil {
		what := "moto_server is not installed (pip install 'moto[server]'); the documents were not made into requests"
		if os.Getenv("CI") == "true" {
			t.Fatal(what)
		}
		t.Skip(what)
	}
	srv, err := mototest.Start(mototest.Options{})
	if err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	t.Cleanup(srv.Stop)
	reqs, where, _ := distinctRequests(t)
	// NOTE: botocore validates first; moto gets the valid ones it implements.
	reportRefusals(t, "moto_server or the AWS model", validate(t, py, srv.URL, reqs), where)
}

// cfnTemplate puts the matrix's distinct IAM documents and lifecycle
// policies into one CloudFormation template, where each maps cleanly onto a
// resource's property.
func cfnTemplate(t *testing.T) (map[string]any, map[string]string) {
	t.Helper()
	resources := map[string]any{}
	where := map[string]string{}
	seen := map[string]bool{}
	doc := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, s)
		}
		return v
	}
	put := func(name, typ string, props map[string]any) {
		b, _ := json.Marshal(props)
		if seen[typ+string(b)] {
			return
		}
		seen[typ+string(b)] = true
		id := fmt.Sprintf("R%d", len(resources)+1)
		where[id] = name
		// NOTE: the platforms share names; a template's must be unique.
		for _, k := range []string{"RoleName", "Bucket", "RepositoryName"} {
			if v, ok := props[k].(string); ok {
				props[k] = v + "-" + strings.ToLower(id)
			}
		}
		resources[id] = map[string]any{"Type": typ, "Properties": props}
	}
	for _, pp := range plannedMatrix(t) {
		p := pp.plan
		policies := map[string][]any{}
		for _, r := range p.Find(tRolePolicy) {
			policies[atString(r.Inputs, "role")] = append(policies[atString(r.Inputs, "role")],
				map[string]any{"PolicyName": atString(r.Inputs, "name"), "PolicyDocument": doc(atString(r.Inputs, "policy"))})
		}
		for _, r := range p.Find("aws:iam/role:Role") {
			name := atString(r.Inputs, "name")
			props := map[string]any{"RoleName": name, "Description": atString(r.Inputs, "description"), "AssumeRolePolicyDocument": doc(atString(r.Inputs, "assumeRolePolicy"))}
			if pol := policies[name]; pol != nil {
				props["Policies"] = pol
			}
			put(pp.name+" | "+r.Name, "AWS::IAM::Role", props)
		}
		for _, r := range p.Find("aws:s3/bucketPolicy:BucketPolicy") {
			put(pp.name+" | "+r.Name, "AWS::S3::BucketPolicy", map[string]any{"Bucket": atString(r.Inputs, "bucket"), "PolicyDocument": doc(atString(r.Inputs, "policy"))})
		}
		for _, r := range p.Find("aws:ecr/lifecyclePolicy:LifecyclePolicy") {
			put(pp.name+" | "+r.Name, "AWS::ECR::Repository", map[string]any{"RepositoryName": atString(r.Inputs, "repository"), "LifecyclePolicy": map[string]any{"LifecyclePolicyText": atString(r.Inputs, "policy")}})
		}
	}
	return map[string]any{"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, where
}

func TestDocumentsPassCfnLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		what := "cfn-lint is not installed (pip install cfn-lint); the resource schemas were not checked"
		if os.Getenv("CI") == "true" {
			t.Fatal(what)
		}
		t.Skip(what)
	}
	tmpl, where := cfnTemplate(t)
	path := filepath.Join(t.TempDir(), "template.json")
	b, _ := json.MarshalIndent(tmpl, "", " ")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--format", "json", "--regions", "us-east-1", "--", path).Output()
	var matches []struct {
		Rule     struct{ ID, Description string }
		Level    string
		Message  string
		Location struct{ Path []any }
	}
	if jerr := json.Unmarshal(out, &matches); jerr != nil {
		t.Fatalf("cfn-lint: %v (%v)\n%s", err, jerr, out)
	}
	for i, m := range matches {
		if i == 20 {
			t.Errorf("... and %d more", len(matches)-20)
			break
		}
		res := ""
		if len(m.Location.Path) > 1 {
			res, _ = m.Location.Path[1].(string)
		}
		t.Errorf("%s: cfn-lint %s %s: %s (at %v)", where[res], m.Level, m.Rule.ID, m.Message, m.Location.Path)
	}
	t.Logf("cfn-lint: %d resources (roles with their policies, bucket policies, lifecycle policies)", len(tmpl["Resources"].(map[string]any)))
}

package program_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"

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
		add("codepipeline", "CreatePipeline", pl.Name, map[string]any{
			"pipeline": map[string]any{
				"name": atString(pl.Inputs, "name"), "roleArn": atString(pl.Inputs, "roleArn"),
				"artifactStore": map[string]any{"type": atString(store, "type"), "location": atString(store, "location")},
				"stages":        stages, "pipelineType": atString(pl.Inputs, "pipelineType"), "executionMode": atString(pl.Inputs, "executionMode"),
			},
			"tags": tagList(pl.Inputs["tags"], false),
		})
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

// validate runs the requests through botocore in one process and returns
// the errors by request.
func validate(t *testing.T, py string, reqs []awsRequest) map[string]string {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, r := range reqs {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(py, "testdata/awsvalidate.py")
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

func TestDocumentsPassBotocoreValidation(t *testing.T) {
	py := python(t)
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
	errs := validate(t, py, reqs)
	shown := 0
	for id, e := range errs {
		if shown++; shown <= 20 {
			t.Errorf("%s: the AWS model refuses it:\n%s", where[id], e)
		}
	}
	if len(errs) > 20 {
		t.Errorf("... and %d more", len(errs)-20)
	}
	var summary []string
	for k, n := range ops {
		summary = append(summary, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(summary)
	t.Logf("botocore: %d distinct documents of %d platforms: %s", len(reqs), len(plannedMatrix(t)), strings.Join(summary, ", "))
}

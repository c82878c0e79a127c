package cli

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// oneOff answers RunTask and DescribeTasks for one task (moto cannot run
// awsvpc tasks): running, then stopped with the container's exit code.
func oneOff(t *testing.T, c *opsCLI, exitCode any) (*mototest.Recorder, string) {
	t.Helper()
	id := "0123456789abcdef0123456789abcdef"
	arn := "arn:aws:ecs:us-east-1:" + c.front.Account + ":task/shop/" + id
	var runs mototest.Recorder
	c.front.Handle("ecs.RunTask", runs.Wrap(mototest.Always(mototest.JSON(map[string]any{"tasks": []any{map[string]any{"taskArn": arn, "lastStatus": "PROVISIONING"}}, "failures": []any{}}))))
	task := func(status string, container map[string]any) mototest.Handler {
		return mototest.Always(mototest.JSON(map[string]any{"tasks": []any{map[string]any{
			"taskArn": arn, "lastStatus": status, "desiredStatus": "STOPPED", "taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/shop-web:2",
			"containers": []any{container}, "stoppedReason": "Essential container in task exited", "stopCode": "EssentialContainerExited",
		}}, "failures": []any{}}))
	}
	stopped := map[string]any{"name": "app", "lastStatus": "STOPPED"}
	if exitCode != nil {
		stopped["exitCode"] = exitCode
	}
	c.front.Handle("ecs.DescribeTasks", mototest.Seq(task("RUNNING", map[string]any{"name": "app", "lastStatus": "RUNNING"}), task("STOPPED", stopped)))
	return &runs, id
}

func TestRunStartsAOneOffTaskFollowsItAndExitsWithItsCode(t *testing.T) {
	defer func(g time.Duration) { runLogGrace = g }(runLogGrace)
	runLogGrace = 1500 * time.Millisecond
	c := newOpsCLI(t, shop())
	runs, id := oneOff(t, c, 3)
	web := c.seeded.Services[0]
	now := time.Now().Truncate(time.Millisecond)
	// GIVEN the task's own log lines, and another task's
	if err := mototest.PutLogs(context.Background(), c.cfg, web.LogGroup, web.StreamName(id), mototest.LogLine{Time: now, Message: "migrated 4 tables"}); err != nil {
		t.Fatal(err)
	}
	if err := mototest.PutLogs(context.Background(), c.cfg, web.LogGroup, web.StreamName("fedcba9876543210fedcba9876543210"), mototest.LogLine{Time: now, Message: "GET / 200"}); err != nil {
		t.Fatal(err)
	}
	// WHEN a migration runs as a one-off task of web
	code, out, errs := c.run("run", "web", "--answers", hello, "--", "./migrate", "up", "--fast")
	// THEN ecsdeck exits with the container's code, having shown its lines only
	if code != 3 {
		t.Fatalf("exit %d, want the container's 3\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(out, "migrated 4 tables") || strings.Contains(out, "GET / 200") {
		t.Fatalf("stdout:\n%s", out)
	}
	for _, want := range []string{"started task " + id + " of web:", "(app: ./migrate up --fast)", "task " + id + ": running", "task " + id + ": app exited 3"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	// AND the task was the service's: its task definition, network and
	// launch type, with the command for its main container
	in := runs.Inputs()
	if len(in) != 1 {
		t.Fatalf("RunTask calls %d", len(in))
	}
	ov := in[0]["overrides"].(map[string]any)["containerOverrides"].([]any)[0].(map[string]any)
	if ov["name"] != "app" || !reflect.DeepEqual(ov["command"], []any{"./migrate", "up", "--fast"}) {
		t.Fatalf("overrides %v", ov)
	}
	svc := describeService(t, c, "web")
	if in[0]["taskDefinition"] != svc["taskDefinition"] || in[0]["launchType"] != "FARGATE" || !reflect.DeepEqual(in[0]["networkConfiguration"].(map[string]any)["awsvpcConfiguration"].(map[string]any)["subnets"], svc["subnets"]) || in[0]["startedBy"] != "ecsdeck-run" {
		t.Fatalf("RunTask input %v\nservice %v", in[0], svc)
	}
}

// describeService is the task definition and subnets of a service, as
// moto describes it.
func describeService(t *testing.T, c *opsCLI, name string) map[string]any {
	t.Helper()
	out, err := ecs.NewFromConfig(c.cfg).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(c.seeded.Cluster), Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describe %s: %v", name, err)
	}
	s := out.Services[0]
	var subnets []any
	for _, sn := range s.NetworkConfiguration.AwsvpcConfiguration.Subnets {
		subnets = append(subnets, sn)
	}
	return map[string]any{"taskDefinition": aws.ToString(s.TaskDefinition), "subnets": subnets}
}

func TestRunOfATaskThatNeverRanSaysWhy(t *testing.T) {
	defer func(g time.Duration) { runLogGrace = g }(runLogGrace)
	runLogGrace = 100 * time.Millisecond
	c := newOpsCLI(t, shop())
	oneOff(t, c, nil)
	code, out, errs := c.run("run", "web", "--answers", hello)
	if code != exitFailed || !strings.Contains(errs, "stopped before app ran") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

func TestRunDetachedPrintsTheTaskAndReturns(t *testing.T) {
	c := newOpsCLI(t, shop())
	_, id := oneOff(t, c, 0)
	code, out, errs := c.run("run", "web", "--answers", hello, "--detach", "--", "true")
	if code != 0 || strings.TrimSpace(out) != id || c.front.Calls("ecs.DescribeTasks") != 0 {
		t.Fatalf("exit %d, DescribeTasks %d\n%s\n%s", code, c.front.Calls("ecs.DescribeTasks"), out, errs)
	}
	// AND a service that does not exist is bad input
	if code, _, errs := c.run("run", "nope", "--answers", hello); code != exitUsage || !strings.Contains(errs, "unknown service") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestRunSaysToPutDashDashBeforeACommandsFlags(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("run", "web", "--answers", hello, "./migrate", "--fast")
	if code != exitUsage || !strings.Contains(errs, "put -- before the task's command") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

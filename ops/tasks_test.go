package ops

import (
	"reflect"
	"testing"

	"ecsdeck/internal/mototest"
)

const taskPrefix = "arn:aws:ecs:us-east-1:123456789012:task/tasks/"

// taskJSON is a task in the documented DescribeTasks shape.
func taskJSON(id, last string, started, stopped float64, stopCode, reason string, containers ...map[string]any) map[string]any {
	t := map[string]any{
		"taskArn": taskPrefix + id, "lastStatus": last, "desiredStatus": "RUNNING",
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
		"launchType":        "FARGATE", "availabilityZone": "us-east-1a", "healthStatus": "HEALTHY",
		"cpu": "256", "memory": "512", "startedAt": started, "containers": containers,
	}
	if last == "STOPPED" {
		t["desiredStatus"] = "STOPPED"
		t["stoppedAt"] = stopped
		t["stopCode"] = stopCode
		t["stoppedReason"] = reason
		t["healthStatus"] = "UNKNOWN"
	}
	return t
}

func TestTasksAreListedWithHealthAndStopReasonsExplained(t *testing.T) {
	w := newWorld(t, seedOf("tasks", svc("web", 2)))
	// GIVEN two running tasks and two stopped ones (ListTasks and
	// DescribeTasks answered in their documented shapes)
	var listed mototest.Recorder
	w.front.Handle("ecs.ListTasks", listed.Wrap(func(r *mototest.Request) mototest.Reply {
		if r.Input()["desiredStatus"] == "STOPPED" {
			return mototest.JSON(map[string]any{"taskArns": []string{taskPrefix + "s1", taskPrefix + "s2"}})
		}
		return mototest.JSON(map[string]any{"taskArns": []string{taskPrefix + "r2", taskPrefix + "r1"}})
	}))
	w.front.Handle("ecs.DescribeTasks", mototest.Always(mototest.JSON(map[string]any{"failures": []any{}, "tasks": []any{
		taskJSON("r2", "RUNNING", 1700000200, 0, "", "", map[string]any{"name": "app", "lastStatus": "RUNNING", "healthStatus": "HEALTHY", "cpu": "0"}),
		taskJSON("s1", "STOPPED", 1700000000, 1700000100, "TaskFailedToStart",
			"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref public.ecr.aws/x/y:nope: not found",
			map[string]any{"name": "app", "lastStatus": "STOPPED"}),
		taskJSON("r1", "RUNNING", 1700000100, 0, "", "", map[string]any{"name": "app", "lastStatus": "RUNNING", "healthStatus": "HEALTHY"}),
		taskJSON("s2", "STOPPED", 1700000000, 1700000300, "EssentialContainerExited", "Essential container in task exited",
			map[string]any{"name": "app", "lastStatus": "STOPPED", "exitCode": 137, "reason": "OutOfMemoryError: Container killed due to memory usage"}),
	}})))
	// WHEN the tasks of the service are listed
	tasks, err := w.client.Tasks.List(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// THEN running tasks come first (oldest first), then stopped (newest first)
	var ids []string
	for _, tk := range tasks {
		ids = append(ids, tk.ID)
	}
	if !reflect.DeepEqual(ids, []string{"r1", "r2", "s2", "s1"}) {
		t.Fatalf("order = %v", ids)
	}
	if tasks[0].Health != "HEALTHY" || tasks[0].TaskDefinition.String() != "web:3" || tasks[0].Zone != "us-east-1a" || tasks[0].Explanation != "" {
		t.Fatalf("running task = %+v", tasks[0])
	}
	// AND stopped tasks say why in plain words
	if want := "container app ran out of memory and was killed: give the task or the container more memory"; tasks[2].Explanation != want {
		t.Fatalf("s2 explanation = %q", tasks[2].Explanation)
	}
	if want := "the image could not be pulled: check that the image and tag exist, and that the task can reach the registry (NAT gateway or VPC endpoints) with an execution role allowed to pull it"; tasks[3].Explanation != want {
		t.Fatalf("s1 explanation = %q", tasks[3].Explanation)
	}
	// AND running and stopped tasks of that service were asked for
	in := listed.Inputs()
	if len(in) != 2 || in[0]["serviceName"] != "web" || in[0]["desiredStatus"] != "RUNNING" || in[1]["desiredStatus"] != "STOPPED" {
		t.Fatalf("ListTasks inputs = %v", in)
	}
}

func TestExplainStop(t *testing.T) {
	code := func(n int32) *int32 { return &n }
	cases := []struct {
		name string
		task Task
		want string
	}{
		{"running", Task{LastStatus: "RUNNING"}, ""},
		{"image pull", Task{LastStatus: "STOPPED", StopCode: "TaskFailedToStart", StoppedReason: "CannotPullContainerError: ref not found"},
			"the image could not be pulled: check that the image and tag exist, and that the task can reach the registry (NAT gateway or VPC endpoints) with an execution role allowed to pull it"},
		{"image pull in a container", Task{LastStatus: "STOPPED", StoppedReason: "Task failed to start", Containers: []Container{{Name: "nginx", Reason: "CannotPullContainerError: access denied"}}},
			"the image of container nginx could not be pulled: check that the image and tag exist, and that the task can reach the registry (NAT gateway or VPC endpoints) with an execution role allowed to pull it"},
		{"secrets", Task{LastStatus: "STOPPED", StoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secret from asm"},
			"a secret could not be fetched before the containers started: check that the SSM parameters or secrets exist, that the execution role may read them, and that the subnets reach SSM and Secrets Manager"},
		{"init", Task{LastStatus: "STOPPED", StoppedReason: "ResourceInitializationError: failed to validate logger args"},
			"the task could not be prepared before its containers started (ResourceInitializationError): check the execution role and that the subnets reach ECR, CloudWatch Logs and SSM"},
		{"out of memory", Task{LastStatus: "STOPPED", StopCode: "EssentialContainerExited", Containers: []Container{{Name: "app", ExitCode: code(137), Reason: "OutOfMemoryError: Container killed due to memory usage"}}},
			"container app ran out of memory and was killed: give the task or the container more memory"},
		{"elb", Task{LastStatus: "STOPPED", StopCode: "ServiceSchedulerInitiated", StoppedReason: "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1)"},
			"the load balancer's health check failed: the application did not answer on its health check path and port within the grace period"},
		{"container health", Task{LastStatus: "STOPPED", StopCode: "ServiceSchedulerInitiated", StoppedReason: "Task failed container health checks"},
			"the container's own health check kept failing"},
		{"exit 1", Task{LastStatus: "STOPPED", StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited", Containers: []Container{{Name: "sidecar", ExitCode: code(0)}, {Name: "app", ExitCode: code(1)}}},
			"essential container app exited with code 1: the application failed; its logs say why"},
		{"exit 0", Task{LastStatus: "STOPPED", StopCode: "EssentialContainerExited", Containers: []Container{{Name: "app", ExitCode: code(0)}}},
			"essential container app exited with code 0: it finished, but a service's essential container must keep running"},
		{"exit 139", Task{LastStatus: "STOPPED", StoppedReason: "Essential container in task exited", Containers: []Container{{Name: "app", ExitCode: code(139)}}},
			"essential container app exited with code 139: it crashed (segmentation fault)"},
		{"spot", Task{LastStatus: "STOPPED", StopCode: "SpotInterruption", StoppedReason: "Your Spot Task was interrupted."},
			"AWS reclaimed the Spot capacity it ran on (Spot interruption); the service starts a replacement"},
		{"termination notice", Task{LastStatus: "STOPPED", StopCode: "TerminationNotice"},
			"the host it ran on was being retired (termination notice); the service starts a replacement"},
		{"deployment", Task{LastStatus: "STOPPED", StopCode: "ServiceSchedulerInitiated", StoppedReason: "Scaling activity initiated by (deployment ecs-svc/123)"},
			"replaced by a newer task during a deployment"},
		{"scale in", Task{LastStatus: "STOPPED", StopCode: "ServiceSchedulerInitiated", StoppedReason: "Scaling activity initiated by (service web)"},
			"stopped by ECS while scaling in"},
		{"user", Task{LastStatus: "STOPPED", StopCode: "UserInitiated", StoppedReason: "Task stopped by user"},
			"stopped on request (StopTask, by a person or a script)"},
		{"user with reason", Task{LastStatus: "STOPPED", StopCode: "UserInitiated", StoppedReason: "maintenance"},
			"stopped on request: maintenance"},
		{"cannot start", Task{LastStatus: "STOPPED", Containers: []Container{{Name: "app", Reason: "CannotStartContainerError: exec: \"/start\": not found"}}},
			"container app could not start: check its command, entry point and environment"},
		{"volume", Task{LastStatus: "STOPPED", StoppedReason: "CannotCreateVolumeError: mount.nfs4: access denied"},
			"a volume could not be mounted: check the EFS file system, its access point, mount targets and security groups"},
		{"unknown", Task{LastStatus: "STOPPED", StoppedReason: "Something new"}, "Something new"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ExplainStop(c.task); got != c.want {
				t.Fatalf("ExplainStop = %q\nwant           %q", got, c.want)
			}
		})
	}
}

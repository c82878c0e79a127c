package profiles

import (
	"strings"
	"testing"
)

func TestInstanceSizesComeFromTheTypeName(t *testing.T) {
	for typ, want := range map[string]InstanceSize{
		"t3.nano": {2, 512}, "t2.micro": {1, 1024}, "t4g.medium": {2, 4096}, "t3a.2xlarge": {8, 32768},
		"m7g.medium": {1, 4096}, "m6i.large": {2, 8192}, "m5.2xlarge": {8, 32768}, "m7gd.xlarge": {4, 16384},
		"c6g.large": {2, 4096}, "c5.9xlarge": {36, 73728}, "r7g.large": {2, 16384},
	} {
		if got, ok := InstanceSizeOf(typ); !ok || got != want {
			t.Errorf("%s = %+v, %v; want %+v", typ, got, ok, want)
		}
	}
	for _, typ := range []string{"c5n.large", "x2gd.large", "m5.metal", "t3.huge", "small"} {
		if got, ok := InstanceSizeOf(typ); ok {
			t.Errorf("%s = %+v, want unknown", typ, got)
		}
	}
	// An instance keeps about 6 % of its memory (at least 256 MiB) from tasks.
	if cpu, mem := (InstanceSize{2, 4096}).ForTasks(); cpu != 2048 || mem != 3840 {
		t.Errorf("t4g.medium gives tasks %d CPU units and %d MiB", cpu, mem)
	}
	if _, mem := (InstanceSize{8, 32768}).ForTasks(); mem != 32768-1966 {
		t.Errorf("8 vCPU, 32 GiB gives tasks %d MiB", mem)
	}
}

// ec2Spec is the valid Spec on two t3.small instances at most, the backend
// at 1 vCPU and 1 GiB a task.
func ec2Spec(tasks int) *Spec {
	s := valid()
	s.LaunchType = LaunchEC2
	s.Capacity.EC2.InstanceType = "t3.small"
	s.Capacity.EC2.Min, s.Capacity.EC2.Desired, s.Capacity.EC2.Max = 1, 1, 2
	s.Backend.CPU, s.Backend.Memory = 1024, 1024
	s.Backend.DesiredCount, s.Backend.Autoscaling.Min, s.Backend.Autoscaling.Max = 1, 1, tasks
	s.Complete()
	return s
}

func TestTasksThatDoNotFitOnTheInstancesAreAWarning(t *testing.T) {
	// GIVEN three tasks of 1 GiB that fit on two t3.small (1.75 GiB each for tasks)
	if ps := Validate(ec2Spec(3)); len(ps) != 0 {
		t.Fatalf("tasks that fit: %v", ps)
	}
	// WHEN the backend may scale to four tasks
	ps := Validate(ec2Spec(4))
	// THEN a warning, not an error, says what they need and what would do
	want := "warning: capacity.ec2.max: at their autoscaling maximum the tasks need 4 vCPU, 4 GiB, and 2 t3.small instances give 4 vCPU, 3.5 GiB for tasks (about 3 would): " +
		"ECS cannot place them all (choose a larger capacity.ec2.instanceType, raise capacity.ec2.max, or ask less of the services)"
	if len(ps) != 1 || ps[0].String() != want {
		t.Fatalf("problems:\n%v\nwant\n%s", ps, want)
	}
	if len(ps.Errors()) != 0 {
		t.Fatal("a capacity shortfall is an error")
	}
	// WHEN one task is larger than one instance
	s := ec2Spec(1)
	s.Backend.CPU, s.Backend.Memory = 2048, 4096
	ps = Validate(s)
	// THEN the instance type is named
	if len(ps) != 1 || !strings.HasPrefix(ps[0].String(), "warning: capacity.ec2.instanceType: one backend task (2 vCPU, 4 GiB) is larger than one t3.small gives tasks (2 vCPU, 1.75 GiB)") {
		t.Fatalf("problems:\n%v", ps)
	}
	// AND on Fargate, or with an instance type of unknown size, nothing is said
	s = ec2Spec(40)
	s.Capacity.EC2.InstanceType = "c5n.large"
	if ps := Validate(s); len(ps) != 0 {
		t.Fatalf("unknown size: %v", ps)
	}
}

func TestWorkersAndJobsCountOnTheInstances(t *testing.T) {
	// GIVEN three backend tasks that fit on two t3.small
	s := ec2Spec(3)
	// WHEN a worker of 512 MiB and a job of 256 MiB are added
	withWorker(func(w *Worker) { w.CPU, w.Memory = 512, 512 })(s)
	withJob(func(j *Job) { j.CPU, j.Memory = 256, 256 })(s)
	ps := Validate(s)
	// THEN they count: 3 + 0.5 + 0.25 vCPU, 3.75 GiB do not fit in 3.5 GiB
	want := "warning: capacity.ec2.max: at their autoscaling maximum the tasks need 3.75 vCPU, 3.75 GiB, and 2 t3.small instances give 4 vCPU, 3.5 GiB for tasks (about 3 would): " +
		"ECS cannot place them all (choose a larger capacity.ec2.instanceType, raise capacity.ec2.max, or ask less of the services)"
	if len(ps) != 1 || ps[0].String() != want {
		t.Fatalf("problems:\n%v\nwant\n%s", ps, want)
	}
}

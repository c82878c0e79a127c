package cost_test

import (
	"strings"
	"testing"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

func TestTheUnpricedPartsAreNamed(t *testing.T) {
	// GIVEN a platform with a database and a pipeline in a region whose
	// table has no RDS or CodeBuild prices
	s := small(t, func(s *profiles.Spec) {
		s.Region = "eu-west-1"
		s.Database.Engine, s.Database.InstanceClass = profiles.EnginePostgres, "db.t4g.micro"
		s.Backend.Repository.Name = "shop/api"
	})
	// WHEN it is estimated
	e := estimate(t, s)
	g, ok := cost.Quick(s)
	// THEN the parts left out are named once each, in the estimate's order,
	// in the breakdown and at a glance
	want := "not priced in eu-west-1: RDS db.t4g.micro, RDS storage, CodeBuild"
	if got := e.NotPriced(); got != want {
		t.Errorf("NotPriced = %q, want %q", got, want)
	}
	if !ok || g.NotPriced != want || g.Unpriced != 3 {
		t.Errorf("Quick = %+v, %v", g, ok)
	}
	// AND a platform priced in full leaves nothing out
	if got := estimate(t, small(t, nil)).NotPriced(); got != "" {
		t.Errorf("a priced platform: %q", got)
	}
}

func TestAnUnknownInstanceTypeIsNamedAsIs(t *testing.T) {
	// GIVEN EC2 instances the table does not know
	s := small(t, func(s *profiles.Spec) {
		s.LaunchType = profiles.LaunchEC2
		s.Capacity.EC2.InstanceType = "x9.huge"
	})
	// THEN the part left out is that instance type
	if got := estimate(t, s).NotPriced(); got != "not priced in us-east-1: EC2 x9.huge" {
		t.Errorf("NotPriced = %q", got)
	}
}

func TestTheEstimateSaysWhenTheTasksDoNotFitTheInstances(t *testing.T) {
	// GIVEN four 1 GiB tasks on at most two t3.small instances
	s := small(t, func(s *profiles.Spec) {
		s.LaunchType = profiles.LaunchEC2
		s.Capacity.EC2.InstanceType = "t3.small"
		s.Capacity.EC2.Min, s.Capacity.EC2.Desired, s.Capacity.EC2.Max = 1, 1, 2
		s.Backend.CPU, s.Backend.Memory = 1024, 1024
		s.Backend.DesiredCount, s.Backend.Autoscaling.Min, s.Backend.Autoscaling.Max = 1, 1, 4
	})
	// WHEN it is estimated THEN a note says so, as validation does
	notes := strings.Join(estimate(t, s).Notes, "\n")
	want := "The tasks do not fit on the instances: at their autoscaling maximum the tasks need 4 vCPU, 4 GiB, and 2 t3.small instances give 4 vCPU, 3.5 GiB for tasks (about 3 would)"
	if !strings.Contains(notes, want) {
		t.Errorf("notes:\n%s\nlack %q", notes, want)
	}
	// AND with a third instance nothing is said
	s.Capacity.EC2.Max = 3
	if notes := strings.Join(estimate(t, s).Notes, "\n"); strings.Contains(notes, "do not fit") {
		t.Errorf("notes:\n%s", notes)
	}
}

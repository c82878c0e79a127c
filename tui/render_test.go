package tui

import (
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/tui/common"
	"ecsdeck/wizard"
	"ecsdeck/words"
)

func TestProgressBar(t *testing.T) {
	st := common.NewStyles(true)
	for _, tc := range []struct {
		width, done, total int
		want               string
	}{
		{10, 0, 10, "░░░░░░░░░░"},
		{10, 5, 10, "█████░░░░░"},
		{10, 10, 10, "██████████"},
		{10, 12, 10, "██████████"},
		{10, 3, 0, "░░░░░░░░░░"},
		{4, 1, 3, "█░░░"},
		{0, 1, 1, ""},
	} {
		if got := progressBar(st, tc.width, tc.done, tc.total); got != tc.want {
			t.Errorf("progressBar(%d, %d, %d) = %q, want %q", tc.width, tc.done, tc.total, got, tc.want)
		}
	}
}

func TestDurationAndMoney(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                         "0s",
		400 * time.Millisecond:               "0.4s",
		9*time.Second + 960*time.Millisecond: "10.0s",
		12 * time.Second:                     "12s",
		2*time.Minute + 5*time.Second:        "2m05s",
		62 * time.Minute:                     "1h02m",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	for usd, want := range map[float64]string{0.5: "$0.50", 9.994: "$9.99", 10: "$10", 84.4: "$84", 1234.5: "$1235"} {
		if got := words.Dollars(usd); got != want {
			t.Errorf("words.Dollars(%v) = %q, want %q", usd, got, want)
		}
	}
	for e, want := range map[Estimate]string{
		{Monthly: 84.4, Min: 61, Max: 132}:           "≈ $84/month ($61–$132)",
		{Monthly: 30, Min: 30, Max: 30}:              "≈ $30/month",
		{Monthly: 30, Min: 20, Max: 40, Unpriced: 2}: "≈ $30+/month ($20–$40)",
		{Monthly: 123, Min: 123, Max: 123, Unpriced: 2, NotPriced: "not priced in eu-south-2: RDS db.t4g.micro, CodeBuild"}: "≈ $123/month + not priced in eu-south-2: RDS db.t4g.micro, CodeBuild",
	} {
		if got := e.String(); got != want {
			t.Errorf("%+v = %q, want %q", e, got, want)
		}
	}
	// A header too narrow for every name cuts the names first, then keeps the +.
	e := Estimate{Monthly: 123, Min: 123, Max: 123, Unpriced: 2, NotPriced: "not priced in eu-south-2: RDS db.t4g.micro, CodeBuild"}
	for width, want := range map[int]string{
		80: "≈ $123/month + not priced in eu-south-2: RDS db.t4g.micro, CodeBuild",
		45: "≈ $123/month + not priced in eu-south-2: RDS…",
		20: "≈ $123+/month",
	} {
		if got := e.Fit(width); got != want {
			t.Errorf("Fit(%d) = %q, want %q", width, got, want)
		}
	}
}

func TestStepsLine(t *testing.T) {
	st := common.NewStyles(true)
	steps := func(cur wizard.Step, skip ...wizard.Step) []wizard.StepState {
		var out []wizard.StepState
		for s := wizard.StepBasics; s <= wizard.StepReview; s++ {
			rel := true
			for _, k := range skip {
				rel = rel && k != s
			}
			out = append(out, wizard.StepState{Step: s, Current: s == cur, Done: s < cur, Relevant: rel})
		}
		return out
	}
	for _, tc := range []struct {
		width int
		cur   wizard.Step
		skip  []wizard.Step
		want  string
	}{
		{200, wizard.StepCapacity, []wizard.Step{wizard.StepPipelines},
			"✓ Basics › ✓ Architecture › ▸ Capacity › Network › Domain › Services › Database › Review"},
		{80, wizard.StepCapacity, []wizard.Step{wizard.StepPipelines},
			"✓ Basics › ✓ Architecture › ▸ Capacity › Network › Domain › Services ›\nDatabase › Review"},
		{100, wizard.StepDomain, nil,
			"✓ Basics › ✓ Architecture › ✓ Capacity › ✓ Network › ▸ Domain › Services › Pipelines › Database ›\nReview"},
		{80, wizard.StepDomain, nil,
			"✓ Basics › ✓ Architecture › ✓ Capacity › ✓ Network › ▸ Domain › Services ›\nPipelines › Database › Review"},
		{50, wizard.StepDomain, nil,
			"✓✓✓✓ › ▸ Domain › Services › Pipelines › …"},
		{20, wizard.StepDatabase, nil,
			"✓✓✓✓✓✓✓ › ▸ Databas…"},
	} {
		if got := stepsLine(st, tc.width, steps(tc.cur, tc.skip...)); got != tc.want {
			t.Errorf("width %d at %s: %q, want %q", tc.width, tc.cur, got, tc.want)
		}
	}
}

func TestShortTypeAndPlanRows(t *testing.T) {
	for in, want := range map[string]string{
		"aws:ecs/service:Service":          "ecs.Service",
		"aws:lb/loadBalancer:LoadBalancer": "lb.LoadBalancer",
		"ecsdeck:aws:Service":              "aws.Service",
		"pulumi:pulumi:Stack":              "pulumi.Stack",
		"random:index/randomId:RandomId":   "RandomId",
		"odd":                              "odd",
	} {
		if got := shortType(in); got != want {
			t.Errorf("shortType(%q) = %q, want %q", in, got, want)
		}
	}
	rows, total := planRows(map[string]int{"network": 12, "backend": 9, "cluster": 9, "dns": 2, "aws": 0})
	want := []string{"network  12", "backend   9", "cluster   9", "dns       2"}
	if strings.Join(rows, "|") != strings.Join(want, "|") || total != 32 {
		t.Errorf("planRows = %q, %d", rows, total)
	}
	if got := columns(want, 40, 2); got != "  network  12    cluster   9\n  backend   9    dns       2" {
		t.Errorf("columns =\n%s", got)
	}
}

func TestCostly(t *testing.T) {
	for path, want := range map[string]bool{
		"backend.cpu": true, "frontend.memory": true, "capacity.fargate.spotWeight": true, "database.engine": true,
		"backend.source": true, "launchType": true, "name": false, "backend.healthCheckPath": false, "domain.name": false,
		"workloads": true, "workers[0].cpu": true, "workers[1].autoscaling.max": true, "jobs[0].schedule": true,
		"workers[0].name": false, "jobs[0].command": false,
	} {
		if got := costly(path); got != want {
			t.Errorf("costly(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestSummaryOfOtherShapes(t *testing.T) {
	s := profiles.New()
	s.Name, s.Region, s.AWSProfile = "notes", "us-east-1", "prod"
	s.LaunchType, s.Architecture = profiles.LaunchEC2, profiles.ArchARM
	s.Capacity.EC2.InstanceType, s.Capacity.EC2.Spot = "t4g.small", true
	s.Network.VPCID, s.Network.SubnetIDs = "vpc-0123abcd", []string{"subnet-0aaa0001", "subnet-0aaa0002"}
	s.Tier, s.Frontend.Hosting, s.ServiceConnect = profiles.TierTwoTier, profiles.HostingECS, true
	s.Domain.Name = "notes.example.net"
	s.Database.Engine, s.Database.MultiAZ = profiles.EngineMySQL, true
	s.Backend.Nginx.Enabled = true
	s.Backend.Volume = profiles.Volume{Kind: profiles.VolumeEBS, SizeGiB: 50, ContainerPath: "/data"}
	s.Backend.Autoscaling.Max = 4
	s.Complete()
	got := map[string]string{}
	for _, f := range summary(s) {
		got[f.label] = f.text
	}
	for label, want := range map[string]string{
		"Platform": "notes-prod in us-east-1, with AWS profile prod",
		"Shape":    "a backend and a frontend on ECS, one load balancer routing by host name, joined by Service Connect",
		"Capacity": "EC2: 1 to 6 Spot t4g.small instances (1 at first), arm64",
		"Network":  "existing VPC vpc-0123abcd, subnets subnet-0aaa0001, subnet-0aaa0002",
		"Domain":   "notes.example.net; DNS records written by you; HTTP only; backend at api.notes.example.net, frontend at www.notes.example.net",
		"Backend":  "image pushed to its ECR repository by your CI; port 8080; 0.5 vCPU / 1 GiB; 1 task (1 to 4 at 70% CPU); nginx in front (generated config); ebs volume at /data (50 GiB); health check /",
		"Database": "mysql 8.0 on db.t4g.micro, 20 GiB, with a standby in a second zone, backups kept 7 days; database app, user app",
	} {
		if got[label] != want {
			t.Errorf("%s = %q\n        want %q", label, got[label], want)
		}
	}
	if _, ok := got["Pipelines"]; ok {
		t.Error("a platform without repositories has a Pipelines line")
	}
	steps := manualSteps(s, &stack.Outputs{LoadBalancerDNS: "notes-1.us-east-1.elb.amazonaws.com"})
	if len(steps) != 1 || steps[0] != "Create DNS records yourself: api.notes.example.net and www.notes.example.net as CNAME of notes-1.us-east-1.elb.amazonaws.com." {
		t.Errorf("manual steps = %q", steps)
	}
}

func TestBlueGreenSummary(t *testing.T) {
	s := shopSpec()
	s.Pipeline.Deploy, s.Pipeline.BlueTerminationMinutes = profiles.DeployBlueGreen, 15
	s.Pipeline.CodeDeployConfig = "CodeDeployDefault.ECSCanary10Percent5Minutes"
	s.Pipeline.ConnectionARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/11112222-3333-4444-5555-666677778888"
	if got, want := pipelineText(s), "blue/green deploys with CodeDeploy (ECSCanary10Percent5Minutes, old tasks kept 15 min); source connection …77778888"; got != want {
		t.Errorf("pipelineText = %q, want %q", got, want)
	}
	if steps := manualSteps(s, nil); len(steps) != 1 || !strings.HasPrefix(steps[0], "Put the backend's settings") {
		t.Errorf("with a connection there is nothing to activate: %q", steps)
	}
}

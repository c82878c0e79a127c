package cost_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

// small returns a valid single-tier Fargate platform in us-east-1 whose
// every line can be priced by hand: one 0.5 vCPU / 1 GB task, all on
// on-demand Fargate, a public image (no ECR, no pipeline), Container
// Insights off, logs kept 30 days. edit changes it before it is checked.
func small(t *testing.T, edit func(s *profiles.Spec)) *profiles.Spec {
	t.Helper()
	s := profiles.New()
	s.Name, s.Environment, s.Region = "shop", "prod", "us-east-1"
	s.Backend.Image = "public.ecr.aws/nginx/nginx:1.27"
	s.Backend.Port = 80
	s.Backend.CPU, s.Backend.Memory = 512, 1024
	s.Capacity.Fargate = profiles.FargateCapacity{SpotBase: 0, SpotWeight: 0, OnDemandWeight: 1}
	s.Cluster.ContainerInsights = false
	if edit != nil {
		edit(s)
	}
	s.Complete()
	if errs := profiles.Validate(s).Errors(); len(errs) > 0 {
		t.Fatalf("the test's spec is not valid:\n%v", errs)
	}
	return s
}

func estimate(t *testing.T, s *profiles.Spec) *cost.Breakdown {
	t.Helper()
	e, err := cost.Estimate(s, cost.Shipped(), cost.DefaultAssumptions())
	if err != nil {
		t.Fatalf("Estimate: %v", err)
	}
	return e
}

func cents(v float64) int64 { return int64(math.Round(v * 100)) }

// sum adds the lines of a component (all lines when comp is empty) at the
// desired, minimum and maximum counts.
func sum(e *cost.Breakdown, comp string) (want, lo, hi float64) {
	for _, l := range e.Lines {
		if comp == "" || l.Component == comp {
			want += l.Monthly
			lo += l.MinMonthly
			hi += l.MaxMonthly
		}
	}
	return
}

func TestEstimateMatchesHandComputedFigures(t *testing.T) {
	// Unit prices of us-east-1 in the shipped table, written out so that a
	// change to the table shows up here.
	const (
		vcpu, gb       = 0.04048, 0.004445 // Fargate x86_64, per hour
		vcpuARM, gbARM = 0.03238, 0.00356  // Fargate arm64, per hour
		t3small        = 0.0208            // EC2 per hour
		gp3            = 0.08              // EBS per GB-month
		pgMicro        = 0.016             // RDS PostgreSQL db.t4g.micro per hour
		rdsGB          = 0.115             // RDS storage per GB-month
		h              = 730.0
		spot           = 1 - 0.65
	)
	task := (0.5*vcpu + 1*gb) * h // one 0.5 vCPU / 1 GB task, a month: 18.02005
	tests := []struct {
		name          string
		edit          func(s *profiles.Spec)
		comp          string
		want, lo, hi  float64
		wantLineCount int // lines in comp; 0: not checked
	}{
		{
			name: "one 0.5 vCPU / 1 GB task on on-demand Fargate for 730 hours",
			comp: cost.CompCompute, want: task, lo: task, hi: task, // $18.02
			wantLineCount: 2,
		},
		{
			name: "Spot base 1 and weights 3:1 put 3 of 4 tasks on Spot (base 1, then 2 of the other 3)",
			edit: func(s *profiles.Spec) {
				s.Capacity.Fargate = profiles.FargateCapacity{SpotBase: 1, SpotWeight: 3, OnDemandWeight: 1}
				s.Backend.DesiredCount = 4
				s.Backend.Autoscaling.Min, s.Backend.Autoscaling.Max = 2, 6
			},
			comp: cost.CompCompute,
			// desired 4: 3 Spot + 1 on-demand; min 2: 1 base + 1 (weights 3:1
			// on one task, spot's larger share) = 2 Spot; max 6: 1 + 4 Spot
			// (5 × 3/4 = 3.75 → 3, 5 × 1/4 = 1.25 → 1, the last to Spot's
			// larger remainder) = 5 Spot + 1 on-demand.
			want: 1*task + 3*task*spot, lo: 2 * task * spot, hi: 1*task + 5*task*spot,
			wantLineCount: 4,
		},
		{
			name: "all tasks on Spot when the on-demand weight is 0",
			edit: func(s *profiles.Spec) {
				s.Capacity.Fargate = profiles.FargateCapacity{SpotBase: 0, SpotWeight: 1, OnDemandWeight: 0}
			},
			comp: cost.CompCompute, want: task * spot, lo: task * spot, hi: task * spot,
			wantLineCount: 2,
		},
		{
			name: "arm64 on Fargate at the arm64 prices",
			edit: func(s *profiles.Spec) { s.Architecture = profiles.ArchARM },
			comp: cost.CompCompute, want: (0.5*vcpuARM + gbARM) * h, lo: (0.5*vcpuARM + gbARM) * h, hi: (0.5*vcpuARM + gbARM) * h, // $14.42
		},
		{
			name: "EC2 Spot: two t3.small at the Spot discount, with their 30 GiB root volumes",
			edit: func(s *profiles.Spec) {
				s.LaunchType = profiles.LaunchEC2
				s.Capacity.EC2.InstanceType = "t3.small"
				s.Capacity.EC2.Min, s.Capacity.EC2.Desired, s.Capacity.EC2.Max = 1, 2, 4
				s.Capacity.EC2.Spot = true
			},
			comp: cost.CompCompute,
			want: 2 * (t3small*spot*h + 30*gp3), // $15.43
			lo:   1 * (t3small*spot*h + 30*gp3),
			hi:   4 * (t3small*spot*h + 30*gp3),
		},
		{
			name: "a Multi-AZ database doubles the instance and the storage",
			edit: func(s *profiles.Spec) {
				s.Database.Engine = profiles.EnginePostgres
				s.Database.InstanceClass = "db.t4g.micro"
				s.Database.StorageGiB = 50
				s.Database.MultiAZ = true
			},
			comp: cost.CompDatabase,
			want: 2*pgMicro*h + 2*50*rdsGB, lo: 2*pgMicro*h + 2*50*rdsGB, hi: 2*pgMicro*h + 2*50*rdsGB, // $34.86
			wantLineCount: 2,
		},
		{
			name: "a single-AZ database",
			edit: func(s *profiles.Spec) {
				s.Database.Engine = profiles.EnginePostgres
				s.Database.InstanceClass = "db.t4g.micro"
				s.Database.StorageGiB = 50
			},
			comp: cost.CompDatabase, want: pgMicro*h + 50*rdsGB, lo: pgMicro*h + 50*rdsGB, hi: pgMicro*h + 50*rdsGB, // $17.43
		},
		{
			name: "an S3 frontend: CloudFront 50 GB and 1 million HTTPS requests, a 1 GB site",
			edit: func(s *profiles.Spec) {
				s.Tier = profiles.TierTwoTier
				s.Frontend.Hosting = profiles.HostingS3
				s.Domain.Name = "shop.example.com"
				s.Domain.CertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
			},
			comp: cost.CompFrontend,
			want: 50*0.085 + 100*0.01 + 1*0.023, lo: 50*0.085 + 100*0.01 + 1*0.023, hi: 50*0.085 + 100*0.01 + 1*0.023, // $5.27
			wantLineCount: 3,
		},
		{
			name: "the whole small platform, by hand",
			comp: "",
			// Fargate 18.02005 + load balancer 0.0225 × 730 + 1 LCU 0.008 × 730
			// + 3 public IPv4 addresses (2 load balancer, 1 task) 0.005 × 730
			// + artifacts 1 GB × 0.023 + logs 5 GB × 0.50 + stored 5 GB ×
			// 30 days / (730/24) days × 0.03 = $53.91
			want: task + 0.0225*h + 0.008*h + 3*0.005*h + 0.023 + 5*0.5 + 5*30/(h/24)*0.03,
			lo:   task + 0.0225*h + 0.008*h + 3*0.005*h + 0.023 + 5*0.5 + 5*30/(h/24)*0.03,
			hi:   task + 0.0225*h + 0.008*h + 3*0.005*h + 0.023 + 5*0.5 + 5*30/(h/24)*0.03,
		},
		{
			name: "autoscaling 1 to 3 tasks: the maximum adds two tasks and their addresses",
			edit: func(s *profiles.Spec) { s.Backend.Autoscaling.Min, s.Backend.Autoscaling.Max = 1, 3 },
			comp: "",
			want: task + 0.0225*h + 0.008*h + 3*0.005*h + 0.023 + 5*0.5 + 5*30/(h/24)*0.03,
			lo:   task + 0.0225*h + 0.008*h + 3*0.005*h + 0.023 + 5*0.5 + 5*30/(h/24)*0.03,
			hi:   3*task + 0.0225*h + 0.008*h + 5*0.005*h + 0.023 + 5*0.5 + 5*30/(h/24)*0.03, // $97.25
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a valid platform
			s := small(t, tt.edit)
			// WHEN it is estimated with the shipped prices and default assumptions
			e := estimate(t, s)
			// THEN the component matches the hand-computed figures to the cent
			want, lo, hi := sum(e, tt.comp)
			if cents(want) != cents(tt.want) || cents(lo) != cents(tt.lo) || cents(hi) != cents(tt.hi) {
				t.Errorf("%q: got %.2f (min %.2f, max %.2f), want %.2f (min %.2f, max %.2f)", tt.comp, want, lo, hi, tt.want, tt.lo, tt.hi)
			}
			if tt.comp == "" && (cents(e.Total) != cents(tt.want) || cents(e.Min) != cents(tt.lo) || cents(e.Max) != cents(tt.hi)) {
				t.Errorf("totals %.2f (%.2f to %.2f), want %.2f (%.2f to %.2f)", e.Total, e.Min, e.Max, tt.want, tt.lo, tt.hi)
			}
			if tt.wantLineCount > 0 {
				n := 0
				for _, l := range e.Lines {
					if l.Component == tt.comp {
						n++
					}
				}
				if n != tt.wantLineCount {
					t.Errorf("%d %q lines, want %d", n, tt.comp, tt.wantLineCount)
				}
			}
			if e.Unpriced != 0 {
				t.Errorf("%d unpriced lines, want 0", e.Unpriced)
			}
		})
	}
}

func TestOneOnDemandTaskIs1802(t *testing.T) {
	// GIVEN one 0.5 vCPU / 1 GB task on on-demand Fargate in us-east-1
	e := estimate(t, small(t, nil))
	// WHEN its two compute lines are read
	var lines []cost.Line
	for _, l := range e.Lines {
		if l.Component == cost.CompCompute {
			lines = append(lines, l)
		}
	}
	// THEN they show the unit price, quantity and amount a person can check
	want := []struct {
		item      string
		unitPrice float64
		unit      string
		quantity  float64
		monthly   string
	}{
		{"backend: Fargate on-demand vCPU (x86_64)", 0.04048, "vCPU-hour", 365, "14.78"},
		{"backend: Fargate on-demand memory (x86_64)", 0.004445, "GB-hour", 730, "3.24"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d compute lines, want %d: %+v", len(lines), len(want), lines)
	}
	for i, w := range want {
		l := lines[i]
		if l.Item != w.item || l.UnitPrice != w.unitPrice || l.Unit != w.unit || l.Quantity != w.quantity || cost.Money(l.Monthly) != w.monthly {
			t.Errorf("line %d: %q %g/%s × %g = %s, want %q %g/%s × %g = %s", i, l.Item, l.UnitPrice, l.Unit, l.Quantity, cost.Money(l.Monthly), w.item, w.unitPrice, w.unit, w.quantity, w.monthly)
		}
	}
	if got := cost.Money(lines[0].Monthly + lines[1].Monthly); got != "18.02" {
		t.Errorf("one task a month: %s, want 18.02", got)
	}
	if !strings.Contains(lines[0].Assumption, "1 of 1 task on-demand (Spot base 0, weights Spot 0 : on-demand 1) × 0.5 vCPU × 730 h") {
		t.Errorf("assumption %q does not say how the figure was reached", lines[0].Assumption)
	}
}

func TestSpotWeightsLowerTheFigure(t *testing.T) {
	// GIVEN the same two tasks, all on-demand and then 1 base + weights 1:1
	onDemand := estimate(t, small(t, func(s *profiles.Spec) {
		s.Backend.DesiredCount, s.Backend.Autoscaling.Max = 2, 2
	}))
	mixed := estimate(t, small(t, func(s *profiles.Spec) {
		s.Backend.DesiredCount, s.Backend.Autoscaling.Max = 2, 2
		s.Capacity.Fargate = profiles.FargateCapacity{SpotBase: 1, SpotWeight: 1, OnDemandWeight: 1}
	}))
	// WHEN their compute is compared
	a, _, _ := sum(onDemand, cost.CompCompute)
	b, _, _ := sum(mixed, cost.CompCompute)
	// THEN the task moved to Spot (the base; the other has a tie and stays
	// on-demand) costs 65 % less
	task := (0.5*0.04048 + 0.004445) * 730
	if cents(a-b) != cents(task*0.65) {
		t.Errorf("Spot saves %.2f, want %.2f (one task at 65 %% off)", a-b, task*0.65)
	}
}

func TestMissingPriceIsSaidNotGuessed(t *testing.T) {
	// GIVEN a platform in a region whose Fargate and load balancer prices
	// are not in the shipped table
	s := small(t, func(s *profiles.Spec) { s.Region = "ap-southeast-7" })
	// WHEN it is estimated
	e := estimate(t, s)
	// THEN those lines say so, count nothing, and the totals leave them out;
	// the prices that are the same everywhere are still used
	var noPrice, priced []string
	for _, l := range e.Lines {
		switch {
		case l.NoPrice != "":
			if l.NoPrice != "no price for ap-southeast-7" {
				t.Errorf("%s: %q, want %q", l.Item, l.NoPrice, "no price for ap-southeast-7")
			}
			if l.Monthly != 0 || l.MaxMonthly != 0 || l.UnitPrice != 0 {
				t.Errorf("%s: an unpriced line counts %g", l.Item, l.Monthly)
			}
			noPrice = append(noPrice, l.Item)
		case l.PriceKey != "":
			priced = append(priced, l.Item)
		}
	}
	wantNo := []string{
		"backend: Fargate on-demand vCPU (x86_64)", "backend: Fargate on-demand memory (x86_64)",
		"Application Load Balancer", "Load balancer capacity units",
		"S3 artifacts bucket", "CloudWatch Logs ingestion", "CloudWatch Logs storage",
	}
	if strings.Join(noPrice, "|") != strings.Join(wantNo, "|") {
		t.Errorf("unpriced lines:\n%q\nwant\n%q", noPrice, wantNo)
	}
	if strings.Join(priced, "|") != "Public IPv4: load balancer|Public IPv4: tasks" {
		t.Errorf("priced lines %q, want the two public IPv4 lines", priced)
	}
	if e.Unpriced != len(wantNo) || cents(e.Total) != cents(3*0.005*730) {
		t.Errorf("unpriced %d, total %.2f; want %d and 10.95 (the addresses)", e.Unpriced, e.Total, len(wantNo))
	}
	if !strings.Contains(strings.Join(e.Notes, "\n"), "7 lines have no price for ap-southeast-7 in the table of 2025-01; the totals leave them out") {
		t.Errorf("notes do not say the totals are partial: %q", e.Notes)
	}
}

func TestUnknownInstanceTypeHasNoPrice(t *testing.T) {
	// GIVEN an EC2 platform on a type the shipped table does not list
	s := small(t, func(s *profiles.Spec) {
		s.LaunchType = profiles.LaunchEC2
		s.Capacity.EC2.InstanceType = "x2iedn.32xlarge"
	})
	// WHEN it is estimated
	e := estimate(t, s)
	// THEN the instance line says it has no price instead of borrowing one
	for _, l := range e.Lines {
		if l.Item == "EC2 instances x2iedn.32xlarge" {
			if l.NoPrice != "no price for us-east-1" || l.PriceKey != "ec2.x2iedn.32xlarge.hour" {
				t.Errorf("line %+v", l)
			}
			return
		}
	}
	t.Fatalf("no instance line in %+v", e.Lines)
}

func TestExistingLoadBalancerCostsNothingExtra(t *testing.T) {
	// GIVEN a platform that joins an existing VPC and load balancer
	a, err := profiles.Load("../examples/existing-vpc-alb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN it is estimated
	e := estimate(t, a.Spec)
	// THEN no load balancer hours, LCUs or its addresses are counted, and
	// a line says why
	var lb []cost.Line
	for _, l := range e.Lines {
		if l.PriceKey == "alb.hour" || l.PriceKey == "alb.lcu-hour" || l.Item == "Public IPv4: load balancer" || l.Item == "NAT gateway" {
			t.Errorf("counted %q for an existing load balancer in an existing VPC", l.Item)
		}
		if l.Component == cost.CompLoadBalancer {
			lb = append(lb, l)
		}
	}
	if len(lb) != 1 || lb[0].Monthly != 0 || !strings.HasPrefix(lb[0].Assumption, "nothing extra") {
		t.Errorf("load balancer lines %+v, want one free line saying nothing extra", lb)
	}
}

func TestFreeThingsAreSaid(t *testing.T) {
	// GIVEN a platform with SSM placeholders, HTTPS and a hosted zone
	a, err := profiles.Load("../examples/two-tier-s3-bluegreen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN it is estimated
	e := estimate(t, a.Spec)
	// THEN the free lines are there, at 0, saying why
	want := map[string]string{
		"SSM SecureString parameters":                "standard tier: free",
		"ACM certificate":                            "public certificates from ACM are free",
		"Route 53 hosted zone Z0123456789ABCDEFGHIJ": "the zone exists already",
		"NAT gateway":                                "none: the VPC has public subnets only",
		"CodeDeploy blue/green":                      "CodeDeploy to ECS has no charge",
	}
	for _, l := range e.Lines {
		if prefix, ok := want[l.Item]; ok {
			if l.Monthly != 0 || !strings.HasPrefix(l.Assumption, prefix) {
				t.Errorf("%s: %.2f, %q; want 0 and %q", l.Item, l.Monthly, l.Assumption, prefix)
			}
			delete(want, l.Item)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing free lines: %v", want)
	}
	for _, l := range e.Lines {
		if l.Item == "SSM SecureString parameters" && l.Quantity != 2 {
			t.Errorf("SSM parameters: %g, want the 2 placeholders", l.Quantity)
		}
	}
}

func TestEveryExampleIsPricedInUSEast1AndUSWest2(t *testing.T) {
	for _, f := range []string{"single-fargate", "two-tier-s3-bluegreen", "existing-vpc-alb"} {
		t.Run(f, func(t *testing.T) {
			// GIVEN an example in a region the table covers in full
			a, err := profiles.Load("../examples/" + f + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			// WHEN it is estimated
			e := estimate(t, a.Spec)
			// THEN every line has a price, and the range holds the total
			if e.Unpriced != 0 {
				t.Errorf("%d unpriced lines", e.Unpriced)
			}
			if !(e.Min <= e.Total && e.Total <= e.Max) || e.Total <= 0 {
				t.Errorf("total %.2f outside its range %.2f to %.2f", e.Total, e.Min, e.Max)
			}
			for _, l := range e.Lines {
				if l.NoPrice == "" && math.Abs(l.Monthly-l.UnitPrice*l.Quantity) > 1e-9 {
					t.Errorf("%s: %g × %g ≠ %g", l.Item, l.UnitPrice, l.Quantity, l.Monthly)
				}
				if l.Assumption == "" {
					t.Errorf("%s: no assumption", l.Item)
				}
			}
		})
	}
}

func TestEstimateRefusesWhatItCannotPrice(t *testing.T) {
	tests := []struct {
		name string
		spec *profiles.Spec
		a    func(a *cost.Assumptions)
		want string
	}{
		{"no spec", nil, nil, "estimate: no answers to estimate"},
		{"a negative log volume", profiles.New(), func(a *cost.Assumptions) { a.LogGB = -1 }, "estimate: assumption logGB is -1 (a number of 0 or more)"},
		{"a Spot discount of 100 %", profiles.New(), func(a *cost.Assumptions) { a.SpotDiscount = 1 }, "estimate: assumption spotDiscount is 1 (a fraction from 0 up to, not including, 1)"},
		{"a month of 800 hours", profiles.New(), func(a *cost.Assumptions) { a.HoursPerMonth = 800 }, "estimate: assumption hoursPerMonth is 800 (a month has at most 744 hours)"},
		{"1e308 releases", profiles.New(), func(a *cost.Assumptions) { a.Releases = 1e308 }, "estimate: assumption releases is 1e+308 (a number from 0 to 1e+09)"},
		{"infinite logs", profiles.New(), func(a *cost.Assumptions) { a.LogGB = math.Inf(1) }, "estimate: assumption logGB is +Inf (a number from 0 to 1e+09)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN answers or assumptions that cannot be priced
			a := cost.DefaultAssumptions()
			if tt.a != nil {
				tt.a(&a)
			}
			// WHEN they are estimated
			_, err := cost.Estimate(tt.spec, cost.Shipped(), a)
			// THEN the error says which and why
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			// AND a bad assumption is told apart, as bad input
			var ae *cost.AssumptionError
			if tt.a != nil && !errors.As(err, &ae) {
				t.Errorf("error %T is not an AssumptionError", err)
			}
		})
	}
}

func TestTheLargestAssumptionsGiveFiniteAmounts(t *testing.T) {
	// GIVEN every usage assumption at its largest, on the example with the most lines
	a := cost.DefaultAssumptions()
	for _, f := range []*float64{&a.HoursPerMonth, &a.LCUs, &a.LogGB, &a.Releases, &a.BuildMinutes, &a.DeployMinutes,
		&a.ImageGB, &a.CDNGB, &a.CDNRequests, &a.SiteGB, &a.ArtifactsGB, &a.EFSGB} {
		*f = cost.MaxAssumption
	}
	a.HoursPerMonth = 744
	ans, err := profiles.Load("../examples/two-tier-s3-bluegreen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN estimated
	e, err := cost.Estimate(ans.Spec, cost.Shipped(), a)
	if err != nil {
		t.Fatal(err)
	}
	// THEN every amount is finite, and the estimate encodes as JSON
	for _, v := range []float64{e.Total, e.Min, e.Max} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			t.Fatalf("total %g", v)
		}
	}
	if _, err := json.Marshal(e); err != nil {
		t.Fatalf("encode: %v", err)
	}
}

func TestQuickIsTheEstimateTotal(t *testing.T) {
	// GIVEN a platform the table prices in full, and one it does not
	priced := small(t, nil)
	unpriced := small(t, func(s *profiles.Spec) { s.Region = "eu-south-2" })
	// WHEN the wizard asks for a running estimate
	got, ok := cost.Quick(priced)
	part, okUnpriced := cost.Quick(unpriced)
	_, okNil := cost.Quick(nil)
	// THEN it is the estimate's total and range, with the unpriced lines
	// counted (not guessed), or nothing to show for no spec
	want := estimate(t, priced)
	if !ok || cents(got.Monthly) != cents(want.Total) || cents(got.Min) != cents(want.Min) || cents(got.Max) != cents(want.Max) || got.Unpriced != 0 {
		t.Errorf("Quick = %+v, %v; want %.2f (%.2f to %.2f), true", got, ok, want.Total, want.Min, want.Max)
	}
	if okUnpriced && part.Unpriced != estimate(t, unpriced).Unpriced {
		t.Errorf("Quick counts %d unpriced lines, the estimate %d", part.Unpriced, estimate(t, unpriced).Unpriced)
	}
	if okNil {
		t.Errorf("Quick shows a figure for no spec")
	}
}

func TestHalfAnsweredSpecIsEstimatedWithoutAFigure(t *testing.T) {
	// GIVEN the answers as the wizard starts: defaults, no name, no region,
	// and a size being typed that is negative for a moment
	s := profiles.New()
	s.Capacity.EC2.RootVolumeGiB = -3
	// WHEN it is estimated
	e, err := cost.Estimate(s, cost.Shipped(), cost.DefaultAssumptions())
	// THEN there is no error, no line is negative, the lines say the
	// region is missing, and Quick has no figure to show
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range e.Lines {
		if l.Monthly < 0 || l.Quantity < 0 {
			t.Errorf("%s: %g × %g", l.Item, l.Quantity, l.Monthly)
		}
		if l.PriceKey != "" && l.NoPrice != `no price for region "" (no region answered)` {
			t.Errorf("%s: %q", l.Item, l.NoPrice)
		}
	}
	if _, ok := cost.Quick(s); ok {
		t.Error("Quick shows a figure without a region")
	}
}

func TestOldDatabaseVersionsWarnOfExtendedSupport(t *testing.T) {
	// GIVEN a MySQL 5.7 database, and a PostgreSQL 16 one
	old := small(t, func(s *profiles.Spec) {
		s.Database.Engine, s.Database.EngineVersion = profiles.EngineMySQL, "5.7"
	})
	current := small(t, func(s *profiles.Spec) { s.Database.Engine = profiles.EnginePostgres })
	// WHEN they are estimated
	// THEN only the old one says Extended Support is not counted
	want := "mysql 5.7 is past standard support: RDS Extended Support charges per vCPU-hour apply and are not counted (choose a newer version)."
	if notes := strings.Join(estimate(t, old).Notes, "\n"); !strings.Contains(notes, want) {
		t.Errorf("notes %q lack %q", notes, want)
	}
	if notes := strings.Join(estimate(t, current).Notes, "\n"); strings.Contains(notes, "Extended Support") {
		t.Errorf("PostgreSQL 16 warned of Extended Support: %q", notes)
	}
}

func TestAnEFSFileSystemEcsdeckCreatesIsPriced(t *testing.T) {
	efs := func(id, region string) *cost.Breakdown {
		return estimate(t, small(t, func(s *profiles.Spec) {
			s.Region = region
			s.Backend.Volume = profiles.Volume{Kind: profiles.VolumeEFS, ContainerPath: "/data", EFSID: id}
		}))
	}
	line := func(e *cost.Breakdown) *cost.Line {
		for i, l := range e.Lines {
			if strings.Contains(l.Item, "EFS file system") {
				return &e.Lines[i]
			}
		}
		t.Fatalf("no EFS line in %+v", e.Lines)
		return nil
	}
	// GIVEN a file system ecsdeck creates in us-east-1 THEN it is 10 GB at $0.30
	if l := line(efs("", "us-east-1")); cents(l.Monthly) != 300 || l.Quantity != 10 || l.NoPrice != "" {
		t.Fatalf("created in us-east-1: %+v", l)
	}
	// GIVEN an existing one THEN nothing is added
	if l := line(efs("fs-0123456789abcdef0", "us-east-1")); l.Monthly != 0 || l.PriceKey != "" {
		t.Fatalf("existing: %+v", l)
	}
	// GIVEN a region without a shipped EFS price THEN the line says so
	if l := line(efs("", "ap-southeast-4")); l.NoPrice == "" || l.Monthly != 0 {
		t.Fatalf("ap-southeast-4: %+v", l)
	}
}

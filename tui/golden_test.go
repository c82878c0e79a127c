package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Golden files: testdata/<test name>.golden, written with go test -update.
// Each test runs the program in teatest at a fixed size with the ASCII
// colour profile (TestMain), waits until the screen shows what it is about,
// quits, and compares the final view.

// runGolden runs m at w×h, sends the messages, waits for each text in
// turn, and compares the final view with the golden file.
func runGolden(t *testing.T, m *Model, w, h int, steps ...any) {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
				teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		case tea.Msg:
			tm.Send(s)
		}
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	golden.RequireEqual(t, []byte(strip(final.View())))
}

// strip drops the styles and the spaces that end lines.
func strip(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// onlyAsk is a preset that has every answer but those under the prefixes
// (except those under a "!" prefix): the wizard opens on the page that
// asks them.
type onlyAsk []string

func (o onlyAsk) IsSet(path string) bool {
	under := func(p string) bool { return path == p || strings.HasPrefix(path, p+".") }
	for _, p := range o {
		if strings.HasPrefix(p, "!") && under(p[1:]) {
			return true
		}
	}
	for _, p := range o {
		if under(p) {
			return false
		}
	}
	return true
}

func TestGoldenHome(t *testing.T) {
	m := New(context.Background(), testCommon(80, 24), Deps{Store: newStore(savedEntries()...)}, Start{})
	runGolden(t, m, 80, 24, "shop-prod")
}

func TestGoldenHomeTooSmall(t *testing.T) {
	m := New(context.Background(), testCommon(80, 24), Deps{Store: newStore()}, Start{})
	runGolden(t, m, 50, 12, "needs at least")
}

// twoTier is a two-tier platform with an S3 site, a domain and a database.
func twoTier() *profiles.Spec {
	s := shopSpec()
	s.Tier, s.Frontend.Hosting = profiles.TierTwoTier, profiles.HostingS3
	s.Frontend.Repository.Name = "acme/shop-web"
	s.Domain.Name = "shop.example.com"
	s.Database.Engine = profiles.EnginePostgres
	s.Complete()
	return s
}

func TestGoldenWizard(t *testing.T) {
	ecsFrontend := func() *profiles.Spec {
		s := twoTier()
		s.Frontend.Hosting = profiles.HostingECS
		return s
	}
	existingVPC := func() *profiles.Spec {
		s := twoTier()
		s.Network.VPCID = "vpc-0123abcd"
		return s
	}
	withWorkloads := func() *profiles.Spec {
		s := twoTier()
		wk, j := profiles.NewWorker(), profiles.NewJob()
		wk.Name, wk.Repository.Name, wk.Command = "mailer", "acme/shop-mailer", []string{"bin/mailer", "--queue", "mail"}
		wk.Autoscaling.Max = 4
		j.Name, j.Schedule, j.Command = "report", "rate(1 day)", []string{"bin/report"}
		s.Workers, s.Jobs = []profiles.Worker{wk}, []profiles.Job{j}
		return s
	}
	up := keyMsg("up")
	enter, down := keyMsg("enter"), keyMsg("down")
	for _, tc := range []struct {
		name  string
		spec  *profiles.Spec
		ask   onlyAsk
		steps []any // texts to wait for and messages to send
		width int
	}{
		{"basics", shopSpec(), onlyAsk{"name", "environment", "region", "awsProfile"}, []any{"Name of the platform"}, 80},
		{"architecture", twoTier(), onlyAsk{"tier", "frontend.hosting", "serviceConnect"}, []any{"How many tiers", enter, "Where does the frontend run"}, 80},
		{"capacity", twoTier(), onlyAsk{"launchType", "architecture", "capacity"}, []any{"Where do the tasks run", enter, "┃ CPU architecture", enter, "Fargate Spot weight"}, 80},
		{"capacity-ec2", twoTier(), onlyAsk{"launchType", "architecture", "capacity"}, []any{"Where do the tasks run", down, enter, "┃ CPU architecture", down, enter, "Instance type"}, 80},
		{"network", twoTier(), onlyAsk{"network.vpcId", "network.cidr"}, []any{"Create a new VPC"}, 80},
		{"subnets", existingVPC(), onlyAsk{"network.subnetIds"}, []any{"Public subnets"}, 80},
		{"domain", twoTier(), onlyAsk{"domain.name"}, []any{"Domain name"}, 80},
		{"dns", twoTier(), onlyAsk{"domain", "!domain.name"}, []any{"Route 53 hosted zone"}, 80},
		{"backend-service", twoTier(), onlyAsk{"backend"}, []any{"Where does its image come from", enter, "Where the repository lives", enter, "┃ Repository (owner/name)", enter, "┃ Branch", enter, "> 1 GiB"}, 80},
		{"frontend-service", ecsFrontend(), onlyAsk{"frontend", "!frontend.hosting"}, []any{"Where does its image come from"}, 80},
		{"frontend-site", twoTier(), onlyAsk{"frontend", "!frontend.hosting"}, []any{"How does the site get into its bucket", enter, "Where the repository lives", enter, "┃ Repository (owner/name)", enter, "┃ Branch", enter, "Build command"}, 80},
		{"pipelines", twoTier(), onlyAsk{"pipeline"}, []any{"How does a new version replace", down, enter, "How fast traffic moves"}, 80},
		{"database", twoTier(), onlyAsk{"database", "network.databaseSubnetIds"}, []any{"none, mysql or postgres", enter, "Instance class"}, 80},
		{"workloads", withWorkloads(), onlyAsk{"jobs"}, []any{"> done"}, 80},
		{"worker-form", withWorkloads(), onlyAsk{"jobs"}, []any{"> done", up, up, up, up, "> edit mailer", enter, "Name of the worker"}, 80},
		{"wide", twoTier(), onlyAsk{"backend"}, []any{"Where does its image come from"}, 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(context.Background(), testCommon(80, 24), Deps{}, Start{Wizard: true, Spec: tc.spec, Preset: tc.ask})
			runGolden(t, m, tc.width, 24, tc.steps...)
		})
	}
}

func TestGoldenReview(t *testing.T) {
	deps := Deps{
		Store: newStore(),
		Planner: func(context.Context, *profiles.Spec) (map[string]int, error) {
			return map[string]int{"network": 12, "cluster": 4, "loadbalancer": 8, "backend": 11, "frontend": 7, "pipeline": 14, "database": 4, "dns": 5}, nil
		},
		Estimator: func(*profiles.Spec) (Estimate, bool) { return Estimate{Monthly: 142, Min: 98, Max: 210}, true },
	}
	spec := twoTier()
	spec.Domain.HostedZoneID = "Z0123456789ABC"
	spec.Domain.CertificateARN = "arn:aws:acm:eu-west-1:123456789012:certificate/11112222-3333-4444-5555-666677778888"
	spec.Domain.CloudFrontCertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/99998888-3333-4444-5555-666677778888"
	m := New(context.Background(), testCommon(80, 24), deps, Start{Wizard: true, Spec: spec, Preset: onlyAsk{}})
	runGolden(t, m, 80, 24, "Answers", keyMsg("pgdown"), "By hand")
}

// progressDeps are the dependencies of a run with eng at a fixed clock.
func progressDeps(eng *fakeEngine) Deps {
	return Deps{Store: newStore(), Now: (&clock{now: t0}).Now, Engine: func(*profiles.Spec) (stack.Engine, error) { return eng, nil }}
}

func TestGoldenProgressFailing(t *testing.T) {
	eng := failedRun()
	eng.hold, eng.release = 22, make(chan struct{}) // the service has failed, scaling runs
	defer close(eng.release)
	m := New(context.Background(), testCommon(80, 24), progressDeps(eng), Start{})
	runGolden(t, m, 80, 24, "Saved platforms", applyMsg{profile: "shop-prod", spec: shopSpec()}, "associated load balancer")
}

func TestGoldenProgressSucceeded(t *testing.T) {
	m := New(context.Background(), testCommon(80, 24), progressDeps(succeededRun()), Start{})
	runGolden(t, m, 80, 24, "Saved platforms", applyMsg{profile: "shop-prod", spec: shopSpec()}, "is up")
}

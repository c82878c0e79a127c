package tui

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/cost"
	"ecsdeck/profiles"
	"ecsdeck/tui/common"

	tea "github.com/charmbracelet/bubbletea"
)

// shippedEstimate is the estimator the command wires: cost.Estimate at the
// shipped prices.
func shippedEstimate(s *profiles.Spec) (Estimate, bool) {
	b, err := cost.Estimate(s, cost.Shipped(), cost.DefaultAssumptions())
	if err != nil {
		return Estimate{}, false
	}
	return Estimate{Monthly: b.Total, Min: b.Min, Max: b.Max, Unpriced: b.Unpriced}, true
}

// workloadKeys add, from the Workers and jobs list, a worker (from an
// image, a quoted command, 0.5 vCPU, a variable) and a job (a rate, a
// command), then take done. k and j move up and down a list.
const (
	addWorker = "kk\r" + "mailer\r" + "\r" + "ghcr.io/acme/mailer:2\r" + `bundle exec sidekiq -q "mail queue"` + "\r" +
		"j\r" + "\r" + "\r\r\r" + "\r\r" + "QUEUE=mail\r"
	addJob = "kkk\r" + "report\r" + "rate(1 day)\r" + "\r" + "bin/report --since '7 days'\r" + "\r" + "\r\r\r\r"
	done   = "\r"
)

// atWorkloadsPage returns the root model on the Workers and jobs page of
// shop's setup, with the shipped prices' estimate.
func atWorkloadsPage(t *testing.T) (*Model, *driver) {
	t.Helper()
	m := New(context.Background(), testCommon(120, 60), Deps{Estimator: shippedEstimate}, Start{Wizard: true, Spec: shopSpec()})
	d := quickDrive(t, m)
	w := m.wiz.Wizard()
	d.Run(w.GoTo("workers"))
	if w.Title() != "Workers and jobs" || w.Focused() != "workloads" {
		t.Fatalf("page %q focus %q:\n%s", w.Title(), w.Focused(), d.View())
	}
	return m, d
}

// quickDrive drives m without the commands that only wait (the cursor's
// blink), so that many keys do not wait for them.
func quickDrive(t *testing.T, m tea.Model) *driver {
	d := &driver{T: t, M: m, Skip: []string{"BlinkCmd", "Tick", "Every"}}
	d.Run(m.Init())
	return d
}

// typeKeys sends keys one by one: runes, and enter for \r.
func typeKeys(d *driver, keys string) {
	for _, r := range keys {
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
		if r == '\r' {
			k = tea.KeyMsg{Type: tea.KeyEnter}
		}
		d.Send(k)
	}
}

// estimateOf is the header's estimate for the answers spec holds.
func estimateOf(t *testing.T, spec *profiles.Spec) string {
	t.Helper()
	e, ok := Deps{Estimator: shippedEstimate}.estimate(spec)
	if !ok {
		t.Fatal("no estimate")
	}
	return e.String()
}

func TestTheEstimateCountsTheWorkersAndJobsAdded(t *testing.T) {
	// GIVEN shop's setup on the Workers and jobs page, its estimate in the header
	m, d := atWorkloadsPage(t)
	w := m.wiz.Wizard()
	before := estimateOf(t, w.Spec())
	if !strings.Contains(d.View(), before) {
		t.Fatalf("the header lacks %q:\n%s", before, d.View())
	}

	// WHEN a worker is added
	typeKeys(d, addWorker)
	// THEN the header's estimate is cost.Estimate's with the worker, which costs more
	withWorker := estimateOf(t, w.Spec())
	if len(w.Spec().Workers) != 1 || withWorker == before || !strings.Contains(d.View(), withWorker) {
		t.Fatalf("workers %d, estimate %q (before %q):\n%s", len(w.Spec().Workers), withWorker, before, d.View())
	}

	// WHEN a job is added, its form still open on the CPU
	typeKeys(d, "kkk\r"+"report\r"+"rate(1 hour)\r"+"\r"+"bin/report\r"+"\r")
	if w.Focused() != "jobs[0].cpu" {
		t.Fatalf("focus %q:\n%s", w.Focused(), d.View())
	}
	// THEN the estimate counts its runs already, and the CPU is said to change it
	withJob := estimateOf(t, w.Spec())
	if withJob == withWorker || !strings.Contains(d.View(), withJob) || !strings.Contains(d.View(), "This answer changes the monthly estimate: "+withJob) {
		t.Fatalf("estimate %q (with the worker only %q):\n%s", withJob, withWorker, d.View())
	}
	// AND the worker and the job are priced by cost on lines of their own
	b, err := cost.Estimate(w.Spec(), cost.Shipped(), cost.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range b.Lines {
		names = append(names, l.Component+" "+l.Item)
	}
	if all := strings.Join(names, "|"); !strings.Contains(all, "mailer") || !strings.Contains(all, "report") {
		t.Errorf("the estimate's lines: %s", all)
	}
}

func TestEveryKeyOfABurstCountsOnTheWorkersAndJobsPage(t *testing.T) {
	// GIVEN two setups on the Workers and jobs page
	oneM, one := atWorkloadsPage(t)
	burstM, burst := atWorkloadsPage(t)
	keys := addWorker + addJob + done

	// WHEN one gets the keys of a worker, a job and done one by one, the other as one burst
	typeKeys(one, keys)
	burst.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(keys)})

	// THEN the first has the worker and the job as answered, and is on the next page
	a, b := oneM.wiz.Wizard().Spec(), burstM.wiz.Wizard().Spec()
	wk := profiles.NewWorker()
	wk.Name, wk.Image, wk.Command = "mailer", "ghcr.io/acme/mailer:2", []string{"bundle", "exec", "sidekiq", "-q", "mail queue"}
	wk.CPU, wk.Memory, wk.Env = 512, 1024, map[string]string{"QUEUE": "mail"}
	j := profiles.NewJob()
	j.Name, j.Schedule, j.Command = "report", "rate(1 day)", []string{"bin/report", "--since", "7 days"}
	if !reflect.DeepEqual(a.Workers, []profiles.Worker{wk}) || !reflect.DeepEqual(a.Jobs, []profiles.Job{j}) || oneM.wiz.Wizard().Title() == "Workers and jobs" {
		t.Fatalf("one by one: on %q, workers %+v jobs %+v:\n%s", oneM.wiz.Wizard().Title(), a.Workers, a.Jobs, one.View())
	}
	// AND the burst ended the same
	if !reflect.DeepEqual(a, b) || one.View() != burst.View() {
		t.Errorf("as a burst: on %q, workers %+v jobs %+v:\n%s", burstM.wiz.Wizard().Title(), b.Workers, b.Jobs, burst.View())
	}
}

// workloadCase is one point of the generated workers and jobs: the launch
// type, where the worker's image comes from, whether it autoscales, and
// the kind of the job's schedule.
type workloadCase struct {
	ec2       bool
	source    int // 0 an image, 1 a pipeline, 2 your own CI
	autoscale bool
	schedule  int // 0 cron in a zone, 1 rate, 2 at in a zone
}

// keys are the keys that add its worker and job from the list and take
// done, as typed: \r is enter, j and k move in a list, \x7f erases.
func (c workloadCase) keys() string {
	var b strings.Builder
	b.WriteString("kk\r" + "mailer\r")
	b.WriteString([]string{"\r" + "ghcr.io/acme/mailer:2\r", "j\r" + "\r" + "acme/mailer\r" + "\x7f\x7f\x7f\x7frelease\r", "jj\r"}[c.source])
	b.WriteString(`bundle exec sidekiq -q "mail queue"` + "\r")
	if c.ec2 {
		b.WriteString("\x7f\x7f\x7f384\r" + "\x7f\x7f\x7f768\r")
	} else {
		b.WriteString("j\r" + "j\r")
	}
	if c.autoscale {
		b.WriteString("\r" + "\x7f3\r" + "\x7f2\r" + "\x7f\x7f60\r")
	} else {
		b.WriteString("\r\r\r")
	}
	b.WriteString("/shop/prod/mailer\r")
	if c.source == 1 {
		b.WriteString("\r")
	} else {
		b.WriteString("SMTP_PASSWORD\r")
	}
	b.WriteString("QUEUE=mail\r")
	b.WriteString("kkk\r" + "report\r")
	b.WriteString([]string{"cron(0 3 ? * FRI *)\r" + "Europe/Berlin\r", "rate(6 hours)\r" + "\r", "at(2027-01-31T09:00:00)\r" + "America/New_York\r"}[c.schedule])
	b.WriteString("bin/report --since '7 days'\r" + "\r")
	if c.ec2 {
		b.WriteString("\x7f\x7f\x7f1024\r" + "\x7f\x7f\x7f2048\r")
	} else {
		b.WriteString("jj\r" + "\r")
	}
	b.WriteString("\x7f\x7f30\r" + "\r")
	b.WriteString("\r") // done
	return b.String()
}

// want is the worker and the job the keys answer.
func (c workloadCase) want() (profiles.Worker, profiles.Job) {
	wk := profiles.NewWorker()
	wk.Name, wk.Command = "mailer", []string{"bundle", "exec", "sidekiq", "-q", "mail queue"}
	switch c.source {
	case 0:
		wk.Image = "ghcr.io/acme/mailer:2"
	case 1:
		wk.Repository.Name, wk.Repository.Branch = "acme/mailer", "release"
	}
	wk.CPU, wk.Memory = 512, 2048
	if c.ec2 {
		wk.CPU, wk.Memory = 384, 768
	}
	if c.autoscale {
		wk.Autoscaling.Max, wk.DesiredCount, wk.Autoscaling.CPUTarget = 3, 2, 60
	}
	wk.SSMPath, wk.Env = "/shop/prod/mailer", map[string]string{"QUEUE": "mail"}
	if c.source != 1 {
		wk.SSMPlaceholders = []string{"SMTP_PASSWORD"}
	}
	j := profiles.NewJob()
	j.Name, j.Command = "report", []string{"bin/report", "--since", "7 days"}
	j.Schedule, j.Timezone = []string{"cron(0 3 ? * FRI *)", "rate(6 hours)", "at(2027-01-31T09:00:00)"}[c.schedule], []string{"Europe/Berlin", "", "America/New_York"}[c.schedule]
	j.CPU, j.Memory, j.TimeoutMinutes = 1024, 2048, 30
	return wk, j
}

func TestGeneratedWorkersAndJobsCountKeyByKeyAndAsABurst(t *testing.T) {
	// GIVEN the generated cases (2 launch types × 3 sources × autoscaling
	// or not × 3 kinds of schedule), of which 6 that hold every value
	var cases []workloadCase
	for n := range 6 {
		cases = append(cases, workloadCase{ec2: n%2 == 1, source: n % 3, autoscale: n/3 == 1, schedule: (n + n/3) % 3})
	}
	began, keys := time.Now(), 0
	for _, c := range cases {
		name := fmt.Sprintf("%+v", c)
		setup := func() (*Model, *driver) {
			spec := shopSpec()
			if c.ec2 {
				spec.LaunchType = profiles.LaunchEC2
			}
			m := New(context.Background(), testCommon(100, 40), Deps{}, Start{Wizard: true, Spec: spec})
			d := quickDrive(t, m)
			d.Run(m.wiz.Wizard().GoTo("workers"))
			return m, d
		}
		oneM, one := setup()
		burstM, burst := setup()
		typed := c.keys()
		keys += len([]rune(typed))

		// WHEN one gets its keys one by one and the other as one burst
		for _, k := range common.Keys(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(typed)}) {
			one.Send(k)
		}
		burst.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(typed)})

		// THEN the answers hold the worker and the job as answered, the page is left
		wk, j := c.want()
		a := oneM.wiz.Wizard().Spec()
		if !reflect.DeepEqual(a.Workers, []profiles.Worker{wk}) || !reflect.DeepEqual(a.Jobs, []profiles.Job{j}) || oneM.wiz.Wizard().Title() == "Workers and jobs" {
			t.Fatalf("%s one by one: on %q (%q), workers %+v jobs %+v, want %+v %+v:\n%s", name, oneM.wiz.Wizard().Title(), oneM.wiz.Wizard().Focused(), a.Workers, a.Jobs, wk, j, one.View())
		}
		// AND the burst ended the same
		if b := burstM.wiz.Wizard().Spec(); !reflect.DeepEqual(a, b) || one.View() != burst.View() {
			t.Errorf("%s as a burst: on %q, workers %+v jobs %+v:\n%s", name, burstM.wiz.Wizard().Title(), b.Workers, b.Jobs, burst.View())
		}
	}
	t.Logf("%d of 36 generated workers and jobs, %d keys each way, in %s", len(cases), keys, time.Since(began).Round(time.Millisecond))
}

package tui

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"ecsdeck/cost"
	"ecsdeck/profiles"

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
	d := drive(t, m)
	w := m.wiz.Wizard()
	d.Run(w.GoTo("workers"))
	if w.Title() != "Workers and jobs" || w.Focused() != "workloads" {
		t.Fatalf("page %q focus %q:\n%s", w.Title(), w.Focused(), d.View())
	}
	return m, d
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

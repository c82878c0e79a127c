package wizard

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
)

// thursday is the clock of the tests: Thursday 3 December 2026, 11:00 UTC.
func thursday() time.Time { return time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC) }

// atWorkloads opens the Workers and jobs page on spec.
func atWorkloads(t *testing.T, spec *profiles.Spec, opts Options) (*Wizard, *driver) {
	t.Helper()
	opts.Now = thursday
	w, d := start(t, spec, opts)
	d.Run(w.GoTo("workers"))
	if w.Title() != "Workers and jobs" || w.Focused() != "workloads" {
		t.Fatalf("page %q focus %q:\n%s", w.Title(), w.Focused(), d.View())
	}
	return w, d
}

// take moves the list to the choice labelled label and takes it.
func take(t *testing.T, w *Wizard, d *driver, label string) {
	t.Helper()
	if !strings.Contains(d.View(), label) {
		t.Fatalf("the list has no %q:\n%s", label, d.View())
	}
	d.Keys("home")
	for i := 0; !strings.Contains(d.View(), "> "+label); i++ {
		if i > 20 {
			t.Fatalf("could not reach %q:\n%s", label, d.View())
		}
		d.Keys("down")
	}
	d.Keys("enter")
}

// reply replaces the focused text with s and presses enter.
func reply(d *driver, s string) {
	d.Keys("ctrl+u")
	d.Type(s)
	d.Keys("enter")
}

func TestAWorkerIsAddedEditedAndRemoved(t *testing.T) {
	// GIVEN a new setup on the Workers and jobs page, with none yet
	spec := ready()
	w, d := atWorkloads(t, spec, Options{})
	if !strings.Contains(d.View(), "None yet.") {
		t.Fatalf("the empty list does not say so:\n%s", d.View())
	}

	// WHEN a worker is added, its fields answered key by key
	take(t, w, d, "add a worker")
	reply(d, "mailer")
	d.Keys("enter") // a ready image
	reply(d, "ghcr.io/acme/mailer:2")
	reply(d, `bundle exec sidekiq -q "mail queue"`)
	d.Keys("down", "enter") // 0.5 vCPU
	d.Keys("down", "enter") // 2 GiB
	d.Keys("enter")         // fewest 1
	reply(d, "3")           // most 3
	reply(d, "2")           // 2 at creation
	reply(d, "60")          // cpu target, asked since most > fewest
	reply(d, "/shop/dev/mailer")
	reply(d, "SMTP_PASSWORD")
	reply(d, "QUEUE=mail")

	// THEN the list is back, with the worker summed up, and the Spec has it as answered
	want := profiles.NewWorker()
	want.Name, want.Image, want.Command = "mailer", "ghcr.io/acme/mailer:2", []string{"bundle", "exec", "sidekiq", "-q", "mail queue"}
	want.CPU, want.Memory, want.DesiredCount = 512, 2048, 2
	want.Autoscaling.Max, want.Autoscaling.CPUTarget = 3, 60
	want.SSMPath, want.SSMPlaceholders, want.Env = "/shop/dev/mailer", []string{"SMTP_PASSWORD"}, map[string]string{"QUEUE": "mail"}
	if w.Focused() != "workloads" || len(spec.Workers) != 1 || !reflect.DeepEqual(spec.Workers[0], want) {
		t.Fatalf("focus %q, workers %+v, want %+v:\n%s", w.Focused(), spec.Workers, want, d.View())
	}
	if line := "worker mailer: ghcr.io/acme/mailer:2 · 0.5 vCPU, 2 GiB · 2 tasks (1–3)"; !shows(d.View(), line) {
		t.Errorf("the list lacks %q:\n%s", line, d.View())
	}

	// WHEN it is edited: another name, the rest kept with enter
	take(t, w, d, "edit mailer")
	reply(d, "sender")
	for i := 0; i < 20 && w.Focused() != "workloads"; i++ {
		d.Keys("enter")
	}
	// THEN only the name changed
	want.Name = "sender"
	if len(spec.Workers) != 1 || !reflect.DeepEqual(spec.Workers[0], want) {
		t.Fatalf("after the edit: %+v:\n%s", spec.Workers, d.View())
	}

	// WHEN its removal is asked and the answer is keep
	take(t, w, d, "remove sender")
	if !strings.Contains(d.View(), "Remove the worker sender?") {
		t.Fatalf("the removal is not asked:\n%s", d.View())
	}
	d.Keys("enter")
	// THEN it stays; and when the answer is remove, it goes
	if len(spec.Workers) != 1 || w.Focused() != "workloads" {
		t.Fatalf("kept, but workers %+v, focus %q", spec.Workers, w.Focused())
	}
	take(t, w, d, "remove sender")
	d.Keys("left", "enter")
	if len(spec.Workers) != 0 || !strings.Contains(d.View(), "None yet.") {
		t.Errorf("removed, but workers %+v:\n%s", spec.Workers, d.View())
	}
}

func TestGoingBackFromANewWorkerDropsIt(t *testing.T) {
	// GIVEN a worker being added, its name typed
	spec := ready()
	w, d := atWorkloads(t, spec, Options{})
	take(t, w, d, "add a worker")
	d.Type("half")
	// WHEN shift+tab leaves its first question
	d.Keys("shift+tab")
	// THEN the list is back, without it, still on the page
	if w.Title() != "Workers and jobs" || w.Focused() != "workloads" || len(spec.Workers) != 0 {
		t.Errorf("page %q focus %q workers %+v", w.Title(), w.Focused(), spec.Workers)
	}
}

func TestAJobShowsItsNextRunInItsZone(t *testing.T) {
	// GIVEN a job being added on Thursday 3 December 2026, 11:00 UTC
	spec := ready()
	w, d := atWorkloads(t, spec, Options{})
	take(t, w, d, "add a job")
	reply(d, "report")

	// WHEN its schedule is typed: Fridays at 03:00
	d.Type("cron(0 3 ? * FRI *)")
	// THEN its next run shows under it, in UTC
	if !strings.Contains(d.View(), "next: Fri 4 Dec 03:00 UTC") {
		t.Fatalf("no next run in UTC:\n%s", d.View())
	}
	// WHEN its zone is Europe/Berlin
	d.Keys("enter")
	d.Type("Europe/Berlin")
	// THEN the next run is 03:00 there
	if !strings.Contains(d.View(), "next: Fri 4 Dec 03:00 Europe/Berlin") {
		t.Fatalf("no next run in Berlin:\n%s", d.View())
	}

	// WHEN the schedule is one the loader refuses
	d.Keys("shift+tab")
	d.Keys("ctrl+u")
	d.Type("cron(0 3 * * * *)")
	// THEN it shows the loader's message as typed, and enter does not leave it
	j := spec.Jobs[0]
	loader := profiles.ValidateField(spec, "jobs[0].schedule")
	if len(loader) == 0 {
		t.Fatalf("the loader takes %q", j.Schedule)
	}
	want := "✗ " + loader[0].Message
	if want != "✗ cron(0 3 * * * *): one of day-of-month (*) and day-of-week (*) must be ?, and only one (such as cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *))" {
		t.Errorf("the loader says %q", want)
	}
	d.Keys("enter")
	if w.Focused() != "jobs[0].schedule" || !shows(d.View(), want) {
		t.Errorf("focus %q, view lacks %q:\n%s", w.Focused(), want, d.View())
	}
	// AND a rate says how often it runs
	d.Keys("ctrl+u")
	d.Type("rate(6 hours)")
	if !strings.Contains(d.View(), "every 6 hours, counted from when the schedule is created") {
		t.Errorf("a rate does not say its period:\n%s", d.View())
	}
}

func TestAWorkerNameIsRefusedWithTheLoadersMessage(t *testing.T) {
	// GIVEN a worker being added
	spec := ready()
	w, d := atWorkloads(t, spec, Options{})
	take(t, w, d, "add a worker")
	// WHEN it takes a name the platform uses
	reply(d, "backend")
	// THEN the name stays the question, with the answers loader's message
	want := `"backend" is taken by the backend (names are unique among the tiers, workers and jobs)`
	if got := profiles.ValidateField(spec, "workers[0].name"); len(got) == 0 || got[0].Message != want {
		t.Errorf("the loader says %v", got)
	}
	if w.Focused() != "workers[0].name" || !shows(d.View(), "✗ "+want) {
		t.Errorf("focus %q, view lacks the message:\n%s", w.Focused(), d.View())
	}
}

func TestWorkersOfTheAnswersFileAreKeptWithoutAsking(t *testing.T) {
	// GIVEN an answers file with a worker and no jobs key
	a := preset(t, "version: 1\nname: shop\nregion: eu-west-1\nbackend:\n  image: nginx:1.27\n"+
		"workers:\n  - name: mailer\n    image: ghcr.io/acme/mailer:2\n    command: [bundle, exec, sidekiq]\n")
	kept := slices.Clone(a.Spec.Workers)
	w, d := atWorkloads(t, a.Spec, Options{Preset: a})
	// THEN the page lists it, and asks none of its fields
	if !shows(d.View(), "worker mailer: ghcr.io/acme/mailer:2 · 0.25 vCPU, 512 MiB · 1 task") {
		t.Fatalf("the list lacks the file's worker:\n%s", d.View())
	}
	// WHEN done is taken
	d.Keys("enter")
	// THEN the wizard goes on with the worker as the file gave it
	if w.Title() == "Workers and jobs" || !reflect.DeepEqual(a.Spec.Workers, kept) {
		t.Errorf("page %q, workers %+v, want %+v", w.Title(), a.Spec.Workers, kept)
	}

	// GIVEN a file with both keys: nothing is left to ask there
	b := preset(t, "version: 1\nname: shop\nregion: eu-west-1\nbackend:\n  image: nginx:1.27\nworkers: []\njobs: []\n")
	w2 := New(b.Spec, Options{Preset: b})
	if i := w2.pageOf("workers"); w2.pages[i].id != "workloads" || w2.showable(i) {
		t.Errorf("page %s shown for a file that gives workers and jobs", w2.pages[i].id)
	}
}

func TestDoneIsRefusedWhileAWorkerIsWrong(t *testing.T) {
	// GIVEN an answers file whose worker has a name with capitals
	a := preset(t, "version: 1\nname: shop\nregion: eu-west-1\nbackend:\n  image: nginx:1.27\n"+
		"workers:\n  - name: Mailer\n    image: ghcr.io/acme/mailer:2\n")
	w, d := atWorkloads(t, a.Spec, Options{Preset: a})
	// WHEN done is taken
	d.Keys("enter")
	// THEN the page stays and says what to fix where
	want := `workers[0].name: "Mailer" is not allowed (lowercase letters, digits and dashes, starting with a letter and not ending with a dash) (choose edit to fix it)`
	if w.Title() != "Workers and jobs" || !shows(d.View(), want) {
		t.Fatalf("page %q, view lacks %q:\n%s", w.Title(), want, d.View())
	}
	// AND the next-step key, the list on another choice, is refused alike
	d.Keys("up")
	d.Run(w.Next())
	if w.Title() != "Workers and jobs" || !shows(d.View(), want) {
		t.Fatalf("pgdn: page %q, view lacks %q:\n%s", w.Title(), want, d.View())
	}
	// AND fixing it in its form lets the page go
	take(t, w, d, "edit Mailer")
	reply(d, "mailer")
	for i := 0; i < 20 && w.Focused() != "workloads"; i++ {
		d.Keys("enter")
	}
	d.Keys("enter")
	if w.Title() == "Workers and jobs" || a.Spec.Workers[0].Name != "mailer" {
		t.Errorf("page %q, name %q:\n%s", w.Title(), a.Spec.Workers[0].Name, d.View())
	}
}

func TestTheReviewSendsAJobsProblemToItsForm(t *testing.T) {
	// GIVEN answers with a job
	spec := ready()
	j := profiles.NewJob()
	j.Name, j.Schedule = "report", "rate(1 day)"
	spec.Jobs = []profiles.Job{j}
	w, d := start(t, spec, Options{})
	// WHEN the wizard is sent to its schedule
	d.Run(w.GoTo("jobs[0].schedule"))
	// THEN the job's form is open, on its first question
	if w.Title() != "Workers and jobs" || w.Focused() != "jobs[0].name" {
		t.Errorf("page %q focus %q:\n%s", w.Title(), w.Focused(), d.View())
	}
}

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct {
		line string
		want []string
		err  string
	}{
		{"", nil, ""},
		{"  bin/report   --since 7d ", []string{"bin/report", "--since", "7d"}, ""},
		{`bundle exec sidekiq -q "mail queue"`, []string{"bundle", "exec", "sidekiq", "-q", "mail queue"}, ""},
		{`sh -c 'echo "$HOME" \n'`, []string{"sh", "-c", `echo "$HOME" \n`}, ""},
		{`say "a \"b\" \$c \d"`, []string{"say", `a "b" $c \d`}, ""},
		{`a\ b c''d ""`, []string{"a b", "cd", ""}, ""},
		{`say "open`, nil, `a " is not closed (quotes come in pairs)`},
		{`say 'open`, nil, `a ' is not closed (quotes come in pairs)`},
		{`trail\`, nil, `ends with a backslash that escapes nothing (write \\ for a backslash)`},
	} {
		// GIVEN a command line WHEN it is split THEN it gives the words a shell would
		got, err := splitCommand(c.line)
		if msg := errText(err); msg != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", c.line, got, msg, c.want, c.err)
		}
		// AND the words written back split into the same words
		if err == nil {
			if back, _ := splitCommand(joinCommand(got)); !reflect.DeepEqual(back, got) {
				t.Errorf("joinCommand(%q) = %q splits into %q", got, joinCommand(got), back)
			}
		}
	}
}

// shows says whether the view holds text, however it is wrapped: both
// without the focus bar and any blanks.
func shows(view, text string) bool {
	bare := func(s string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(s, "┃", "")), "")
	}
	return strings.Contains(bare(view), bare(text))
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAWorkersRepositoryAsksForItsSourceConnection(t *testing.T) {
	// GIVEN answers whose only repository is a worker's
	a := preset(t, "version: 1\nname: shop\nregion: eu-west-1\nbackend:\n  image: nginx:1.27\n"+
		"workers:\n  - name: mailer\n    repository: {provider: bitbucket, name: acme/mailer, branch: main}\njobs: []\n")
	w := New(a.Spec, Options{Preset: a})
	// THEN the pipelines page is shown and asks for the source connection
	i := w.pageOf("pipeline.connectionArn")
	if w.pages[i].id != "pipelines" || !w.showable(i) {
		t.Fatalf("page %s shown %v for a worker built from a repository", w.pages[i].id, w.showable(i))
	}
}

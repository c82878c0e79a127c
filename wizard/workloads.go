package wizard

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/words"

	"github.com/charmbracelet/huh"
)

// workloads is where the Workers and jobs page stands: its list, the form
// of one worker or job, or the question whether to remove one.
type workloads struct {
	form  wlForm
	kind  string // "workers" or "jobs": of the item in the form
	i     int
	added bool     // the item in the form was added by it: going back drops it
	pick  wlAction // the list's choice
	sure  bool     // the removal is confirmed
	// the worker's image source, as for a service: answers of a source not
	// taken stay here while the form shows
	source      Source
	image, repo string
	schedule    *huh.Input // the schedule question of the job in the form
	next        string     // what it says of the next run
}

type wlForm int

const (
	wlList wlForm = iota
	wlItem
	wlRemove
)

// wlAction is a choice of the list: add a worker or a job, edit or remove
// one, or done.
type wlAction struct {
	verb string // "add", "edit", "remove" or "" (done)
	kind string // "workers" or "jobs"
	i    int
}

// workloadsPage lists the workers and the jobs, and adds, edits and
// removes them one form at a time: the list, then the form of the item
// chosen, then the list again, until done.
func workloadsPage() *page {
	return &page{
		id: "workloads", step: StepServices, title: "Workers and jobs",
		enter: func(w *Wizard) { w.openWorkloads() },
		build: func(b *builder) {
			w := b.w
			switch w.wl.form {
			case wlItem:
				b.all = true
				if w.wl.kind == "workers" {
					w.workerForm(b)
				} else {
					w.jobForm(b)
				}
			case wlRemove:
				b.all = true
				what, name := w.itemName(w.wl.kind, w.wl.i)
				b.group("Remove", nil, q(huh.NewConfirm().Key("workloads.remove").
					Title(fmt.Sprintf("Remove the %s %s?", what, name)).
					Description("It goes from the answers; the next up deletes what ecsdeck made for it.").
					Affirmative("Remove").Negative("Keep").Value(&w.wl.sure)))
			default:
				b.group("Workers and jobs", nil, question{f: w.workloadList(), set: []string{"workers", "jobs"}, every: true})
			}
		},
		stay: func(w *Wizard, skip bool) bool { return w.nextWorkloadForm(skip) },
		back: func(w *Wizard) bool {
			if w.wl.form == wlList {
				return false
			}
			if w.wl.form == wlItem && w.wl.added {
				w.removeItem(w.wl.kind, w.wl.i)
			}
			w.wl.form = wlList
			w.wl.pick = wlAction{}
			return true
		},
	}
}

// openWorkloads shows the list, or the form of the item GoTo was sent to.
func (w *Wizard) openWorkloads() {
	w.wl.form, w.wl.pick, w.wl.added = wlList, wlAction{}, false
	for _, kind := range []string{"workers", "jobs"} {
		var i int
		if n, _ := fmt.Sscanf(w.goal, kind+"[%d]", &i); n == 1 && i >= 0 && i < w.count(kind) {
			w.editItem(kind, i, false)
		}
	}
}

// nextWorkloadForm acts on the answered form: the list's choice, a
// finished item, a removal answered. It says whether the page stays.
func (w *Wizard) nextWorkloadForm(skip bool) bool {
	wl := &w.wl
	switch wl.form {
	case wlItem:
		wl.form, wl.added, wl.pick = wlList, false, wlAction{}
		return true
	case wlRemove:
		if wl.sure {
			w.removeItem(wl.kind, wl.i)
		}
		wl.form, wl.pick = wlList, wlAction{}
		return true
	}
	a := wl.pick
	if skip || a.verb == "" {
		return false
	}
	switch a.verb {
	case "add":
		if a.kind == "workers" {
			w.spec.Workers = append(w.spec.Workers, profiles.NewWorker())
		} else {
			w.spec.Jobs = append(w.spec.Jobs, profiles.NewJob())
		}
		w.editItem(a.kind, w.count(a.kind)-1, true)
	case "edit":
		w.editItem(a.kind, a.i, false)
	case "remove":
		wl.form, wl.kind, wl.i, wl.sure = wlRemove, a.kind, a.i, false
	}
	return true
}

// editItem opens the form of item i of kind.
func (w *Wizard) editItem(kind string, i int, added bool) {
	wl := &w.wl
	wl.form, wl.kind, wl.i, wl.added = wlItem, kind, i, added
	delete(w.cpu, itemPath(kind, i))
	if kind != "workers" {
		return
	}
	wk := &w.spec.Workers[i]
	wl.image, wl.repo = wk.Image, wk.Repository.Name
	switch {
	case wk.Repository.Name != "":
		wl.source = SourcePipeline
	case wk.Image != "" || added:
		wl.source = SourceImage
	default:
		wl.source = SourceCI
	}
}

func (w *Wizard) removeItem(kind string, i int) {
	if kind == "workers" {
		w.spec.Workers = append(w.spec.Workers[:i:i], w.spec.Workers[i+1:]...)
	} else {
		w.spec.Jobs = append(w.spec.Jobs[:i:i], w.spec.Jobs[i+1:]...)
	}
}

func (w *Wizard) count(kind string) int {
	if kind == "workers" {
		return len(w.spec.Workers)
	}
	return len(w.spec.Jobs)
}

func itemPath(kind string, i int) string { return fmt.Sprintf("%s[%d]", kind, i) }

// itemName is what the list calls an item: "worker", and its name (or its
// place when it has none yet).
func (w *Wizard) itemName(kind string, i int) (what, name string) {
	what = "worker"
	if kind == "jobs" {
		what, name = "job", w.spec.Jobs[i].Name
	} else {
		name = w.spec.Workers[i].Name
	}
	if name == "" {
		name = fmt.Sprintf("#%d (no name yet)", i+1)
	}
	return what, name
}

// workloadList is the list of the workers and the jobs and what to do next.
func (w *Wizard) workloadList() huh.Field {
	opts := []huh.Option[wlAction]{
		huh.NewOption("add a worker (a service without a load balancer, such as a queue consumer)", wlAction{verb: "add", kind: "workers"}),
		huh.NewOption("add a job (a task run on a schedule)", wlAction{verb: "add", kind: "jobs"}),
	}
	for _, kind := range []string{"workers", "jobs"} {
		for i := range w.count(kind) {
			_, name := w.itemName(kind, i)
			opts = append(opts,
				huh.NewOption("edit "+name, wlAction{verb: "edit", kind: kind, i: i}),
				huh.NewOption("remove "+name, wlAction{verb: "remove", kind: kind, i: i}))
		}
	}
	opts = append(opts, huh.NewOption("done", wlAction{}))
	return choose(w, "workloads", "Workers and jobs", &w.wl.pick, opts...).Description(workloadSummary(w.spec))
}

// workloadSummary is a line for each worker and job: its name, where its
// image comes from, its size, and a job's schedule.
func workloadSummary(s *profiles.Spec) string {
	if len(s.Workers)+len(s.Jobs) == 0 {
		return "None yet. A worker runs all the time and takes no requests; a job runs on a schedule and stops."
	}
	var lines []string
	for i := range s.Workers {
		wk := &s.Workers[i]
		src := wk.Image
		switch {
		case wk.Repository.Name != "":
			src = fmt.Sprintf("%s (%s, %s)", wk.Repository.Name, wk.Repository.Provider, wk.Repository.Branch)
		case src == "":
			src = "its ECR repository, pushed by your CI"
		}
		tasks := fmt.Sprintf("%d tasks", wk.DesiredCount)
		if wk.DesiredCount == 1 {
			tasks = "1 task"
		}
		if wk.Autoscaling.Max > wk.Autoscaling.Min {
			tasks += fmt.Sprintf(" (%d–%d)", wk.Autoscaling.Min, wk.Autoscaling.Max)
		}
		lines = append(lines, fmt.Sprintf("worker %s: %s · %s · %s", orNone(wk.Name), src, sizeLabel(wk.CPU, wk.Memory), tasks))
	}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		img := j.Image
		if img == "" {
			img = "backend image"
		}
		when := orNone(j.Schedule)
		if !strings.HasPrefix(strings.TrimSpace(j.Schedule), "rate(") {
			when += " " + cmp.Or(j.Timezone, "UTC") // a rate has no zone
		}
		lines = append(lines, fmt.Sprintf("job %s: %s · %s · %s", orNone(j.Name), when, img, sizeLabel(j.CPU, j.Memory)))
	}
	return strings.Join(lines, "\n")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sizeLabel(cpu, memory int) string {
	return fmt.Sprintf("%g vCPU, %s", float64(cpu)/1024, memLabel(memory))
}

// workerForm asks the fields of the worker in the form.
func (w *Wizard) workerForm(b *builder) {
	s, wl := w.spec, &w.wl
	p := itemPath("workers", wl.i)
	wk := &s.Workers[wl.i]
	fargate := s.LaunchType == profiles.LaunchFargate
	source := func(x Source) func() bool { return func() bool { return wl.source == x } }
	b.group("Worker", nil,
		q(w.text(p+".name", "Name of the worker", &wk.Name).Placeholder("e.g. mailer")),
		q(choose(w, p+".source", "Where does its image come from?", &wl.source,
			huh.NewOption("a ready image (ECR Public, Docker Hub, GHCR, ...)", SourceImage),
			huh.NewOption("built by a pipeline from a repository", SourcePipeline),
			huh.NewOption("pushed to its ECR repository by your own CI", SourceCI),
		).Description("")),
	)
	b.group("Image", source(SourceImage),
		q(w.text(p+".image", "Image", &wl.image).Placeholder("e.g. ghcr.io/acme/mailer:1.0")),
	)
	w.repositoryGroup(b, p, &wk.Repository, &wl.repo, source(SourcePipeline))
	b.group("Command and size", nil,
		q(w.command(p+".command", &wk.Command)),
		q(w.cpuQuestion(p, &wk.CPU, fargate)),
		q(w.memoryQuestion(b, p, &wk.CPU, &wk.Memory, fargate)),
	)
	b.group("Task count", nil,
		q(w.number(p+".autoscaling.min", "Fewest tasks", &wk.Autoscaling.Min)),
		q(w.number(p+".autoscaling.max", "Most tasks (equal to fewest: no autoscaling)", &wk.Autoscaling.Max)),
		q(w.number(p+".desiredCount", "Tasks at creation", &wk.DesiredCount)),
	)
	b.group("Autoscaling", func() bool { return wk.Autoscaling.Max > wk.Autoscaling.Min },
		q(w.number(p+".autoscaling.cpuTarget", "CPU utilisation to keep, percent", &wk.Autoscaling.CPUTarget)),
	)
	b.group("Settings", nil,
		q(w.text(p+".ssmPath", "SSM parameter path of its secrets", &wk.SSMPath).
			Placeholder(fmt.Sprintf("e.g. /%s/%s/%s (empty: none)", s.Name, s.Environment, orNone(wk.Name)))),
		q(w.list(p+".ssmPlaceholders", "Parameters to create there with a placeholder value", &wk.SSMPlaceholders).
			Placeholder("e.g. SMTP_PASSWORD, API_TOKEN (empty: none)")),
		q(w.pairs(p+".env", "Environment variables (no secrets)", &wk.Env)),
	)
}

// jobForm asks the fields of the job in the form.
func (w *Wizard) jobForm(b *builder) {
	s, wl := w.spec, &w.wl
	p := itemPath("jobs", wl.i)
	j := &s.Jobs[wl.i]
	fargate := s.LaunchType == profiles.LaunchFargate
	sched := w.text(p+".schedule", "Schedule", &j.Schedule).Placeholder("e.g. cron(0 3 * * ? *), rate(1 hour), at(2027-01-31T09:00:00)")
	if !b.dry {
		wl.schedule, wl.next = sched, ""
		w.describeSchedule()
	}
	b.group("Job", nil,
		q(w.text(p+".name", "Name of the job", &j.Name).Placeholder("e.g. report")),
		q(sched),
		q(w.text(p+".timezone", "Time zone of the schedule", &j.Timezone).Placeholder("UTC").
			Suggestions([]string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney"})),
		q(w.command(p+".command", &j.Command)),
		q(w.text(p+".image", "Image", &j.Image).Placeholder("(empty: the backend's image)")),
	)
	b.group("Size and time", nil,
		q(w.cpuQuestion(p, &j.CPU, fargate)),
		q(w.memoryQuestion(b, p, &j.CPU, &j.Memory, fargate)),
		q(w.number(p+".timeoutMinutes", "Minutes a run may take before it is stopped (0: no limit)", &j.TimeoutMinutes)),
		q(w.pairs(p+".env", "Environment variables (no secrets)", &j.Env)),
	)
}

// sized lists the tasks whose memory follows their CPU: the tiers', and
// the worker's or job's in the form.
func (w *Wizard) sized() []sizedTask {
	s := w.spec
	out := []sizedTask{{"backend", &s.Backend.CPU, &s.Backend.Memory}, {"frontend", &s.Frontend.CPU, &s.Frontend.Memory}}
	if wl := &w.wl; wl.form == wlItem && wl.i < w.count(wl.kind) {
		if wl.kind == "workers" {
			wk := &s.Workers[wl.i]
			out = append(out, sizedTask{itemPath(wl.kind, wl.i), &wk.CPU, &wk.Memory})
		} else {
			j := &s.Jobs[wl.i]
			out = append(out, sizedTask{itemPath(wl.kind, wl.i), &j.CPU, &j.Memory})
		}
	}
	return out
}

// sizedTask is the CPU and memory of a service, worker or job.
type sizedTask struct {
	key      string
	cpu, mem *int
}

// describeSchedule shows, under the schedule of the job in the form, when
// it runs next in its time zone.
func (w *Wizard) describeSchedule() {
	wl := &w.wl
	if wl.schedule == nil || wl.form != wlItem || wl.kind != "jobs" || wl.i >= len(w.spec.Jobs) {
		return
	}
	j := &w.spec.Jobs[wl.i]
	next := nextRun(j, w.spec.JobLocation(j), w.now())
	if next == wl.next {
		return
	}
	wl.next = next
	wl.schedule.Description(next)
	if w.form != nil {
		w.form.Update(nil) // draws the group again, with it
	}
}

// nextRun says when a job's schedule runs next after now, in loc; the
// schedule's documentation while it is not one.
func nextRun(j *profiles.Job, loc *time.Location, now time.Time) string {
	sched, err := profiles.ParseSchedule(j.Schedule)
	if err != nil || strings.TrimSpace(j.Schedule) == "" {
		return Doc("jobs.schedule")
	}
	if sched.Kind == "rate" {
		return "every " + words.Every(sched.Every) + ", counted from when the schedule is created"
	}
	t, ok := sched.Next(now, loc)
	if !ok {
		return "it runs no more after now (ecsdeck jobs run " + orNone(j.Name) + " runs it by hand)"
	}
	layout := "Mon 2 Jan 15:04"
	if t.Year() != now.In(loc).Year() {
		layout = "Mon 2 Jan 2006 15:04"
	}
	return "next: " + t.In(loc).Format(layout) + " " + loc.String()
}

// applyWorkload writes the image source of the worker in the form.
func (w *Wizard) applyWorkload() {
	wl := &w.wl
	if wl.form != wlItem || wl.kind != "workers" || wl.i >= len(w.spec.Workers) {
		return
	}
	wk := &w.spec.Workers[wl.i]
	wk.Image, wk.Repository.Name = "", ""
	switch wl.source {
	case SourceImage:
		wk.Image = strings.TrimSpace(wl.image)
	case SourcePipeline:
		wk.Repository.Name = strings.TrimSpace(wl.repo)
	}
}

// workloadExtra holds the rules of the page's own choices: an image source
// chosen needs its answer, and the list is done only once every worker and
// job is valid.
func (w *Wizard) workloadExtra(path string) error {
	wl := &w.wl
	if path == "workloads" {
		if wl.pick.verb != "" && !w.skipping {
			return nil // the list is not left
		}
		for _, p := range w.blocking("workers") {
			return fmt.Errorf("%s: %s (choose edit to fix it)", p.Path, p.Message)
		}
		for _, p := range w.blocking("jobs") {
			return fmt.Errorf("%s: %s (choose edit to fix it)", p.Path, p.Message)
		}
		return nil
	}
	if wl.form != wlItem || wl.kind != "workers" {
		return nil
	}
	switch p := itemPath("workers", wl.i); {
	case path == p+".image" && wl.source == SourceImage && strings.TrimSpace(wl.image) == "":
		return errors.New("type the image to run (such as ghcr.io/acme/mailer:1.0), or choose how the image is built")
	case path == p+".repository.name" && wl.source == SourcePipeline && strings.TrimSpace(wl.repo) == "":
		return errors.New("type the repository the pipeline builds (owner/repository, such as acme/mailer)")
	}
	return nil
}

// command is the question of a container command, typed on one line and
// split into words as a shell does.
func (w *Wizard) command(path string, p *[]string) *huh.Input {
	a := &commandText{p: p, raw: joinCommand(*p)}
	return huh.NewInput().Key(path).Title("Command").
		Description("Split into words as a shell does: spaces separate them, quotes keep spaces inside one (\"mail queue\"), a backslash escapes the next character. Empty: the image's own command.").
		Accessor(a).Validate(func(s string) error {
		if _, err := splitCommand(s); err != nil {
			return err
		}
		return w.check(path)
	})
}

// commandText edits a command as one line: kept as typed, and the words
// follow it whenever it splits.
type commandText struct {
	p   *[]string
	raw string
}

func (a *commandText) Get() string { return a.raw }

func (a *commandText) Set(s string) {
	a.raw = s
	if words, err := splitCommand(s); err == nil {
		*a.p = words
	}
}

// splitCommand splits a command line into words as a POSIX shell does,
// without expanding anything: blanks separate words; 'single quotes' keep
// everything; "double quotes" keep everything but a backslash before ", \,
// $ or `; elsewhere a backslash keeps the next character. An empty line is
// no command (nil).
func splitCommand(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '\\':
			inWord = true
			if i+1 == len(rs) {
				return nil, errors.New("ends with a backslash that escapes nothing (write \\\\ for a backslash)")
			}
			i++
			cur.WriteRune(rs[i])
		case r == '\'':
			inWord = true
			closed := false
			for i++; i < len(rs); i++ {
				if rs[i] == '\'' {
					closed = true
					break
				}
				cur.WriteRune(rs[i])
			}
			if !closed {
				return nil, errors.New("a ' is not closed (quotes come in pairs)")
			}
		case r == '"':
			inWord = true
			closed := false
			for i++; i < len(rs); i++ {
				if rs[i] == '"' {
					closed = true
					break
				}
				if rs[i] == '\\' && i+1 < len(rs) && strings.ContainsRune("\"\\$`", rs[i+1]) {
					i++
				}
				cur.WriteRune(rs[i])
			}
			if !closed {
				return nil, errors.New(`a " is not closed (quotes come in pairs)`)
			}
		default:
			inWord = true
			cur.WriteRune(r)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// joinCommand writes words as a line that splitCommand splits back into
// them: a word with blanks, quotes or backslashes (or an empty one) in
// single quotes.
func joinCommand(words []string) string {
	out := make([]string, len(words))
	for i, wd := range words {
		if wd != "" && !strings.ContainsAny(wd, " \t'\"\\") {
			out[i] = wd
			continue
		}
		out[i] = "'" + strings.ReplaceAll(wd, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

// pairs is a free-text question for key=value pairs, comma separated.
func (w *Wizard) pairs(path, title string, p *map[string]string) *huh.Input {
	a := &textField{v: reflect.ValueOf(p).Elem()}
	a.raw = a.text()
	return huh.NewInput().Key(path).Title(title).Description("key=value, comma separated (empty: none)").
		Accessor(a).Validate(func(s string) error {
		if err := a.parse(s); err != nil {
			return err
		}
		return w.check(path)
	})
}

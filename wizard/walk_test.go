package wizard

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// combo is one point of the generated set of answers: every choice the
// wizard asks that changes which questions come.
type combo struct {
	shape    string // single, s3, ecs (where the frontend runs)
	launch   profiles.LaunchType
	arch     profiles.Architecture
	existing bool // an existing VPC
	repo     bool // the tiers are built by pipelines
	deploy   profiles.DeployStrategy
	sc       bool
	nginx    bool
	volume   profiles.VolumeKind
	engine   profiles.Engine
	domain   bool
	// one worker and one job, added on the Workers and jobs page
	workloads bool
}

func (c combo) String() string {
	return fmt.Sprintf("%s/%s/%s/existing=%v/repo=%v/%s/sc=%v/nginx=%v/%s/%s/domain=%v/workloads=%v",
		c.shape, c.launch, c.arch, c.existing, c.repo, c.deploy, c.sc, c.nginx, c.volume, c.engine, c.domain, c.workloads)
}

// spec turns a combination into the answers a person would give.
func (c combo) spec() *profiles.Spec {
	s := profiles.New()
	s.Name, s.Environment, s.Region = "shop", "prod", "eu-west-1"
	s.LaunchType, s.Architecture = c.launch, c.arch
	if c.arch == profiles.ArchARM {
		s.Capacity.EC2.InstanceType = "t4g.small" // what the wizard takes for arm64
	}
	if c.launch == profiles.LaunchEC2 {
		s.Backend.CPU, s.Backend.Memory = 512, 768
		s.Frontend.CPU, s.Frontend.Memory = 512, 768
	}
	if c.existing {
		s.Network.VPCID = "vpc-0a1b2c3d4e5f60718"
		s.Network.SubnetIDs = []string{"subnet-0aa11bb22cc33dd44", "subnet-0ee55ff6677889900"}
		if c.engine != profiles.EngineNone {
			s.Network.DatabaseSubnetIDs = []string{"subnet-0aa11bb22cc33dd55", "subnet-0ee55ff6677889911"}
		}
	}
	s.Backend.Image = "ghcr.io/acme/api:1.0"
	if c.repo {
		s.Backend.Image, s.Backend.Repository.Name = "", "acme/api"
	}
	switch c.shape {
	case "s3", "ecs":
		s.Tier, s.Frontend.Hosting = profiles.TierTwoTier, profiles.Hosting(c.shape)
		s.ServiceConnect = c.sc
		if c.shape == "ecs" {
			s.Frontend.Image = "ghcr.io/acme/web:1.0"
		}
		if c.repo {
			s.Frontend.Image, s.Frontend.Repository.Name = "", "acme/web"
		}
	}
	if c.domain {
		s.Domain.Name = "example.com"
		s.Domain.HostedZoneID = "Z0123456789ABCDEFGHIJ"
	}
	s.Pipeline.Deploy = c.deploy
	s.Backend.Nginx.Enabled = c.nginx
	v := &s.Backend.Volume
	v.Kind = c.volume
	if c.volume != profiles.VolumeNone {
		v.ContainerPath = "/data"
	}
	switch c.volume {
	case profiles.VolumeEFS:
		// (with a domain, a file system ecsdeck creates and deletes with
		// the platform; without, an existing one)
		v.EFSID = "fs-0123456789abcdef0"
		if c.domain {
			v.EFSID, v.DeleteOnDestroy = "", true
		}
	case profiles.VolumeEBS:
		v.SizeGiB = 40
	case profiles.VolumeBind:
		v.HostPath = "/srv/data"
	case profiles.VolumeEphemeral:
		if c.launch == profiles.LaunchFargate {
			v.SizeGiB = 30
		}
	}
	s.Database.Engine = c.engine
	s.Database.SkipFinalSnapshot = c.engine != profiles.EngineNone && c.domain
	// (with a domain and a pipeline, the state is kept in a bucket, its
	// secrets under a KMS key)
	if c.domain && c.repo {
		s.State.Backend, s.State.SecretsProvider = "s3://acme-platform-state/shop", "awskms://alias/shop-state?region=eu-west-1"
	}
	// (on arm64, two tiers with pipelines keep their repositories on two
	// providers, each with its own connection)
	if c.repo && c.shape != "single" && c.arch == profiles.ArchARM {
		s.Frontend.Repository.Provider = profiles.ProviderGitLab
		s.Pipeline.Connections.GitHub = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0b8e3c1a-7d1f-4c6e-9a4e-2f6d8c9b1a00"
		s.Pipeline.Connections.GitLab = "arn:aws:codeconnections:eu-west-1:123456789012:connection/1c9f4d2b-8e2a-4d7f-8b5f-3a7e9d0c2b11"
	}
	if c.workloads {
		c.addWorkloads(s)
	}
	s.Complete()
	return s
}

// addWorkloads adds a worker and a job: a command with a quoted word,
// autoscaling, SSM placeholders and a variable for the worker (its image
// from the backend's kind of source); a cron schedule in a zone and a
// timeout for the job, which runs the backend's image.
func (c combo) addWorkloads(s *profiles.Spec) {
	wk := profiles.NewWorker()
	wk.Name, wk.Image = "mailer", "ghcr.io/acme/mailer:2.1"
	if c.repo {
		wk.Image, wk.Repository.Name, wk.Repository.Branch = "", "acme/mailer", "release"
	}
	wk.Command = []string{"bundle", "exec", "sidekiq", "-q", "mail queue"}
	wk.CPU, wk.Memory = 512, 2048
	if c.launch == profiles.LaunchEC2 {
		wk.CPU, wk.Memory = 384, 768
	}
	wk.Autoscaling.Min, wk.Autoscaling.Max, wk.Autoscaling.CPUTarget, wk.DesiredCount = 1, 3, 60, 2
	wk.SSMPath, wk.SSMPlaceholders = "/shop/prod/mailer", []string{"SMTP_PASSWORD"}
	wk.Env = map[string]string{"QUEUE": "mail"}
	j := profiles.NewJob()
	j.Name, j.Schedule, j.Timezone = "report", "cron(0 3 ? * FRI *)", "Europe/Berlin"
	j.Command = []string{"bin/report", "--since", "7 days"}
	j.CPU, j.Memory, j.TimeoutMinutes = 1024, 3072, 30
	s.Workers, s.Jobs = []profiles.Worker{wk}, []profiles.Job{j}
}

// combos generates every combination the Spec allows (those profiles.Validate
// accepts) of the choices above.
func combos() []combo {
	var out []combo
	for _, shape := range []string{"single", "s3", "ecs"} {
		for _, launch := range []profiles.LaunchType{profiles.LaunchFargate, profiles.LaunchEC2} {
			for _, arch := range []profiles.Architecture{profiles.ArchX86, profiles.ArchARM} {
				for _, existing := range []bool{false, true} {
					for _, repo := range []bool{false, true} {
						for _, deploy := range []profiles.DeployStrategy{profiles.DeployRolling, profiles.DeployBlueGreen} {
							for _, sc := range []bool{false, true} {
								for _, nginx := range []bool{false, true} {
									for _, vol := range profiles.VolumeKind("").Values() {
										for _, engine := range []profiles.Engine{profiles.EngineNone, profiles.EnginePostgres} {
											for _, domain := range []bool{false, true} {
												for _, wl := range []bool{false, true} {
													c := combo{shape, launch, arch, existing, repo, deploy, sc, nginx, profiles.VolumeKind(vol), engine, domain, wl}
													if c.relevant() && len(profiles.Validate(c.spec()).Errors()) == 0 {
														out = append(out, c)
													}
												}
											}
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// relevant leaves out combinations that differ only by an answer the
// wizard does not ask for them (blue/green without a pipeline, Service
// Connect without an ECS frontend).
func (c combo) relevant() bool {
	if c.deploy == profiles.DeployBlueGreen && (!c.repo || c.sc) {
		return false
	}
	return !c.sc || c.shape == "ecs"
}

// walker answers the wizard's questions from a Spec, key by key, the way
// a person would, and checks after every key that a question has focus.
type walker struct {
	t    *testing.T
	name string
	w    *Wizard
	d    *driver
	keys int
	// asked counts the questions answered, by path (shared by walks).
	asked map[string]int
}

func (k *walker) send(msg tea.Msg) {
	k.t.Helper()
	k.keys++
	k.d.Send(msg)
	if !k.w.Done() && !hasFocus(k.w.View()) {
		k.t.Fatalf("%s: after key %d (%v) on %q no question has focus:\n%s", k.name, k.keys, msg, k.w.Focused(), k.w.View())
	}
}

func (k *walker) key(t tea.KeyType) { k.t.Helper(); k.send(tea.KeyMsg{Type: t}) }

// answer sets the focused question to the Spec's answer, without enter.
func (k *walker) answer(spec *profiles.Spec) {
	k.t.Helper()
	path := k.w.Focused()
	if k.asked != nil {
		k.asked[path]++
	}
	if path == "workloads" {
		k.choose(spec)
		return
	}
	want, ok := answerOf(spec, path)
	if !ok {
		k.t.Fatalf("%s: the wizard asks %q, which the walk does not know", k.name, path)
	}
	switch f := k.w.form.GetFocusedField().(type) {
	case *huh.Input:
		k.key(tea.KeyCtrlU)
		text := textOf(want)
		if words, ok := want.([]string); ok && strings.HasSuffix(path, ".command") {
			text = joinCommand(words) // typed as a shell line
		}
		for _, r := range text {
			k.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	case *huh.Confirm:
		if f.GetValue() != want {
			k.key(tea.KeyLeft)
		}
	default:
		for i := 0; !reflect.DeepEqual(f.GetValue(), want); i++ {
			if i > 40 {
				k.t.Fatalf("%s: %s offers no %v:\n%s", k.name, path, want, k.w.View())
			}
			k.key(tea.KeyDown)
		}
	}
}

// choose picks on the Workers and jobs list what the Spec still lacks: a
// worker, a job, or done. The list opens on done, its last choice.
func (k *walker) choose(spec *profiles.Spec) {
	k.t.Helper()
	got, want := k.w.spec, wlAction{}
	switch {
	case len(got.Workers) < len(spec.Workers):
		want = wlAction{verb: "add", kind: "workers"}
	case len(got.Jobs) < len(spec.Jobs):
		want = wlAction{verb: "add", kind: "jobs"}
	}
	for i := 0; k.w.form.GetFocusedField().GetValue() != want; i++ {
		if i > 20 {
			k.t.Fatalf("%s: the list offers no %v:\n%s", k.name, want, k.w.View())
		}
		k.key(tea.KeyUp)
	}
}

// textOf is an answer as it is typed.
func textOf(v any) string {
	switch v := v.(type) {
	case map[string]string:
		var pairs []string
		for key, val := range v {
			pairs = append(pairs, key+"="+val)
		}
		slices.Sort(pairs)
		return strings.Join(pairs, ", ")
	case []string:
		return strings.Join(v, ", ")
	case int:
		if v == 0 {
			return "0"
		}
		return strconv.Itoa(v)
	}
	return fmt.Sprint(v)
}

// answerOf returns the answer to the question of path that spec gives: a
// Spec field by its answers-file path, or one of the wizard's own choices.
func answerOf(spec *profiles.Spec, path string) (any, bool) {
	role, field, _ := strings.Cut(path, ".")
	var i int
	if n, _ := fmt.Sscanf(role, "workers[%d]", &i); n == 1 && i < len(spec.Workers) {
		wk := &spec.Workers[i]
		if field == "source" {
			switch {
			case wk.Repository.Name != "":
				return SourcePipeline, true
			case wk.Image != "":
				return SourceImage, true
			}
			return SourceCI, true
		}
		return fieldOf(reflect.ValueOf(wk).Elem(), field)
	}
	if n, _ := fmt.Sscanf(role, "jobs[%d]", &i); n == 1 && i < len(spec.Jobs) {
		return fieldOf(reflect.ValueOf(&spec.Jobs[i]).Elem(), field)
	}
	switch {
	case path == "network.vpcMode":
		return spec.Network.VPCID != "", true
	case path == "state.mode":
		return spec.State.Backend != "", true
	case field == "source" && (role == "backend" || role == "frontend"):
		svc := &spec.Backend
		if role == "frontend" {
			svc = &spec.Frontend.Service
		}
		switch {
		case svc.Repository.Name != "":
			return SourcePipeline, true
		case svc.Image != "":
			return SourceImage, true
		}
		return SourceCI, true
	}
	return fieldOf(reflect.ValueOf(spec).Elem(), path)
}

// fieldOf finds a field by its yaml path.
func fieldOf(v reflect.Value, path string) (any, bool) {
	name, rest, _ := strings.Cut(path, ".")
	t := v.Type()
	for i := range t.NumField() {
		tag, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		f := v.Field(i)
		if opts == "inline" {
			if got, ok := fieldOf(f, path); ok {
				return got, true
			}
			continue
		}
		if tag != name {
			continue
		}
		if rest == "" {
			return f.Interface(), true
		}
		if f.Kind() == reflect.Struct {
			return fieldOf(f, rest)
		}
	}
	return nil, false
}

// walk answers every question from spec until the review; when fix is
// given, a question that refuses spec's answer is answered from fix, and
// the problems it showed are returned.
func (k *walker) walk(spec, fix *profiles.Spec) (shown []string) {
	k.t.Helper()
	for steps := 0; !k.w.Done(); steps++ {
		if steps > 300 {
			k.t.Fatalf("%s: not at the review after 300 questions:\n%s", k.name, k.w.View())
		}
		path, page := k.w.Focused(), k.w.Title()
		k.answer(spec)
		k.key(tea.KeyEnter)
		if k.w.Done() || k.w.Focused() != path || k.w.Title() != page {
			continue
		}
		problem := k.w.liveView()
		if fix == nil {
			k.t.Fatalf("%s: %s refuses the answer %v:\n%s", k.name, path, must(answerOf(spec, path)), k.w.View())
		}
		shown = append(shown, path+" "+strings.Join(strings.Fields(problem), " "))
		k.answer(fix)
		k.key(tea.KeyEnter)
		if !k.w.Done() && k.w.Focused() == path && k.w.Title() == page {
			k.t.Fatalf("%s: the problem on %s does not clear with %v:\n%s", k.name, path, must(answerOf(fix, path)), k.w.View())
		}
	}
	return shown
}

func must(v any, _ bool) any { return v }

// quickDrive drives w without the commands that only wait (the cursor's
// blink), so that a walk of many keys does not wait for them.
func quickDrive(t *testing.T, w *Wizard) *driver {
	d := &driver{T: t, M: w, Skip: []string{"BlinkCmd", "Tick", "Every"}}
	d.Run(w.Init())
	return d
}

func TestGeneratedAnswersWalkToTheReview(t *testing.T) {
	generated := combos()
	all, total, added := sample(t, generated, walkSpecs), len(generated), 0
	began, keys, asked := time.Now(), 0, map[string]int{}
	for _, c := range all {
		if c.workloads {
			added++
		}
		want := c.spec()
		// GIVEN a new setup from empty
		w := New(profiles.New(), Options{})
		w.SetSize(100, 200)
		k := &walker{t: t, name: c.String(), w: w, d: quickDrive(t, w), asked: asked}

		// WHEN every question is answered from the Spec, key by key
		k.walk(want, nil)
		keys += k.keys

		// THEN the wizard is at the review, and the answers saved are the Spec
		got := doneSpec(t, k.d).Clone()
		got.Complete()
		a, _ := profiles.Marshal(got)
		b, _ := profiles.Marshal(want)
		if string(a) != string(b) {
			t.Fatalf("%s: the saved answers differ from the Spec:\n%s", c, lineDiff(string(a), string(b)))
		}
	}
	// AND the walks asked the questions of every kind of answer: a file
	// system created and kept or not, a final snapshot, a connection per
	// provider when the tiers use two, one connection when they share one
	for _, p := range []string{"backend.volume.efsId", "backend.volume.deleteOnDestroy", "database.skipFinalSnapshot",
		"pipeline.connections.github", "pipeline.connections.gitlab", "pipeline.connectionArn", "state.mode", "state.backend", "state.secretsProvider",
		// a worker from an image and from a repository, with autoscaling; a job
		"workloads", "workers[0].image", "workers[0].repository.name", "workers[0].command", "workers[0].autoscaling.cpuTarget",
		"workers[0].ssmPlaceholders", "workers[0].env", "jobs[0].schedule", "jobs[0].timezone", "jobs[0].timeoutMinutes"} {
		if asked[p] == 0 {
			t.Errorf("no walk asked %s", p)
		}
	}
	if asked["pipeline.connections.bitbucket"] != 0 {
		t.Errorf("a walk asked for a connection to a provider no tier uses")
	}
	t.Logf("walked %d generated Specs (%d with a worker and a job added) of %d, %d keys, in %s",
		len(all), added, total, keys, time.Since(began).Round(time.Millisecond))
}

// walkSpecs is how many of the generated Specs the walk answers.
const walkSpecs = 48

// sample takes n of the combinations at random (always the same ones),
// and fails the test unless every value of every choice is among them.
func sample(t *testing.T, all []combo, n int) []combo {
	out := slices.Clone(all)
	rand.New(rand.NewPCG(12, 2026)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	out = out[:min(n, len(out))]
	seen := map[string]bool{}
	for _, c := range out {
		v := reflect.ValueOf(c)
		for i := range v.NumField() {
			seen[fmt.Sprint(i, v.Field(i))] = true
		}
	}
	for _, c := range all {
		v := reflect.ValueOf(c)
		for i := range v.NumField() {
			if !seen[fmt.Sprint(i, v.Field(i))] {
				t.Fatalf("the sample has no %s %v", v.Type().Field(i).Name, v.Field(i))
			}
		}
	}
	return out
}

// lineDiff lists the lines of got and want that differ.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for i := 0; i < max(len(g), len(w)); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			out = append(out, fmt.Sprintf("line %d: got %q, want %q", i+1, a, b))
		}
	}
	return strings.Join(out, "\n")
}

// breaks are answers that break one rule each, and the question where the
// wizard must show the problem, fixable there.
var breaks = []struct {
	name    string
	applies func(combo) bool
	prepare func(s *profiles.Spec) // on the valid answers too
	breakIt func(s *profiles.Spec)
	at      string
}{
	{"a name with capitals", func(combo) bool { return true }, nil,
		func(s *profiles.Spec) { s.Name = "Shop" }, "name"},
	{"most tasks below fewest", func(combo) bool { return true },
		func(s *profiles.Spec) {
			s.Backend.Autoscaling.Min, s.Backend.Autoscaling.Max, s.Backend.DesiredCount = 2, 4, 2
		},
		func(s *profiles.Spec) { s.Backend.Autoscaling.Max = 1 }, "backend.autoscaling.max"},
	{"a database in an existing VPC without its subnets", func(c combo) bool { return c.existing && c.engine != profiles.EngineNone }, nil,
		func(s *profiles.Spec) { s.Network.DatabaseSubnetIDs = nil }, "network.databaseSubnetIds"},
	{"an ECS frontend without a domain", func(c combo) bool { return c.shape == "ecs" }, nil,
		func(s *profiles.Spec) { s.Domain.Name = "" }, "domain.name"},
	{"arm64 with an x86 instance type", func(c combo) bool { return c.launch == profiles.LaunchEC2 && c.arch == profiles.ArchARM }, nil,
		func(s *profiles.Spec) { s.Capacity.EC2.InstanceType = "t3.small" }, "capacity.ec2.instanceType"},
	{"blue/green with an EBS volume", func(c combo) bool {
		return c.volume == profiles.VolumeEBS && c.repo && !c.sc && c.deploy == profiles.DeployRolling
	}, nil, func(s *profiles.Spec) { s.Pipeline.Deploy = profiles.DeployBlueGreen }, "pipeline.deploy"},
}

func TestGeneratedWrongAnswersAreShownWhereTheyAreFixed(t *testing.T) {
	all := combos()
	for _, b := range breaks {
		n := 0
		for i, c := range all {
			if !b.applies(c) || i%7 != 0 {
				continue
			}
			if n++; n > 3 {
				break
			}
			// GIVEN answers that break one rule, and the same answers fixed
			fix, wrong := c.spec(), c.spec()
			if b.prepare != nil {
				b.prepare(fix)
				b.prepare(wrong)
			}
			b.breakIt(wrong)
			w := New(profiles.New(), Options{})
			w.SetSize(100, 200)
			k := &walker{t: t, name: b.name + " " + c.String(), w: w, d: quickDrive(t, w)}

			// WHEN the wrong answers are given, each refused one fixed where it is refused
			shown := k.walk(wrong, fix)

			// THEN the problem was shown on its question, and fixing it there reached the review
			if len(shown) == 0 || !strings.HasPrefix(shown[0], b.at+" ✗") {
				t.Errorf("%s: problems shown %q, want one on %s", k.name, shown, b.at)
			}
			got := doneSpec(t, k.d).Clone()
			got.Complete()
			x, _ := profiles.Marshal(got)
			y, _ := profiles.Marshal(fix)
			if string(x) != string(y) {
				t.Errorf("%s: the saved answers differ from the fixed ones:\n%s", k.name, lineDiff(string(x), string(y)))
			}
		}
		if n == 0 {
			t.Errorf("%s: no generated answers to break", b.name)
		}
	}
}

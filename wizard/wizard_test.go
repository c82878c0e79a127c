package wizard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"ecsdeck/profiles"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// start returns a wizard on spec in a tall window, driven.
func start(t *testing.T, spec *profiles.Spec, opts Options) (*Wizard, *driver) {
	t.Helper()
	w := New(spec, opts)
	w.SetSize(80, 60)
	return w, drive(t, w)
}

// preset loads an answers file (possibly unfinished) as the given answers.
func preset(t *testing.T, yaml string) *profiles.Answers {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	a, _, err := profiles.LoadDraft(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ready is a Spec whose every default is a valid answer.
func ready() *profiles.Spec {
	s := profiles.New()
	s.Name, s.Region = "shop", "eu-west-1"
	s.Backend.Image = "public.ecr.aws/nginx/nginx:1.27"
	return s
}

// finish presses enter until the wizard is done, and returns the titles of
// the pages it went through.
func finish(t *testing.T, w *Wizard, d *driver) []string {
	t.Helper()
	var titles []string
	for i := 0; i < 200 && !w.Done(); i++ {
		if n := len(titles); n == 0 || titles[n-1] != w.Title() {
			titles = append(titles, w.Title())
		}
		d.Keys("enter")
	}
	if !w.Done() {
		t.Fatalf("the wizard is not done after 200 enters; it shows:\n%s", d.View())
	}
	return titles
}

func doneSpec(t *testing.T, d *driver) *profiles.Spec {
	t.Helper()
	for _, m := range d.Seen {
		if dm, ok := m.(DoneMsg); ok {
			return dm.Spec
		}
	}
	t.Fatal("no DoneMsg")
	return nil
}

func TestDefaultsWalkToTheEndAndValidate(t *testing.T) {
	// GIVEN a new setup whose defaults are all valid
	w, d := start(t, ready(), Options{})

	// WHEN every question is answered with its default
	titles := finish(t, w, d)

	// THEN the relevant pages came in order, and the answers validate
	want := []string{"Basics", "Architecture", "Capacity", "Network", "Domain", "Backend service", "Workers and jobs", "Database", "State"}
	if !reflect.DeepEqual(titles, want) {
		t.Errorf("pages = %v, want %v", titles, want)
	}
	spec := doneSpec(t, d)
	spec.Complete()
	if errs := profiles.Validate(spec).Errors(); len(errs) > 0 {
		t.Errorf("the answers do not validate: %v", errs)
	}
}

func TestAsksOnlyWhatIsUnset(t *testing.T) {
	// GIVEN an answers file that sets the basics but the AWS profile
	a := preset(t, "version: 1\nname: shop\nenvironment: dev\nregion: eu-west-1\nbackend:\n  image: nginx:1.27\n")
	w, d := start(t, a.Spec, Options{Preset: a})

	// THEN the basics page asks only the AWS profile
	view := d.View()
	if w.Title() != "Basics" || strings.Contains(view, "Name of the platform") || strings.Contains(view, "AWS region") || !strings.Contains(view, "AWS profile") {
		t.Fatalf("page %q asks:\n%s", w.Title(), view)
	}

	// WHEN the rest is answered with defaults
	titles := finish(t, w, d)

	// THEN the backend page did not ask where the image comes from, and the file's answers stand
	spec := doneSpec(t, d)
	if spec.Name != "shop" || spec.Environment != "dev" || spec.Backend.Image != "nginx:1.27" {
		t.Errorf("answers changed: name %q env %q image %q", spec.Name, spec.Environment, spec.Backend.Image)
	}
	if !slices.Contains(titles, "Backend service") {
		t.Errorf("pages = %v, want the backend's other questions asked", titles)
	}
}

func TestAFileWithEveryKeyAsksNothing(t *testing.T) {
	// GIVEN an answers file with every key written, as the wizard saves it
	spec := ready()
	spec.Tier, spec.Frontend.Hosting, spec.Domain.Name = profiles.TierTwoTier, profiles.HostingECS, "example.com"
	spec.Complete()
	data, err := profiles.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	a := preset(t, string(data))
	// THEN no page asks anything, and the wizard is done at once
	w, d := start(t, a.Spec, Options{Preset: a})
	for i := range w.pages {
		if w.showable(i) {
			t.Errorf("page %s asks something of a complete answers file", w.pages[i].title)
		}
	}
	if !w.Done() || doneSpec(t, d) != a.Spec {
		t.Errorf("done = %v", w.Done())
	}
}

func TestInvalidAnswerIsRefusedWithTheLoadersMessage(t *testing.T) {
	spec := ready()
	spec.Name = ""
	w, d := start(t, spec, Options{})

	// WHEN a name with capitals is typed and enter pressed
	d.Type("Shop")
	d.Keys("enter")

	// THEN the name question stays, with the message the answers loader gives
	if w.Focused() != "name" {
		t.Fatalf("focus moved to %q", w.Focused())
	}
	want := `✗ "Shop" is not allowed (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)`
	if !strings.Contains(strings.Join(strings.Fields(d.View()), " "), want) {
		t.Errorf("view lacks %q:\n%s", want, d.View())
	}
}

func TestProblemsShowAsTyped(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	_ = w
	if strings.Contains(d.View(), "✗") {
		t.Fatalf("a problem shows before anything is typed:\n%s", d.View())
	}
	d.Keys("ctrl+u")
	d.Type("9x")
	if !strings.Contains(d.View(), `✗ "9x" is not allowed`) {
		t.Errorf("typed name's problem does not show:\n%s", d.View())
	}
}

func TestS3FrontendAsksForTheSiteNotAService(t *testing.T) {
	spec := ready()
	spec.Tier = profiles.TierTwoTier
	spec.Frontend.Hosting = profiles.HostingS3
	w, d := start(t, spec, Options{})
	titles := finish(t, w, d)
	if slices.Contains(titles, "Frontend service") || !slices.Contains(titles, "Frontend site") {
		t.Errorf("pages = %v, want Frontend site and no Frontend service", titles)
	}
}

func TestServiceConnectHidesBlueGreen(t *testing.T) {
	for _, sc := range []bool{false, true} {
		spec := ready()
		spec.Tier, spec.Frontend.Hosting, spec.ServiceConnect = profiles.TierTwoTier, profiles.HostingECS, sc
		spec.Domain.Name = "example.com"
		spec.Backend.Image, spec.Backend.Repository.Name = "", "acme/api"
		spec.Frontend.Repository.Name = "acme/web"
		w, d := start(t, spec, Options{})
		d.Run(w.GoTo("pipeline.deploy"))
		if w.Title() != "Pipelines" {
			t.Fatalf("serviceConnect %v: page %q", sc, w.Title())
		}
		asked := strings.Contains(d.View(), "How does a new version replace the old one?")
		if asked == sc {
			t.Errorf("serviceConnect %v: deploy strategy asked = %v:\n%s", sc, asked, d.View())
		}
	}
}

func TestEC2HidesTheFargateMix(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("launchType"))
	d.Keys("down", "enter", "enter") // ec2, x86_64
	view := d.View()
	if strings.Contains(view, "Fargate Spot weight") || !strings.Contains(view, "Instance type") {
		t.Errorf("after choosing ec2 the page shows:\n%s", view)
	}
	if spec.LaunchType != profiles.LaunchEC2 {
		t.Errorf("launchType = %q", spec.LaunchType)
	}
}

func TestBackAndForwardKeepTheAnswers(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	// GIVEN the environment changed and the architecture page reached
	d.Keys("enter", "ctrl+u")
	d.Type("staging")
	d.Keys("enter", "enter", "enter")
	if w.Title() != "Architecture" {
		t.Fatalf("page %q, want Architecture", w.Title())
	}
	d.Keys("down", "enter") // two-tier
	// WHEN going back with shift+tab from the first question, then forward with pgdn
	d.Keys("shift+tab")
	if w.Title() != "Architecture" || w.Focused() != "tier" {
		t.Fatalf("shift+tab inside the page left it: %q %q", w.Title(), w.Focused())
	}
	d.Keys("shift+tab")
	if w.Title() != "Basics" {
		t.Fatalf("shift+tab on the first question: page %q, want Basics", w.Title())
	}
	if !strings.Contains(d.View(), "> staging") {
		t.Errorf("the environment answer is gone:\n%s", d.View())
	}
	d.Keys("pgdown")
	// THEN the architecture page still has two-tier
	if w.Title() != "Architecture" || spec.Tier != profiles.TierTwoTier || !strings.Contains(d.View(), "> two-tier") {
		t.Errorf("page %q tier %q:\n%s", w.Title(), spec.Tier, d.View())
	}
	d.Keys("pgup")
	if w.Title() != "Basics" {
		t.Errorf("pgup: page %q, want Basics", w.Title())
	}
}

func TestAChoiceNotTakenKeepsItsAnswers(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("network.vpcMode"))
	d.Keys("down", "enter") // existing
	d.Type("vpc-0123abcd")
	d.Keys("enter")
	if spec.Network.VPCID != "vpc-0123abcd" || w.Title() != "Subnets" {
		t.Fatalf("vpcId %q page %q", spec.Network.VPCID, w.Title())
	}
	d.Keys("pgup", "up", "enter") // create a VPC after all
	if spec.Network.VPCID != "" || w.Focused() != "network.cidr" {
		t.Errorf("vpcId = %q, focus %q after choosing to create one", spec.Network.VPCID, w.Focused())
	}
	d.Keys("shift+tab", "down", "enter")
	if !strings.Contains(d.View(), "> vpc-0123abcd") {
		t.Errorf("the existing VPC's id is gone:\n%s", d.View())
	}
}

func TestARuleALaterPageSettlesDoesNotBlock(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("tier"))
	// WHEN the frontend goes on ECS, which needs a domain asked later
	d.Keys("down", "enter", "down")
	view := strings.Join(strings.Fields(d.View()), " ")
	if !strings.Contains(view, "! ecs on two tiers routes by host name and needs domain.name") {
		t.Errorf("the rule does not show as a warning:\n%s", d.View())
	}
	d.Keys("enter", "enter")
	if w.Title() != "Capacity" {
		t.Fatalf("the architecture page did not let go: %q\n%s", w.Title(), d.View())
	}
	// THEN the domain page refuses an empty domain, naming the rule
	d.Run(w.GoTo("domain.name"))
	d.Keys("enter")
	if w.Title() != "Domain" {
		t.Fatalf("an empty domain was accepted: page %q", w.Title())
	}
	want := "✗ frontend.hosting: ecs on two tiers routes by host name and needs domain.name"
	if !strings.Contains(strings.Join(strings.Fields(d.View()), " "), want) {
		t.Errorf("view lacks %q:\n%s", want, d.View())
	}
	d.Type("example.com")
	d.Keys("enter")
	if w.Title() != "DNS and HTTPS" {
		t.Errorf("after the domain: page %q", w.Title())
	}
	if spec.Domain.BackendHost != "api.example.com" || spec.Domain.FrontendHost != "www.example.com" {
		t.Errorf("hosts = %q %q, want them derived from the domain", spec.Domain.BackendHost, spec.Domain.FrontendHost)
	}
}

func TestFargateMemoryFollowsTheCPU(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("backend.port"))
	d.Keys("enter", "enter") // a ready image, the one given
	if w.Focused() != "backend.port" {
		t.Fatalf("focus %q", w.Focused())
	}
	d.Keys("enter", "down", "down") // 2 vCPU
	if spec.Backend.CPU != 2048 {
		t.Fatalf("cpu = %d", spec.Backend.CPU)
	}
	d.Keys("enter")
	if !slices.Contains(profiles.FargateMemories(2048), spec.Backend.Memory) {
		t.Errorf("memory %d is not a Fargate size for 2048", spec.Backend.Memory)
	}
	if !strings.Contains(d.View(), "> 4 GiB") {
		t.Errorf("memory choices do not start at 4 GiB:\n%s", d.View())
	}
}

// fakeLookup answers from fixed lists, or fails.
type fakeLookup struct {
	err    error
	vpcs   []VPC
	subnet []Subnet
	zones  []HostedZone
	certs  map[string][]Certificate

	mu    sync.Mutex // the wizard asks several lookups at once
	calls []string
}

func (f *fakeLookup) note(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return f.err
}
func (f *fakeLookup) Profiles(context.Context) ([]string, error) {
	return []string{"prod"}, f.note("profiles")
}
func (f *fakeLookup) Regions(_ context.Context, at Scope) ([]string, error) {
	return []string{"eu-west-1", "us-east-1"}, f.note("regions")
}
func (f *fakeLookup) VPCs(_ context.Context, at Scope) ([]VPC, error) {
	return f.vpcs, f.note("vpcs " + at.Region)
}
func (f *fakeLookup) Subnets(_ context.Context, at Scope, vpc string) ([]Subnet, error) {
	return f.subnet, f.note("subnets " + vpc)
}
func (f *fakeLookup) HostedZones(_ context.Context, at Scope, domain string) ([]HostedZone, error) {
	return f.zones, f.note("zones " + domain)
}
func (f *fakeLookup) Certificates(_ context.Context, at Scope, domain string) ([]Certificate, error) {
	return f.certs[at.Region], f.note("certs " + at.Region + " " + domain)
}

func TestChoicesFromTheAccount(t *testing.T) {
	l := &fakeLookup{
		vpcs:   []VPC{{ID: "vpc-0aaa1111", CIDR: "172.31.0.0/16", Default: true}, {ID: "vpc-0bbb2222", Name: "main", CIDR: "10.0.0.0/16"}},
		subnet: []Subnet{{ID: "subnet-0aaa0001", Zone: "eu-west-1a", CIDR: "10.0.1.0/24", Public: true}, {ID: "subnet-0aaa0002", Zone: "eu-west-1b", CIDR: "10.0.2.0/24", Public: true}},
		zones:  []HostedZone{{ID: "Z0ABCDEF", Name: "example.com", Records: 4}},
		certs: map[string][]Certificate{"eu-west-1": {{
			ARN:   "arn:aws:acm:eu-west-1:123456789012:certificate/11112222-3333-4444-5555-666677778888",
			Names: []string{"example.com", "*.example.com"},
		}}},
	}
	spec := ready()
	w, d := start(t, spec, Options{Lookup: l})
	if !slices.Contains(l.calls, "regions") || !slices.Contains(l.calls, "profiles") {
		t.Errorf("basics asked %v, want the regions and profiles", l.calls)
	}
	// WHEN the network page lists the VPCs and the second is chosen
	d.Run(w.GoTo("network.vpcId"))
	view := d.View()
	if !strings.Contains(view, "Create a new VPC") || !strings.Contains(view, "vpc-0bbb2222  main  10.0.0.0/16") {
		t.Fatalf("network page:\n%s", view)
	}
	d.Keys("down", "down", "enter")
	// THEN the subnets page lists that VPC's subnets
	if w.Title() != "Subnets" || !slices.Contains(l.calls, "subnets vpc-0bbb2222") {
		t.Fatalf("page %q calls %v", w.Title(), l.calls)
	}
	d.Keys("space", "down", "space", "enter")
	if want := []string{"subnet-0aaa0001", "subnet-0aaa0002"}; !reflect.DeepEqual(spec.Network.SubnetIDs, want) || spec.Network.VPCID != "vpc-0bbb2222" {
		t.Errorf("network = %s %v", spec.Network.VPCID, spec.Network.SubnetIDs)
	}
	// AND the DNS page offers the zone and the certificate, chosen already
	spec.Domain.Name = "example.com"
	d.Run(w.GoTo("domain.hostedZoneId"))
	if view = d.View(); !strings.Contains(view, "> Z0ABCDEF  example.com  (4 records)") {
		t.Errorf("DNS page:\n%s", view)
	}
	d.Keys("enter")
	if view = d.View(); !strings.Contains(view, "> example.com, *.example.com  …77778888") {
		t.Errorf("certificate:\n%s", view)
	}
	if spec.Domain.HostedZoneID != "Z0ABCDEF" || !strings.HasSuffix(spec.Domain.CertificateARN, "77778888") {
		t.Errorf("domain = %+v", spec.Domain)
	}
}

func TestWithoutCredentialsTheAnswersAreTyped(t *testing.T) {
	l := &fakeLookup{err: errors.New("no AWS credentials; set AWS_PROFILE or log in with aws sso login")}
	w, d := start(t, ready(), Options{Lookup: l})
	d.Run(w.GoTo("network.vpcId"))
	view := strings.Join(strings.Fields(d.View()), " ")
	for _, want := range []string{
		"AWS did not list the VPCs in eu-west-1 (no AWS credentials; set AWS_PROFILE or log in with aws sso login): type the answers.",
		"Use an existing VPC",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, d.View())
		}
	}
	d.Keys("down", "enter")
	d.Type("vpc-0123abcd")
	d.Keys("enter")
	if w.Title() != "Subnets" || !strings.Contains(d.View(), "e.g. subnet-") {
		t.Fatalf("subnets page:\n%s", d.View())
	}
	d.Type("subnet-0aaa0001, subnet-0aaa0002")
	d.Keys("enter")
	if got := w.Spec().Network.SubnetIDs; !reflect.DeepEqual(got, []string{"subnet-0aaa0001", "subnet-0aaa0002"}) {
		t.Errorf("subnets = %v", got)
	}
}

func TestEscIsTheFiltersWhileFiltering(t *testing.T) {
	w, d := start(t, ready(), Options{})
	d.Run(w.GoTo("region"))
	d.Keys("enter", "enter")
	if w.Focused() != "region" || w.Filtering() {
		t.Fatal("filtering before /")
	}
	d.Keys("/")
	if !w.Filtering() {
		t.Fatal("not filtering after /")
	}
}

func TestDoc(t *testing.T) {
	for path, want := range map[string]string{
		"backend.port":              "Port the application listens on (use 80 to serve port 80 without nginx).",
		"frontend.port":             "Port the application listens on (use 80 to serve port 80 without nginx).",
		"capacity.fargate.spotBase": "Tasks that always run on Fargate Spot before weights apply.",
		"frontend.build.command":    "Shell command that builds the site.",
		"loadBalancer.existing.arn": "ARN of the Application Load Balancer.",
		"nothing.here":              "",
	} {
		if got := Doc(path); got != want {
			t.Errorf("Doc(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		msg, path string
		want      bool
	}{
		{"needs domain.name (set domain.name, or ...)", "domain.name", true},
		{"needs pipeline.deploy: blue-green", "pipeline.deploy", true},
		{"outside backend.autoscaling min 1", "backend.autoscaling.min", false},
		{"is below capacity.ec2.min 2", "capacity.ec2.min", true},
		{"see backend.autoscaling.min", "backend.autoscaling", false},
		{"two-tier is the tier", "tier", true},
		{"with serviceConnect: true", "serviceConnect", true},
		{"the end.", "end", true},
	} {
		if got := mentions(tc.msg, tc.path); got != tc.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", tc.msg, tc.path, got, tc.want)
		}
	}
	if mentionable("tier") || mentionable("name") || !mentionable("serviceConnect") || !mentionable("domain.name") {
		t.Error("mentionable: plain words must not count, paths and camelCase keys must")
	}
}

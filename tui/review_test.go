package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/wizard"

	tea "github.com/charmbracelet/bubbletea"
)

func reviewModel(t *testing.T, deps Deps, spec *profiles.Spec, saveAnswers string) (*Model, *driver) {
	t.Helper()
	m := New(context.Background(), testCommon(80, 24), deps, Start{Wizard: true, Spec: spec, SaveAnswers: saveAnswers})
	d := drive(t, m)
	for i := 0; i < 60 && m.page == pageWizard; i++ {
		d.Keys("pgdown")
	}
	if m.page != pageReview {
		t.Fatalf("the wizard did not reach the review:\n%s", d.View())
	}
	return m, d
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestReviewSummarisesTheAnswers(t *testing.T) {
	m, d := reviewModel(t, Deps{Store: newStore()}, shopSpec(), "")
	body := flat(m.review.body())
	for _, want := range []string{
		"Platform shop-prod in eu-west-1, with the default AWS credentials",
		"Shape one backend service on ECS behind a load balancer",
		"Capacity Fargate: 1 task on Spot, then Spot to on-demand 100:1, x86_64",
		"Network a new VPC 10.2.0.0/16 across two availability zones",
		"Domain none: HTTP on the load balancer's own name",
		"Backend built from github acme/shop-api (main); port 8080; 0.5 vCPU / 1 GiB; 1 task; settings from SSM /shop/prod/backend; health check /",
		"Pipelines rolling deploys; a new source connection (to activate once)",
		"Database none",
		"The offline plan is not available in this version of ecsdeck.",
		"The estimate is not available in this version of ecsdeck.",
		"1. Activate the source connection once it exists: AWS console › Developer Tools › Settings › Connections › shop-prod",
		"2. Put the backend's settings in SSM Parameter Store under /shop/prod/backend",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("review lacks %q:\n%s", want, m.review.body())
		}
	}
	if !strings.Contains(d.View(), "ecsdeck · review shop-prod") {
		t.Errorf("header:\n%s", d.View())
	}
}

func TestReviewRunsThePlanAndTheEstimate(t *testing.T) {
	var planned *profiles.Spec
	deps := Deps{
		Store: newStore(),
		Planner: func(_ context.Context, s *profiles.Spec) (map[string]int, error) {
			planned = s
			return map[string]int{"network": 12, "cluster": 4, "backend": 9, "pipeline": 7}, nil
		},
		Estimator: func(s *profiles.Spec) (Estimate, bool) {
			return Estimate{Monthly: 84.4, Min: 61, Max: 132}, s.Backend.Port == 8080
		},
	}
	m, d := reviewModel(t, deps, shopSpec(), "")
	if planned == nil || planned == m.review.spec {
		t.Fatal("the planner did not get its own copy of the answers")
	}
	body := flat(m.review.body())
	for _, want := range []string{"network 12", "backend 9", "pipeline 7", "cluster 4", "32 resources to create", "≈ $84/month ($61–$132) before tax (ecsdeck cost --profile shop-prod shows every line)"} {
		if !strings.Contains(body, want) {
			t.Errorf("review lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(d.View(), "≈ $84/month ($61–$132)") {
		t.Errorf("header lacks the estimate:\n%s", d.View())
	}
	if m.review.Expected() != 32 {
		t.Errorf("Expected = %d", m.review.Expected())
	}
}

func TestReviewSaysWhatTheEstimateLeavesOut(t *testing.T) {
	deps := Deps{Estimator: func(*profiles.Spec) (Estimate, bool) {
		return Estimate{Monthly: 40, Min: 40, Max: 60, Unpriced: 2, NotPriced: "not priced in eu-west-1: RDS db.t4g.micro, CodeBuild"}, true
	}}
	m, d := reviewModel(t, deps, shopSpec(), "")
	want := "≈ $40/month ($40–$60) before tax + not priced in eu-west-1: RDS db.t4g.micro, CodeBuild (ecsdeck cost --profile shop-prod shows every line) 2 parts have no price for eu-west-1 in ecsdeck's table and are left out (ecsdeck cost --live-prices looks them up)."
	if !strings.Contains(flat(m.review.body()), want) {
		t.Errorf("review lacks %q:\n%s", want, m.review.body())
	}
	// AND the header names them next to the figure, as far as it fits
	if head := strings.SplitN(d.View(), "\n", 2)[0]; !strings.Contains(head, "≈ $40/month ($40–$60) + not priced in eu-west-1: R") {
		t.Errorf("header %q does not name the parts left out", head)
	}
	deps.Estimator = func(*profiles.Spec) (Estimate, bool) { return Estimate{}, false }
	m, _ = reviewModel(t, deps, shopSpec(), "")
	if !strings.Contains(flat(m.review.body()), "No estimate: ecsdeck has no prices for eu-west-1") {
		t.Errorf("review:\n%s", m.review.body())
	}
}

func TestReviewSaysWhenThePlanFails(t *testing.T) {
	deps := Deps{Planner: func(context.Context, *profiles.Spec) (map[string]int, error) {
		return nil, errors.New("program panicked: index out of range")
	}}
	m, _ := reviewModel(t, deps, shopSpec(), "")
	if !strings.Contains(m.review.body(), "The offline plan failed: program panicked: index out of range") {
		t.Errorf("review:\n%s", m.review.body())
	}
}

func TestReviewSavesTheProfileAndTheAnswersFile(t *testing.T) {
	st := newStore()
	file := filepath.Join(t.TempDir(), "shop.yaml")
	m, d := reviewModel(t, Deps{Store: st}, shopSpec(), file)
	d.Keys("s")
	if st.saved["shop-prod"] == nil {
		t.Fatal("the profile was not saved")
	}
	a, err := profiles.Load(file)
	if err != nil {
		t.Fatalf("the answers file does not load: %v", err)
	}
	if a.Spec.Backend.Repository.Name != "acme/shop-api" || a.Spec.Name != "shop" {
		t.Errorf("saved answers = %+v", a.Spec)
	}
	want := "Saved profile shop-prod (/cfg/profiles/shop-prod.yaml) and " + file + "."
	if !strings.Contains(flat(d.View()), want) {
		t.Errorf("view lacks %q:\n%s", want, d.View())
	}
	if got := m.Result().Saved; len(got) != 2 {
		t.Errorf("Result.Saved = %v", got)
	}
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q after saving does not quit")
	}
}

func TestReviewAsksBeforeQuittingUnsaved(t *testing.T) {
	m, d := reviewModel(t, Deps{Store: newStore()}, shopSpec(), "")
	d.Keys("q")
	if !strings.Contains(d.View(), "Quit without saving the answers?") {
		t.Fatalf("q did not ask:\n%s", d.View())
	}
	d.Keys("n")
	if strings.Contains(d.View(), "Quit without saving") {
		t.Error("n did not keep the review")
	}
	d.Keys("q")
	_, cmd := m.Update(keyMsg("y"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("y does not quit")
	}
}

func TestReviewRefusesToSaveProblems(t *testing.T) {
	st := newStore()
	spec := shopSpec()
	spec.Backend.TaskDefinitionFile = "taskdef.json" // needs blue/green
	m := New(context.Background(), testCommon(80, 24), Deps{Store: st}, Start{Wizard: true, Spec: spec})
	d := drive(t, m)
	d.Send(wizard.DoneMsg{Spec: spec})
	d.Keys("s")
	if len(st.saved) != 0 {
		t.Fatal("answers with a problem were saved")
	}
	view := flat(d.View())
	if !strings.Contains(view, "error: 1 problem to fix first (esc goes to the first one).") {
		t.Errorf("view:\n%s", d.View())
	}
	if !strings.Contains(flat(m.review.body()), "✗ backend.taskDefinitionFile: needs pipeline.deploy: blue-green") {
		t.Errorf("the problem is not listed:\n%s", m.review.body())
	}
}

func TestReviewWithoutAnEngineSaysHowToCreateLater(t *testing.T) {
	_, d := reviewModel(t, Deps{Store: newStore()}, shopSpec(), "")
	if strings.Contains(d.View(), "create platform") {
		t.Error("the help offers to create the platform without an engine")
	}
	d.Keys("a")
	want := "error: Creating the platform from here is not available in this version of ecsdeck; save it (s), then run: ecsdeck up --profile shop-prod"
	if !strings.Contains(flat(d.View()), want) {
		t.Errorf("view lacks %q:\n%s", want, d.View())
	}
}

func TestReviewEscGoesBackToTheQuestions(t *testing.T) {
	m, d := reviewModel(t, Deps{Store: newStore()}, shopSpec(), "")
	d.Keys("esc")
	if m.page != pageWizard || m.wiz.Wizard().Title() != "State" {
		t.Errorf("esc: page %v, wizard at %q", m.page, m.wiz.Wizard().Title())
	}
	d.Keys("pgdown")
	if m.page != pageReview {
		t.Errorf("forward again: page %v", m.page)
	}
}

func TestReviewAsksBeforeReplacingASavedProfile(t *testing.T) {
	// GIVEN a new setup whose name is already a saved profile
	st := newStore(profiles.Entry{Name: "shop-prod", Path: "/cfg/profiles/shop-prod.yaml"})
	_, d := reviewModel(t, Deps{Store: st}, shopSpec(), "")
	// WHEN s is pressed THEN it asks first, and n saves nothing
	d.Keys("s")
	if !strings.Contains(flat(d.View()), "A profile named shop-prod is already saved (its platform may be running). Replace it with these answers?") {
		t.Fatalf("s did not ask:\n%s", d.View())
	}
	d.Keys("n")
	if len(st.saved) != 0 || !strings.Contains(flat(d.View()), "Nothing was saved or created.") {
		t.Fatalf("n saved or did not say so: %v\n%s", st.saved, d.View())
	}
	// WHEN asked again and y is answered THEN it is replaced
	d.Keys("s", "y")
	if st.saved["shop-prod"] == nil {
		t.Fatal("y did not save")
	}
}

func TestReviewAsksBeforeCreatingResources(t *testing.T) {
	// GIVEN a review that can create the platform
	st := newStore()
	m, d := reviewModel(t, Deps{Store: st, Engine: func(*profiles.Spec) (stack.Engine, error) { return &fakeEngine{}, nil }}, shopSpec(), "")
	// WHEN a is pressed THEN it asks, and n neither saves nor creates
	d.Keys("a")
	if !strings.Contains(flat(d.View()), "Create the AWS resources of shop-prod in eu-west-1 now?") {
		t.Fatalf("a did not ask:\n%s", d.View())
	}
	d.Keys("n")
	if len(st.saved) != 0 || m.page != pageReview {
		t.Fatalf("n went on: saved %v, page %v", st.saved, m.page)
	}
	// WHEN y is answered THEN it saves and moves on to the progress page
	d.Keys("a", "y")
	if st.saved["shop-prod"] == nil || m.page != pageProgress {
		t.Fatalf("y: saved %v, page %v\n%s", st.saved, m.page, d.View())
	}
}

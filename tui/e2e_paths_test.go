package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
)

func TestEndToEndCtrlCKeepsADraftThatTheNextInitResumes(t *testing.T) {
	bin := buildBinary(t)
	home := t.TempDir()
	// GIVEN ecsdeck init answered up to the architecture page
	tm := startTerm(t, 100, 30, isolatedEnv(home), bin+" init")
	tm.answer("Name of the platform", "=shop", "Enter")
	tm.answer("┃ Environment", "Enter")
	tm.answer("┃ AWS region", "Enter")
	tm.answer("┃ AWS profile", "Enter")
	tm.waitFor("How many tiers?")
	// WHEN ctrl+c ends it
	tm.keys("C-c")
	tm.waitFor("EXIT=130")
	// THEN the answers are kept as the store's draft
	d, err := (&profiles.Store{Dir: filepath.Join(home, "config", "profiles")}).LoadDraft()
	if err != nil || d == nil || d.Spec.Name != "shop" || d.At != "tier" {
		t.Fatalf("draft = %+v, %v", d, err)
	}
	// WHEN init runs again, it offers the draft, and y resumes it on its question
	tm2 := startTerm(t, 100, 30, isolatedEnv(home), bin+" init")
	tm2.waitFor("You left a setup of shop unfinished")
	tm2.keys("y")
	tm2.waitFor("┃ How many tiers?")
}

func TestEndToEndKeysTypedAheadAllCount(t *testing.T) {
	bin := buildBinary(t)
	// GIVEN ecsdeck init on its first question
	tm := startTerm(t, 100, 30, isolatedEnv(t.TempDir()), bin+" init")
	tm.waitFor("┃ Name of the platform")
	// WHEN the name, enter, more of the environment and enter arrive in one write
	tm.text("shop\r-eu\r")
	// THEN every key counted: the region is the question, the answers are there
	tm.waitFor("┃ AWS region")
	tm.keys("BTab")
	tm.waitFor("┃ > prod-eu")
	if s := tm.screen(); !strings.Contains(s, "> shop") {
		t.Errorf("the name typed ahead is not there:\n%s", s)
	}
}

// answersFile writes spec as an answers file without the top-level keys
// and the lines named in drop, and returns its path.
func answersFile(t *testing.T, spec *profiles.Spec, drop ...string) string {
	t.Helper()
	spec.Complete()
	data, err := profiles.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	skipping := false
	for _, line := range strings.Split(string(data), "\n") {
		top := line != "" && line[0] != ' ' && line[0] != '#'
		if top {
			skipping = false
		}
		for _, d := range drop {
			if top && strings.HasPrefix(line, d+":") {
				skipping = true
			}
			if !top && strings.HasPrefix(strings.TrimSpace(line), d+":") {
				line = ""
			}
		}
		if !skipping && line != "" {
			keep = append(keep, line)
		}
	}
	path := filepath.Join(t.TempDir(), "prod.yaml")
	if err := os.WriteFile(path, []byte(strings.Join(keep, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEndToEndADatabaseInAnExistingVPCCanBeChosen(t *testing.T) {
	bin := buildBinary(t)
	// GIVEN an answers file for an existing VPC that leaves the database to ask
	spec := shopSpec()
	spec.Network.VPCID, spec.Network.SubnetIDs = "vpc-0123abcd", []string{"subnet-0aaa0001", "subnet-0aaa0002"}
	file := answersFile(t, spec, "database", "databaseSubnetIds")
	tm := startTerm(t, 100, 30, isolatedEnv(t.TempDir()), bin+" init --answers "+file)
	tm.waitFor("┃ Database")
	// WHEN postgres is chosen
	tm.keys("Down", "Enter")
	// THEN the next question comes, and the subnets are asked at the end of the page
	tm.waitFor("┃ Instance class")
	for range 7 { // instance, storage, standby, name, user, backups, final snapshot
		tm.keys("Enter")
	}
	tm.waitFor("┃ Private subnets for the database")
	tm.text("subnet-0bbb0001 subnet-0bbb0002")
	tm.keys("Enter")
	tm.waitFor("review shop-prod")
}

func TestEndToEndEscFromTheReviewOfACompleteFileOpensItsQuestions(t *testing.T) {
	bin := buildBinary(t)
	// GIVEN ecsdeck init --answers with a file that answers everything
	file := answersFile(t, shopSpec())
	tm := startTerm(t, 100, 30, isolatedEnv(t.TempDir()), bin+" init --answers "+file)
	tm.waitFor("review shop-prod")
	// WHEN esc asks to change the answers
	tm.keys("Escape")
	// THEN the last page's questions are there, titled with the file
	tm.waitFor("edit prod.yaml · State")
	tm.waitFor("┃ Where is the platform's state kept?")
}

// waitGone waits until the screen no longer shows text.
func (tm *term) waitGone(text string) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for strings.Contains(tm.screen(), text) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen still shows %q after 15s:\n%s", text, tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEndToEndShiftTabAfterARefusedAnswerKeepsAQuestionFocused(t *testing.T) {
	bin := buildBinary(t)
	tm := startTerm(t, 100, 30, isolatedEnv(t.TempDir()), bin+" init")
	tm.answer("┃ Name of the platform", "=shop", "Enter")
	// GIVEN an environment the wizard refuses
	tm.answer("┃ Environment", "C-u", "=Prod!", "Enter")
	tm.waitFor(`"Prod!" is not allowed`)
	// WHEN shift+tab goes back THEN the name has focus and takes keys
	tm.keys("BTab")
	tm.waitFor("┃ Name of the platform")
	tm.text("x")
	tm.waitFor("┃ > shopx")
	// AND back on the environment, the problem goes as soon as the answer
	// is fixed, before enter
	tm.keys("Tab")
	tm.waitFor("┃ Environment")
	tm.keys("C-u")
	tm.text("staging")
	tm.waitGone("is not allowed")
	tm.keys("Enter")
	tm.waitFor("┃ AWS region")
}

func TestEndToEndArm64OnEC2OffersAGravitonInstance(t *testing.T) {
	bin := buildBinary(t)
	tm := startTerm(t, 100, 40, isolatedEnv(t.TempDir()), bin+" init")
	tm.answer("┃ Name of the platform", "=shop", "Enter")
	tm.answer("┃ Environment", "Enter")
	tm.answer("┃ AWS region", "Enter")
	tm.answer("┃ AWS profile", "Enter")
	tm.answer("How many tiers?", "Enter")
	// WHEN the tasks run on EC2 with arm64
	tm.answer("┃ Where do the tasks run?", "Down", "Enter")
	tm.answer("┃ CPU architecture", "Down", "Enter")
	// THEN the instance type offered is an arm64 one, and it is taken
	tm.waitFor("┃ Instance type")
	tm.waitFor("t4g.")
	if s := tm.screen(); strings.Contains(s, "t3.small") {
		t.Fatalf("the x86 instance type is still offered:\n%s", s)
	}
	tm.keys("Enter")
	tm.waitGone("┃ Instance type")
	if s := tm.screen(); strings.Contains(s, "✗") {
		t.Fatalf("the offered instance type was refused:\n%s", s)
	}
}

func TestEndToEndANarrowTerminalWrapsProblemsAndSteps(t *testing.T) {
	bin := buildBinary(t)
	// GIVEN a 60×20 terminal
	tm := startTerm(t, 60, 20, isolatedEnv(t.TempDir()), bin+" init")
	tm.waitFor("┃ Name of the platform")
	// THEN every step is named, on two lines if need be
	for _, step := range []string{"Basics", "Architecture", "Capacity", "Network", "Domain", "Services", "Database", "Review"} {
		if !strings.Contains(tm.screen(), step) {
			t.Fatalf("step %s is not shown:\n%s", step, tm.screen())
		}
	}
	// WHEN an answer is refused THEN the whole problem is shown, wrapped
	tm.text("Shop!")
	tm.keys("Enter")
	tm.waitFor(`"Shop!" is not allowed`)
	tm.waitFor("starting with a letter and not ending with a dash")
}

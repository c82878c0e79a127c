package tui

import (
	"path/filepath"
	"strings"
	"testing"

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

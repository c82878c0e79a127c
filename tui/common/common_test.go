package common

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func TestNewStylesWithoutColourHasNoColour(t *testing.T) {
	// GIVEN a renderer that would print 256 colours
	lipgloss.SetColorProfile(termenv.ANSI256)
	defer lipgloss.SetColorProfile(termenv.Ascii)

	// WHEN the styles are built with and without colour
	colour, plain := NewStyles(false), NewStyles(true)

	// THEN only the coloured ones print escape codes
	if got := colour.Error.Render("x"); got == "x" {
		t.Errorf("coloured Error style rendered %q, want escape codes", got)
	}
	for name, s := range map[string]lipgloss.Style{"Error": plain.Error, "Success": plain.Success, "Muted": plain.Muted, "Rule": plain.Rule} {
		if got := s.Render("x"); strings.Contains(got, "\x1b[3") || strings.Contains(got, "\x1b[9") || strings.Contains(got, "38;5") {
			t.Errorf("NO_COLOR %s style rendered %q, want no colour", name, got)
		}
	}
	if !plain.NoColor || colour.NoColor {
		t.Errorf("NoColor flags: plain %v colour %v", plain.NoColor, colour.NoColor)
	}
}

func TestDefaultStylesHonoursNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if !DefaultStyles().NoColor {
		t.Fatal("DefaultStyles with NO_COLOR=1: NoColor is false")
	}
	t.Setenv("NO_COLOR", "")
	if DefaultStyles().NoColor {
		t.Fatal("DefaultStyles with NO_COLOR empty: NoColor is true")
	}
}

func TestTooSmall(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want bool
	}{
		{80, 24, false},
		{MinWidth, MinHeight, false},
		{MinWidth - 1, 24, true},
		{80, MinHeight - 1, true},
		{0, 0, true},
	} {
		c := New(tc.w, tc.h)
		if got := c.TooSmall(); got != tc.want {
			t.Errorf("%d×%d: TooSmall = %v, want %v", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestTooSmallViewSaysSizeAndFits(t *testing.T) {
	c := New(40, 5)
	got := TooSmallView(c)
	if !strings.Contains(strings.Join(strings.Fields(got), " "), "The terminal is 40×5; ecsdeck needs at least 60×16.") {
		t.Errorf("view does not say the sizes:\n%s", got)
	}
	lines := strings.Split(got, "\n")
	if len(lines) > 5 {
		t.Errorf("view has %d lines, terminal has 5", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 40 {
			t.Errorf("line %q is %d wide, terminal is 40", l, w)
		}
	}
}

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		w, h     int
		want     string
	}{
		{"pads", "a", 5, 3, "a\n\n"},
		{"cuts lines", "a\nb\nc", 5, 2, "a\nb"},
		{"cuts width", "abcdefgh", 5, 1, "abcd…"},
		{"exact", "abcde", 5, 1, "abcde"},
	} {
		if got := Fit(tc.in, tc.w, tc.h); got != tc.want {
			t.Errorf("%s: Fit(%q, %d, %d) = %q, want %q", tc.name, tc.in, tc.w, tc.h, got, tc.want)
		}
	}
}

func TestHeaderAndStatusLine(t *testing.T) {
	st := NewStyles(true)
	for _, tc := range []struct {
		name         string
		width        int
		title, right string
		want         string
	}{
		{"both fit", 30, "home", "v1", "ecsdeck · home              v1"},
		{"right dropped", 16, "home", "version 1", "ecsdeck · home"},
		{"left cut", 10, "a long title", "", "ecsdeck ·…"},
	} {
		if got := Header(st, tc.width, tc.title, tc.right); got != tc.want {
			t.Errorf("%s: Header = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := StatusLine(st, 30, "saved", false, "3 profiles"); got != "saved"+strings.Repeat(" ", 15)+"3 profiles" {
		t.Errorf("StatusLine = %q", got)
	}
	if got := StatusLine(st, 30, "disk full", true, ""); got != "error: disk full" {
		t.Errorf("failed StatusLine without colour = %q, want the word error", got)
	}
}

func TestShortHelpListsEnabledKeys(t *testing.T) {
	km := DefaultKeyMap()
	st := NewStyles(true)
	off := km.Edit
	off.SetEnabled(false)
	got := ShortHelp(st, 80, km.Select, off, km.Quit)
	if got != "enter open • q quit" {
		t.Errorf("ShortHelp = %q", got)
	}
}

// helpKeys is a page's keys for HelpView.
type helpKeys struct{ short, full []key.Binding }

func (k helpKeys) ShortHelp() []key.Binding  { return k.short }
func (k helpKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.full} }

func TestHelpViewSaysFewerKeysWhileAllAreShown(t *testing.T) {
	km := DefaultKeyMap()
	st := NewStyles(true)
	keys := helpKeys{short: []key.Binding{km.Quit, km.Help}, full: []key.Binding{km.Select, km.Quit, km.Help}}
	// WHEN one line of help is shown THEN ? offers more keys
	if got := HelpView(st, 80, keys, false); got != "q quit • ? more keys" {
		t.Errorf("short help = %q", got)
	}
	// WHEN every key is shown THEN ? offers fewer, and the page's own binding is untouched
	if got := HelpView(st, 80, keys, true); !strings.Contains(got, "fewer keys") || strings.Contains(got, "more keys") {
		t.Errorf("full help = %q", got)
	}
	if keys.full[2].Help().Desc != "more keys" {
		t.Errorf("the page's binding now reads %q", keys.full[2].Help().Desc)
	}
}

func TestDefaultKeyMapKeys(t *testing.T) {
	km := DefaultKeyMap()
	for name, tc := range map[string]struct {
		b    key.Binding
		keys string
	}{
		"Select":    {km.Select, "enter"},
		"Back":      {km.Back, "esc"},
		"ForceQuit": {km.ForceQuit, "ctrl+c"},
		"Cancel":    {km.Cancel, "x"},
		"Console":   {km.Console, "c"},
	} {
		if got := strings.Join(tc.b.Keys(), ","); got != tc.keys {
			t.Errorf("%s keys = %q, want %q", name, got, tc.keys)
		}
	}
}

func TestStatusBlockWraps(t *testing.T) {
	st := NewStyles(true)
	got := StatusBlock(st, 20, "the console is not available in this version", true)
	want := "error: the console\nis not available in\nthis version"
	if got != want {
		t.Errorf("StatusBlock = %q, want %q", got, want)
	}
	long := StatusBlock(st, 10, strings.Repeat("word ", 20), false)
	if n := strings.Count(long, "\n") + 1; n != 3 || !strings.HasSuffix(long, "…") {
		t.Errorf("a long status has %d lines: %q", n, long)
	}
}

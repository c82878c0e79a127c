package common

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every key binding of the UI. A page uses the ones it needs
// and lists them in its ShortHelp/FullHelp; the same key may mean different
// things on different pages (c: console on home, never cancel).
type KeyMap struct {
	Up, Down         key.Binding // move the cursor
	PageUp, PageDown key.Binding // scroll a page
	Top, Bottom      key.Binding // jump to the first or last row
	Select           key.Binding // open or choose what is under the cursor
	Back             key.Binding // leave the page (asks first when answers would be lost)
	Quit             key.Binding // leave ecsdeck from a page where nothing is lost
	ForceQuit        key.Binding // leave ecsdeck from anywhere
	Help             key.Binding // show all keys
	NextTab, PrevTab key.Binding // switch tabs or panes

	New     key.Binding // start a new setup
	Edit    key.Binding // change a saved profile's answers
	Console key.Binding // open the console of a platform
	Refresh key.Binding // read again

	PrevStep, NextStep key.Binding // wizard: previous or next step, keeping the answers

	Save    key.Binding // review: save the answers as a profile
	Apply   key.Binding // review: create the platform
	Cancel  key.Binding // progress: stop the running update (asks first)
	Details key.Binding // progress: show or hide finished resources

	Yes, No key.Binding // answers to a question on screen
}

// DefaultKeyMap returns ecsdeck's key bindings.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &KeyMap{
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:    b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown:  b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:       b([]string{"home", "g"}, "g", "top"),
		Bottom:    b([]string{"end", "G"}, "G", "bottom"),
		Select:    b([]string{"enter"}, "enter", "open"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Quit:      b([]string{"q"}, "q", "quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Help:      b([]string{"?"}, "?", "more keys"),
		NextTab:   b([]string{"tab"}, "tab", "next tab"),
		PrevTab:   b([]string{"shift+tab"}, "shift+tab", "previous tab"),

		New:     b([]string{"n"}, "n", "new setup"),
		Edit:    b([]string{"e"}, "e", "edit answers"),
		Console: b([]string{"c"}, "c", "console"),
		Refresh: b([]string{"r"}, "r", "refresh"),

		PrevStep: b([]string{"pgup"}, "pgup", "previous step"),
		NextStep: b([]string{"pgdown"}, "pgdn", "next step"),

		Save:    b([]string{"s"}, "s", "save profile"),
		Apply:   b([]string{"a"}, "a", "create platform"),
		Cancel:  b([]string{"x"}, "x", "cancel"),
		Details: b([]string{"v"}, "v", "all resources"),

		Yes: b([]string{"y", "Y"}, "y", "yes"),
		No:  b([]string{"n", "N", "esc"}, "n", "no"),
	}
}

package console

import (
	"ecsdeck/tui/common"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is the console's keys: the shared ones of common.KeyMap (moving,
// enter, esc, q, ?, tab) and the console's own, k9s-like.
type KeyMap struct {
	*common.KeyMap
	Tabs       [tabCount]key.Binding // 1-4: go to a tab
	Filter     key.Binding           // /: filter the rows or lines
	Logs       key.Binding           // l: logs of the selected service
	Release    key.Binding           // r: release a pipeline
	Rollback   key.Binding           // b: roll the selected service back
	Scale      key.Binding           // s: set the selected service's desired count
	Redeploy   key.Binding           // d: force a new deployment
	Exec       key.Binding           // x: a shell in the selected service's task
	Follow     key.Binding           // f: logs: keep to the newest line
	RefreshNow key.Binding           // ctrl+r: read everything again now
}

// NewKeyMap returns the console's keys on top of the shared ones.
func NewKeyMap(km *common.KeyMap) *KeyMap {
	b := func(k, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(k), key.WithHelp(help, desc))
	}
	k := &KeyMap{
		KeyMap:     km,
		Filter:     b("/", "/", "filter"),
		Logs:       b("l", "l", "logs"),
		Release:    b("r", "r", "release"),
		Rollback:   b("b", "b", "rollback"),
		Scale:      b("s", "s", "scale"),
		Redeploy:   b("d", "d", "redeploy"),
		Exec:       b("x", "x", "shell"),
		Follow:     b("f", "f", "follow"),
		RefreshNow: b("ctrl+r", "ctrl+r", "refresh now"),
	}
	for i, name := range tabNames {
		n := string(rune('1' + i))
		k.Tabs[i] = b(n, n, name)
	}
	return k
}

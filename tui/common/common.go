// Package common holds what every screen of ecsdeck's terminal UI shares:
// the Common value (size, styles, keys) passed down from the root model, the
// Component contract each page and part implements, and a few pure render
// helpers (header, status line, help, the too-small-terminal guard).
//
// Nothing here is global: the root builds one Common with DefaultStyles and
// DefaultKeyMap and hands copies down; tests build their own.
package common

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// Minimum terminal size the screens are laid out for. Below it a screen
// shows TooSmallView instead of drawing garbage.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Common is passed down from the root model to every component.
type Common struct {
	Width, Height int
	Styles        *Styles
	KeyMap        *KeyMap
}

// New returns a Common of the given size with the default styles and keys.
func New(width, height int) Common {
	return Common{Width: width, Height: height, Styles: DefaultStyles(), KeyMap: DefaultKeyMap()}
}

// SetSize records a new terminal size.
func (c *Common) SetSize(width, height int) {
	c.Width, c.Height = width, height
}

// TooSmall says whether the terminal is below the minimum size.
func (c Common) TooSmall() bool {
	return c.Width < MinWidth || c.Height < MinHeight
}

// Component is one part of the screen: a page (home, wizard, review,
// progress, a console tab) or a piece of one. Update returns the component
// itself (as tea.Model, so the caller asserts it back). ShortHelp and
// FullHelp list the keys it handles, for the help line.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// BackMsg asks the root to leave the current page for the one it came from
// (the console sends it to return home).
type BackMsg struct{}

// Back is a tea.Cmd that sends BackMsg.
func Back() tea.Msg { return BackMsg{} }

// StatusMsg sets the status line of the current page; Error marks it as a
// failure.
type StatusMsg struct {
	Text  string
	Error bool
}

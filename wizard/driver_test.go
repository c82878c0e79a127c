package wizard

import (
	"testing"

	"ecsdeck/internal/tuitest"

	tea "github.com/charmbracelet/bubbletea"
)

type driver = tuitest.Driver

func drive(t testing.TB, m tea.Model) *driver { return tuitest.Drive(t, m) }

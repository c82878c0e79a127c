package console

import (
	"os"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// tmpDir holds what the tests build (the binary).
var tmpDir string

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	var err error
	if tmpDir, err = os.MkdirTemp("", "ecsdeck-console-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmpDir)
	os.Exit(code)
}

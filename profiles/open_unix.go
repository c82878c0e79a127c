//go:build unix

package profiles

import (
	"os"
	"syscall"
)

// openNoWait opens path for reading without waiting for a writer, as
// opening a named pipe otherwise does; the caller then checks what it is.
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

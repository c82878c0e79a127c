//go:build unix

package cli

import (
	"os"
	"os/signal"
	"syscall"
)

// resizes tells when the terminal's size changes (SIGWINCH).
func resizes() (<-chan struct{}, func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGWINCH)
	out := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
				select {
				case out <- struct{}{}:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	return out, func() { signal.Stop(sigs); close(done) }
}

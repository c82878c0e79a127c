//go:build !unix

package cli

// resizes never tells of a size change where there is no SIGWINCH.
func resizes() (<-chan struct{}, func()) { return nil, func() {} }

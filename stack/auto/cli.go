package auto

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// CLIVersion is the Pulumi CLI version ecsdeck is built and tested with; the
// same version as the Pulumi SDK in go.mod.
const CLIVersion = "v3.274.1"

// FindCLI returns the path of the Pulumi CLI: $ECSDECK_PULUMI, then pulumi on
// PATH, then pulumi next to the ecsdeck executable, then ./bin/pulumi (where
// make tools builds it). It returns stack.ErrNoCLI, with what to do, when
// there is none.
func FindCLI() (string, error) {
	if p := os.Getenv("ECSDECK_PULUMI"); p != "" {
		if isExecutable(p) {
			return filepath.Abs(p)
		}
		return "", fmt.Errorf("%w: ECSDECK_PULUMI names %s, which is not an executable file", errNoCLI, p)
	}
	if p, err := exec.LookPath("pulumi"); err == nil {
		return filepath.Abs(p)
	}
	var candidates []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		candidates = append(candidates, filepath.Join(dir, "pulumi"), filepath.Join(dir, "..", "bin", "pulumi"))
	}
	candidates = append(candidates, filepath.Join("bin", "pulumi"))
	for _, c := range candidates {
		if isExecutable(c) {
			return filepath.Abs(c)
		}
	}
	return "", fmt.Errorf("%w: ecsdeck drives the Pulumi CLI %s to provision, and found none on PATH or next to ecsdeck.\n"+
		"  In the ecsdeck source tree, run: make tools   (builds bin/pulumi from its Go module)\n"+
		"  Or install Pulumi %s and put pulumi on PATH, or set ECSDECK_PULUMI to its path", errNoCLI, CLIVersion, CLIVersion)
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// cliRoot returns a directory R with R/bin/pulumi being the CLI at path,
// the layout the Automation API expects, linking it into dir when needed.
func cliRoot(path, dir string) (string, error) {
	if filepath.Base(filepath.Dir(path)) == "bin" && filepath.Base(path) == "pulumi" {
		return filepath.Dir(filepath.Dir(path)), nil
	}
	root := filepath.Join(dir, "cli")
	link := filepath.Join(root, "bin", "pulumi")
	if target, err := os.Readlink(link); err == nil && target == path {
		return root, nil
	}
	if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
		return "", fmt.Errorf("prepare the Pulumi CLI: %w", err)
	}
	os.Remove(link)
	if err := os.Symlink(path, link); err != nil {
		return "", fmt.Errorf("prepare the Pulumi CLI: %w", err)
	}
	return root, nil
}

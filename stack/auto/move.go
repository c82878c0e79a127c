package auto

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// MoveReport says what a move of the state did.
type MoveReport struct {
	// Resources is how many resources the state holds, in both places.
	Resources int
	// Copy is the export of the state as it was, kept on this machine.
	Copy string
}

// MoveTo copies the stack's state into the backend of dst (an engine for
// the same stack elsewhere): it exports it here, keeps the export in a
// file, creates the stack there, imports it, exports it again and checks
// that the same resources came through. The state here is left as it was:
// remove it once the platform runs from its new place.
func (e *Engine) MoveTo(ctx context.Context, dst *Engine) (*MoveReport, error) {
	if e.Backend() == dst.Backend() {
		return nil, fmt.Errorf("%s is already in %s", e.o.Stack, redactURL(dst.Backend()))
	}
	if err := e.checkLocks(); err != nil {
		return nil, err
	}
	src, err := e.open(ctx, false)
	if err != nil {
		return nil, err
	}
	dep, err := src.Export(ctx)
	if err != nil {
		return nil, e.cleanErr("export the state of "+e.o.Stack, err)
	}
	var d deploymentJSON
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		return nil, fmt.Errorf("read the state of %s: %v", e.o.Stack, err)
	}
	if len(d.Pending) > 0 {
		return nil, &PendingError{Stack: e.o.Stack, Pending: d.state().Pending}
	}
	raw, err := json.MarshalIndent(dep, "", "  ")
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(e.o.StateDir, "moved")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keep a copy of the state: %w", unwrapPath(err))
	}
	copyPath := filepath.Join(dir, fmt.Sprintf("%s-%s.json", e.o.Stack, e.o.Now().UTC().Format("20060102-150405")))
	if err := writeFileSync(copyPath, raw); err != nil {
		return nil, fmt.Errorf("keep a copy of the state: %w", err)
	}
	// The stack there is new: it must not hold a platform already.
	if there, err := dst.open(ctx, false); err == nil {
		if got, err := there.Export(ctx); err == nil {
			var dd deploymentJSON
			if json.Unmarshal(got.Deployment, &dd) == nil && len(dd.Resources) > 0 {
				return nil, fmt.Errorf("%s already holds a stack %s with %d resources: nothing was moved", redactURL(dst.Backend()), dst.o.Stack, len(dd.Resources))
			}
		}
	}
	st, err := dst.open(ctx, true)
	if err != nil {
		return nil, err
	}
	if err := st.Import(ctx, apitype.UntypedDeployment{Version: dep.Version, Deployment: dep.Deployment}); err != nil {
		return nil, dst.cleanErr("import the state of "+dst.o.Stack, err)
	}
	back, err := st.Export(ctx)
	if err != nil {
		return nil, dst.cleanErr("read back the moved state of "+dst.o.Stack, err)
	}
	var bd deploymentJSON
	if err := json.Unmarshal(back.Deployment, &bd); err != nil {
		return nil, fmt.Errorf("read back the moved state of %s: %v", dst.o.Stack, err)
	}
	if !slices.Equal(urns(d), urns(bd)) {
		return nil, fmt.Errorf("the moved state of %s does not hold the same resources (%d here, %d there); the state here is unchanged and a copy is in %s",
			e.o.Stack, len(d.Resources), len(bd.Resources), copyPath)
	}
	return &MoveReport{Resources: len(d.Resources), Copy: copyPath}, nil
}

func urns(d deploymentJSON) []string {
	out := make([]string, 0, len(d.Resources))
	for _, r := range d.Resources {
		out = append(out, r.URN)
	}
	slices.Sort(out)
	return out
}

// writeFileSync writes a new file and syncs it before closing.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return unwrapPath(err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

package auto

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	pauto "github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BenchmarkNoChangeUp measures a no-change update of an empty inline
// program as an ecsdeck run does it (a new engine, then Up) against the
// bare Automation API doing the same (UpsertStackInlineSource, then Up),
// on one local backend. scripts/bench.d/60-engine.sh prints the two side
// by side; the target is an overhead of at most 10 %.
func BenchmarkNoChangeUp(b *testing.B) {
	p, err := filepath.Abs("../../bin/pulumi")
	if err != nil || !isExecutable(p) {
		b.Skip("the Pulumi CLI is not at bin/pulumi: run make tools")
	}
	empty := func(*pulumi.Context) error { return nil }
	ctx := context.Background()

	b.Run("engine", func(b *testing.B) {
		dir := b.TempDir()
		b.Setenv(PassphraseEnv, "bench-passphrase")
		newEngine := func() *Engine {
			e, err := New(Options{Stack: "bench", Program: empty, StateDir: dir, CLI: p,
				Config: map[string]string{"aws:region": "eu-west-1"},
				Env:    map[string]string{"PULUMI_HOME": filepath.Join(dir, "home")}})
			if err != nil {
				b.Fatal(err)
			}
			return e
		}
		if _, err := newEngine().Up(ctx, nil); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		var runs int64
		for i := 0; i < b.N; i++ {
			e := newEngine()
			if _, err := e.Up(ctx, nil); err != nil {
				b.Fatal(err)
			}
			runs += e.CLIRuns()
		}
		b.ReportMetric(float64(runs)/float64(b.N), "cli-runs/op")
	})

	b.Run("bare", func(b *testing.B) {
		dir := b.TempDir()
		state := filepath.Join(dir, "state")
		work := filepath.Join(dir, "work")
		for _, d := range []string{state, work} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				b.Fatal(err)
			}
		}
		env := map[string]string{"PULUMI_BACKEND_URL": "file://" + state, PassphraseEnv: "bench-passphrase",
			"PULUMI_HOME": filepath.Join(dir, "home"), "PULUMI_SKIP_UPDATE_CHECK": "true"}
		up := func() {
			// NOTE: a new command each time, as New makes one per ecsdeck run.
			cmd, err := pauto.NewPulumiCommand(&pauto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(p))})
			if err != nil {
				b.Fatal(err)
			}
			st, err := pauto.UpsertStackInlineSource(ctx, "bench", "ecsdeck", empty,
				pauto.WorkDir(work), pauto.Pulumi(cmd), pauto.SecretsProvider("passphrase"), pauto.EnvVars(env))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := st.Up(ctx, optup.Color("never")); err != nil {
				b.Fatal(err)
			}
		}
		up()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			up()
		}
	})
}

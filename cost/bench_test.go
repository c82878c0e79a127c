package cost_test

import (
	"testing"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

// benchSpec is the largest example: two tiers, Spot weights, autoscaling,
// pipelines, an S3 frontend, SSM placeholders and a domain.
func benchSpec(b *testing.B) *profiles.Spec {
	b.Helper()
	a, err := profiles.Load("../examples/two-tier-s3-bluegreen.yaml")
	if err != nil {
		b.Fatal(err)
	}
	return a.Spec
}

// BenchmarkEstimate is the full itemised estimate the cost command prints.
func BenchmarkEstimate(b *testing.B) {
	s, prices, a := benchSpec(b), cost.Shipped(), cost.DefaultAssumptions()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cost.Estimate(s, prices, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuick is the running total the wizard asks for on a keystroke;
// it reports µs/keystroke (the target is well under 1,000).
func BenchmarkQuick(b *testing.B) {
	s := benchSpec(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		s.Backend.DesiredCount = 2 + n%3 // a changing answer, as while typing
		s.Backend.Autoscaling.Max = 6
		if _, ok := cost.Quick(s); !ok {
			b.Fatal("no estimate")
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/keystroke")
}

package cost

import (
	"sync"

	"ecsdeck/profiles"
)

// shipped is the embedded table, parsed once and never changed, for Quick.
var shipped = sync.OnceValue(Shipped)

// Glance is the estimate at a glance: what the wizard shows beside its
// questions as they are answered.
type Glance struct {
	// Monthly is the total at the desired counts; Min and Max the range
	// at the autoscaling minimum and maximum.
	Monthly, Min, Max float64
	// Unpriced counts the lines without a price in the region (left out
	// of the totals, never guessed).
	Unpriced int
	// NotPriced names those parts, to show next to the total ("not priced
	// in eu-south-2: RDS db.t4g.micro, CodeBuild"); empty when none.
	NotPriced string
}

// Quick is the running estimate of spec from the shipped prices and the
// default assumptions. ok is false when there is nothing to show: no spec,
// or one that costs nothing the table knows. It costs a few microseconds
// a keystroke (BenchmarkQuick).
func Quick(spec *profiles.Spec) (g Glance, ok bool) {
	e, err := Estimate(spec, shipped(), DefaultAssumptions())
	if err != nil || e.Total <= 0 {
		return Glance{}, false
	}
	return Glance{Monthly: e.Total, Min: e.Min, Max: e.Max, Unpriced: e.Unpriced, NotPriced: e.NotPriced()}, true
}

package cost

import (
	"sync"

	"ecsdeck/profiles"
)

// shipped is the embedded table, parsed once and never changed, for Quick.
var shipped = sync.OnceValue(Shipped)

// Quick returns the monthly total of spec at its desired counts, from the
// shipped prices and the default assumptions, for a running estimate beside
// questions as they are answered. ok is false when there is no estimate to
// show: no spec, or a line of it has no price in spec's region. It costs a
// few microseconds (BenchmarkQuick).
func Quick(spec *profiles.Spec) (monthly float64, ok bool) {
	e, err := Estimate(spec, shipped(), DefaultAssumptions())
	if err != nil || e.Unpriced > 0 {
		return 0, false
	}
	return e.Total, true
}

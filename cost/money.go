package cost

import (
	"math"
	"strconv"
)

// Money formats a USD amount for display: two decimals, rounded half away
// from zero. Amounts are kept unrounded everywhere else.
func Money(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
}

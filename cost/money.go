package cost

import "ecsdeck/words"

// Money formats a USD amount for display: two decimals, rounded half away
// from zero. Amounts are kept unrounded everywhere else.
func Money(v float64) string { return words.Money(v) }

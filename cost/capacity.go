package cost

// SpotSplit returns how ECS places n tasks of a service whose capacity
// provider strategy is FARGATE_SPOT with base and spotWeight, and FARGATE
// with onDemandWeight: the base tasks go to Spot first, and the rest are
// shared in proportion to the weights.
//
// NOTE: ECS places the tasks after the base one at a time on the provider
// furthest below its weighted share; when a task is left over after the
// exact shares, it goes to the provider with the larger remainder, and a tie
// goes to on-demand FARGATE, so that the estimate errs on the high side.
// A provider with weight 0 gets no tasks beyond its base.
func SpotSplit(n, base, spotWeight, onDemandWeight int) (spot, onDemand int) {
	if n <= 0 {
		return 0, 0
	}
	base = max(base, 0)
	if n <= base {
		return n, 0
	}
	spot = base
	rest := n - base
	sw, ow := max(spotWeight, 0), max(onDemandWeight, 0)
	w := sw + ow
	if w == 0 {
		// An invalid strategy (validation refuses it); count the rest on
		// demand rather than pretend they are free or Spot.
		return spot, rest
	}
	s, rs := rest*sw/w, rest*sw%w
	o, ro := rest*ow/w, rest*ow%w
	if s+o < rest {
		if rs > ro {
			s++
		} else {
			o++
		}
	}
	return spot + s, o
}

package cost_test

import (
	"testing"

	"ecsdeck/cost"
)

func TestSpotSplitFollowsBaseThenWeights(t *testing.T) {
	tests := []struct {
		name                    string
		n, base, spotW, demandW int
		spot, onDemand          int
	}{
		{"no tasks", 0, 1, 100, 1, 0, 0},
		{"the default strategy: one task is the base", 1, 1, 100, 1, 1, 0},
		{"the default strategy: the second task goes by weight 100:1", 2, 1, 100, 1, 2, 0},
		{"fewer tasks than the base", 3, 5, 1, 1, 3, 0},
		{"ECS's example: weights 1:4 give one task in five", 5, 0, 1, 4, 1, 4},
		{"weights 1:4 with 4 tasks: the left-over task goes to the larger remainder", 4, 0, 1, 4, 1, 3},
		{"equal weights and an odd rest: the tie goes on-demand", 5, 0, 1, 1, 2, 3},
		{"base 1, weights 3:1, 4 tasks", 4, 1, 3, 1, 3, 1},
		{"base 1, weights 3:1, 6 tasks", 6, 1, 3, 1, 5, 1},
		{"base 2 on a Spot weight of 0: only the base on Spot", 3, 2, 0, 1, 2, 1},
		{"on-demand only", 10, 0, 0, 1, 0, 10},
		{"Spot only", 10, 0, 1, 0, 10, 0},
		{"both weights 0 (invalid): the rest counted on-demand", 3, 1, 0, 0, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a capacity provider strategy and a task count
			// WHEN ECS places the tasks
			spot, onDemand := cost.SpotSplit(tt.n, tt.base, tt.spotW, tt.demandW)
			// THEN the base goes to Spot first and the rest by weight
			if spot != tt.spot || onDemand != tt.onDemand {
				t.Errorf("SpotSplit(%d, base %d, %d:%d) = %d Spot + %d on-demand, want %d + %d",
					tt.n, tt.base, tt.spotW, tt.demandW, spot, onDemand, tt.spot, tt.onDemand)
			}
		})
	}
}

func TestSpotSplitPlacesEveryTask(t *testing.T) {
	// GIVEN every small strategy
	for n := 0; n <= 40; n++ {
		for base := 0; base <= 3; base++ {
			for sw := 0; sw <= 5; sw++ {
				for ow := 0; ow <= 5; ow++ {
					// WHEN the tasks are placed
					s, o := cost.SpotSplit(n, base, sw, ow)
					// THEN none is lost or made up, and the weights hold to a task
					if s+o != n || s < 0 || o < 0 {
						t.Fatalf("SpotSplit(%d, %d, %d, %d) = %d + %d", n, base, sw, ow, s, o)
					}
					if rest := n - min(n, base); sw+ow > 0 && rest > 0 {
						exact := float64(rest*sw) / float64(sw+ow)
						if d := float64(s-min(n, base)) - exact; d <= -1 || d >= 1 {
							t.Fatalf("SpotSplit(%d, %d, %d, %d): %d on Spot beyond the base, exact share %.2f", n, base, sw, ow, s-min(n, base), exact)
						}
					}
				}
			}
		}
	}
}

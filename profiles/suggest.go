package profiles

import (
	"slices"
	"strings"
	"unicode"
)

// suggest returns the candidate closest to word, or "" when none is close:
// a case or separator slip (vpc_id, VPCID) or a small typo.
func suggest(word string, candidates []string) string {
	if len(word) > 2*maxQuoted {
		return "" // no candidate is near, and the distance would cost its square
	}
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '_' || r == '-' || r == ' ' {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	nw := norm(word)
	best, bestDist := "", 1<<30
	for _, c := range sortedStrings(candidates) {
		if norm(c) == nw {
			return c
		}
		if d := levenshtein(nw, norm(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := 2
	if len(nw) > 8 {
		limit = 3
	}
	if bestDist <= limit && bestDist < len(nw) {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

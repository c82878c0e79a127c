package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
)

//go:embed prices.json
var shippedJSON []byte

// PriceTable holds on-demand unit prices in USD by region and price key
// (such as "fargate.x86_64.vcpu-hour" or "ec2.t3.small.hour"). Global holds
// the prices that are the same in every region; a region's own price wins.
type PriceTable struct {
	// AsOf is when the prices were taken, e.g. "2025-01".
	AsOf string `json:"asOf"`
	// Source says where they come from.
	Source string `json:"source"`
	// Note says how the table was made and how to check it.
	Note     string                 `json:"note,omitempty"`
	Currency string                 `json:"currency"`
	Global   map[string]float64     `json:"global"`
	Regions  map[string]RegionTable `json:"regions"`
}

// RegionTable is one region's prices. SameAs names a region whose prices
// this one shares in full (us-east-2 and us-west-2 are priced as us-east-1).
type RegionTable struct {
	SameAs string             `json:"sameAs,omitempty"`
	Prices map[string]float64 `json:"prices,omitempty"`
}

// Shipped returns the price table built into ecsdeck. Each call returns a
// fresh copy, so a caller may change it.
func Shipped() *PriceTable {
	t, err := ParsePrices(shippedJSON)
	if err != nil {
		// NOTE: the file is embedded and checked by the tests; a failure here
		// is a broken build, not an input a person can fix.
		panic(fmt.Sprintf("cost: the embedded price table does not load: %v", err))
	}
	return t
}

// ParsePrices reads a price table in the shape of the embedded prices.json
// and resolves every sameAs, so that each region holds its own prices.
func ParsePrices(b []byte) (*PriceTable, error) {
	var t PriceTable
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("read price table: %w", err)
	}
	if t.Currency != "USD" {
		return nil, fmt.Errorf("read price table: currency %q (ecsdeck estimates in USD)", t.Currency)
	}
	for code, r := range t.Regions {
		if r.SameAs == "" {
			continue
		}
		src, ok := t.Regions[r.SameAs]
		if !ok || src.SameAs != "" {
			return nil, fmt.Errorf("read price table: region %s is sameAs %q, which is not a region with its own prices", code, r.SameAs)
		}
		merged := maps.Clone(src.Prices)
		maps.Copy(merged, r.Prices)
		t.Regions[code] = RegionTable{Prices: merged}
	}
	for code, r := range t.Regions {
		if r.Prices == nil {
			t.Regions[code] = RegionTable{Prices: map[string]float64{}}
		}
		for k, v := range t.Regions[code].Prices {
			if v < 0 {
				return nil, fmt.Errorf("read price table: %s %s is negative (%g)", code, k, v)
			}
		}
	}
	if t.Global == nil {
		t.Global = map[string]float64{}
	}
	return &t, nil
}

// Price returns the unit price of key in region, and whether the table has
// one. A region that is not in the table has no prices at all, not even the
// global ones: ecsdeck does not know that it is priced like the others.
func (t *PriceTable) Price(region, key string) (float64, bool) {
	r, ok := t.Regions[region]
	if !ok {
		return 0, false
	}
	if p, ok := r.Prices[key]; ok {
		return p, true
	}
	p, ok := t.Global[key]
	return p, ok
}

// Set records a price for a region (a live price replacing a shipped one).
func (t *PriceTable) Set(region, key string, price float64) {
	r, ok := t.Regions[region]
	if !ok || r.Prices == nil {
		r = RegionTable{Prices: map[string]float64{}}
	}
	r.Prices[key] = price
	t.Regions[region] = r
}

// Clone returns a deep copy of t.
func (t *PriceTable) Clone() *PriceTable {
	c := *t
	c.Global = maps.Clone(t.Global)
	c.Regions = make(map[string]RegionTable, len(t.Regions))
	for code, r := range t.Regions {
		c.Regions[code] = RegionTable{SameAs: r.SameAs, Prices: maps.Clone(r.Prices)}
	}
	return &c
}

// RegionCodes lists the regions of the table, sorted.
func (t *PriceTable) RegionCodes() []string {
	out := make([]string, 0, len(t.Regions))
	for code := range t.Regions {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

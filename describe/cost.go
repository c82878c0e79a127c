package describe

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"ecsdeck/cost"
	"ecsdeck/words"
)

// CostOptions say how an estimate was asked for.
type CostOptions struct {
	// Live is true when the Price List API was asked (checks then say what changed).
	Live bool
	// SpotDiscountPercent is the Spot discount as the person gave it.
	SpotDiscountPercent float64
}

// Cost prints an estimate as a table a person reads: each line with
// its unit price, quantity and monthly amount, its assumption below it,
// subtotals per component, the total and its range, then the assumptions
// and, with live prices, what changed.
func Cost(w io.Writer, b *cost.Breakdown, o CostOptions, checks []cost.Check) {
	type row struct{ item, price, qty, monthly, note string }
	var rows []row
	var comps []string
	sub := map[string][3]float64{}
	for _, l := range b.Lines {
		if _, ok := sub[l.Component]; !ok {
			comps = append(comps, l.Component)
		}
		s := sub[l.Component]
		if l.NoPrice == "" {
			s[0], s[1], s[2] = s[0]+l.Monthly, s[1]+l.MinMonthly, s[2]+l.MaxMonthly
		}
		sub[l.Component] = s
		unit := l.Unit
		if l.PriceKey == "" && l.Quantity != 1 {
			unit += "s" // a count of things (gateways, parameters), not a unit of measure
		}
		r := row{item: l.Item, qty: costQty(l.Quantity) + " " + unit, monthly: cost.Money(l.Monthly), note: l.Assumption}
		switch {
		case l.NoPrice != "":
			r.price, r.monthly = "-", l.NoPrice
		case l.PriceKey == "":
			r.price = "free"
		default:
			r.price = costUnitPrice(l.UnitPrice) + " /" + l.Unit
		}
		rows = append(rows, r)
	}
	wItem, wPrice, wQty, wMonthly := len("ITEM"), len("UNIT PRICE"), len("QUANTITY"), len("USD/MONTH")
	for _, r := range rows {
		wItem = max(wItem, len([]rune(r.item))+2)
		wPrice, wQty, wMonthly = max(wPrice, len(r.price)), max(wQty, len(r.qty)), max(wMonthly, len(r.monthly))
	}
	line := func(item, price, q, m string) {
		fmt.Fprintf(w, "%s%s  %*s  %*s  %*s\n", item, strings.Repeat(" ", max(wItem-len([]rune(item)), 0)), wPrice, price, wQty, q, wMonthly, m)
	}
	kind := "on-demand"
	if o.Live {
		kind = "live on-demand"
	}
	fmt.Fprintf(w, "Monthly estimate for %s in %s (USD, %s prices of %s)\n\n", b.Name, b.Region, kind, b.PricesAsOf)
	line("ITEM", "UNIT PRICE", "QUANTITY", "USD/MONTH")
	i := 0
	for _, c := range comps {
		s := sub[c]
		head := c
		if costCents(s[1]) != costCents(s[0]) || costCents(s[2]) != costCents(s[0]) {
			head += fmt.Sprintf(" (min %s, max %s)", cost.Money(s[1]), cost.Money(s[2]))
		}
		line(head, "", "", cost.Money(s[0]))
		for ; i < len(rows) && b.Lines[i].Component == c; i++ {
			r := rows[i]
			line("  "+r.item, r.price, r.qty, r.monthly)
			for _, n := range words.Wrap(r.note, 96) {
				fmt.Fprintf(w, "      %s\n", n)
			}
		}
	}
	fmt.Fprintln(w)
	partial := ""
	if np := b.NotPriced(); np != "" {
		partial = " + " + np
	}
	fmt.Fprintf(w, "Total at the desired counts:             %s USD a month%s\n", cost.Money(b.Total), partial)
	fmt.Fprintf(w, "At the autoscaling minimum and maximum:  %s to %s USD a month\n", cost.Money(b.Min), cost.Money(b.Max))
	fmt.Fprintln(w)
	a := b.Assumptions
	fmt.Fprintln(w, "Assumptions (change them with the flags):")
	for _, s := range []string{
		fmt.Sprintf("%s hours a month (--hours); Spot %s %% below on-demand (--spot-discount); %s LCU on average (--lcu)", costQty(a.HoursPerMonth), costQty(o.SpotDiscountPercent), costQty(a.LCUs)),
		fmt.Sprintf("%s GB of logs a month (--log-gb); %s GB of images per ECR repository (--image-gb); %s GB in the artifacts bucket (--artifacts-gb); %s GB per EFS file system created (--efs-gb)", costQty(a.LogGB), costQty(a.ImageGB), costQty(a.ArtifactsGB), costQty(a.EFSGB)),
		fmt.Sprintf("%s releases a month per pipeline (--releases), %s build minutes each (--build-minutes), %s minutes to deploy (--deploy-minutes)", costQty(a.Releases), costQty(a.BuildMinutes), costQty(a.DeployMinutes)),
		fmt.Sprintf("S3 frontend: %s GB (--cdn-gb) and %s HTTPS requests (--cdn-requests) a month through CloudFront, a %s GB site (--site-gb)", costQty(a.CDNGB), costGrouped(a.CDNRequests), costQty(a.SiteGB)),
	} {
		costPara(w, "  - ", s)
	}
	costPara(w, "Prices: ", fmt.Sprintf("%s; as of %s.", b.PriceSource, b.PricesAsOf))
	for _, n := range b.Notes {
		costPara(w, "Note: ", n)
	}
	if o.Live {
		CostChecks(w, checks)
	}
}

// CostChecks says which prices the Price List API changed, filled in or
// could not find.
func CostChecks(w io.Writer, checks []cost.Check) {
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Live prices (AWS Price List API, %s):\n", cost.PricingRegion)
	same := 0
	for _, c := range checks {
		items := strings.Join(c.Items, ", ")
		switch {
		case c.Changed() && c.HasShipped:
			fmt.Fprintf(w, "  changed    %s: %s, was %s (%s)\n", items, costUnitPrice(c.Live), costUnitPrice(c.Shipped), c.Key)
		case c.Changed():
			fmt.Fprintf(w, "  filled in  %s: %s, not in the shipped table (%s)\n", items, costUnitPrice(c.Live), c.Key)
		case !c.Found:
			fmt.Fprintf(w, "  not found  %s: %s (%s)\n", items, c.Problem, c.Key)
		default:
			same++
		}
	}
	fmt.Fprintf(w, "  %d %s as shipped.\n", same, words.Plural(same, "price is", "prices are"))
}

func costCents(v float64) int64 { return int64(math.Round(v * 100)) }

// costUnitPrice shows a unit price with up to 6 decimals.
func costUnitPrice(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

// costQty shows a quantity with up to 2 decimals.
func costQty(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// costPara prints text wrapped at 100 columns after prefix, with the
// following lines indented as far as the prefix.
func costPara(w io.Writer, prefix, text string) {
	for i, l := range words.Wrap(text, 100-len(prefix)) {
		if i == 0 {
			fmt.Fprintf(w, "%s%s\n", prefix, l)
		} else {
			fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", len(prefix)), l)
		}
	}
}

// costGrouped shows a whole number with thousands separators.
func costGrouped(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

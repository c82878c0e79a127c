package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"ecsdeck/cost"
	"ecsdeck/profiles"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/spf13/cobra"
)

// costFlags are the cost command's options: the usage baselines of
// cost.Assumptions, with the Spot discount in percent.
type costFlags struct {
	asJSON       bool
	live         bool
	spotDiscount float64
	a            cost.Assumptions
}

func (a *app) costCommand() *cobra.Command {
	var t target
	f := costFlags{a: cost.DefaultAssumptions()}
	f.spotDiscount = f.a.SpotDiscount * 100
	cmd := &cobra.Command{
		Use:     "cost [--answers FILE | --profile NAME]",
		Short:   "Estimate the platform's monthly cost before it is created",
		GroupID: "setup",
		Long: `Estimate what the platform costs a month, line by line: each line shows its
unit price, quantity and the assumption behind it, so you can check it. The
total is at the desired task and instance counts, with the range at the
autoscaling minimum and maximum.

Prices come from a table shipped with ecsdeck (on-demand, USD, before tax and
free tiers; it says when it was taken). --live-prices asks the AWS Price List
API instead and says which lines changed; it needs AWS credentials. A price
the table does not have for the region is said on its line, never guessed.

Usage that the answers do not say (releases, logs, traffic) is a stated
baseline; change it with the flags below.`,
		Example: `  ecsdeck cost --answers examples/single-fargate.yaml
  ecsdeck cost --profile shop-prod --releases 60 --log-gb 20
  ecsdeck cost --answers prod.yaml --json --live-prices`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			ans, err := a.load(&t)
			if err != nil {
				return err
			}
			return a.runCost(cmd.Context(), ans.Spec, f)
		},
	}
	t.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.asJSON, "json", false, "print one JSON object on stdout (amounts in USD a month, as numbers)")
	fl.BoolVar(&f.live, "live-prices", false, "ask the AWS Price List API for the prices and say which lines changed (needs AWS credentials)")
	fl.Var((*plainFloat)(&f.a.HoursPerMonth), "hours", "hours a month that always-on resources run")
	fl.Var((*plainFloat)(&f.spotDiscount), "spot-discount", "percent Fargate Spot and EC2 Spot cost below on-demand")
	fl.Var((*plainFloat)(&f.a.LCUs), "lcu", "load balancer capacity units used on average")
	fl.Var((*plainFloat)(&f.a.LogGB), "log-gb", "GB of logs ingested a month, all services")
	fl.Var((*plainFloat)(&f.a.Releases), "releases", "releases a month through each pipeline")
	fl.Var((*plainFloat)(&f.a.BuildMinutes), "build-minutes", "minutes one build takes")
	fl.Var((*plainFloat)(&f.a.DeployMinutes), "deploy-minutes", "minutes a rolling deploy takes to settle")
	fl.Var((*plainFloat)(&f.a.ImageGB), "image-gb", "GB of images kept in each ECR repository")
	fl.Var((*plainFloat)(&f.a.CDNGB), "cdn-gb", "GB a month CloudFront serves (S3 frontend)")
	fl.Var((*plainFloat)(&f.a.CDNRequests), "cdn-requests", "HTTPS requests a month CloudFront serves (S3 frontend)")
	fl.Var((*plainFloat)(&f.a.SiteGB), "site-gb", "GB of static site in S3 (S3 frontend)")
	fl.Var((*plainFloat)(&f.a.ArtifactsGB), "artifacts-gb", "GB kept in the artifacts bucket")
	return cmd
}

// plainFloat is a float64 flag whose default --help shows as written
// (1000000, not 1e+06).
type plainFloat float64

func (f *plainFloat) String() string { return strconv.FormatFloat(float64(*f), 'f', -1, 64) }

// Set parses a number.
func (f *plainFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = plainFloat(v)
	return nil
}

// Type names the kind of value for --help and flag errors.
func (f *plainFloat) Type() string { return "float64" }

// check refuses a baseline that cannot be used, naming its flag.
func (f *costFlags) check() error {
	for _, v := range []struct {
		flag string
		v    float64
	}{
		{"hours", f.a.HoursPerMonth}, {"lcu", f.a.LCUs}, {"log-gb", f.a.LogGB}, {"releases", f.a.Releases},
		{"build-minutes", f.a.BuildMinutes}, {"deploy-minutes", f.a.DeployMinutes}, {"image-gb", f.a.ImageGB},
		{"cdn-gb", f.a.CDNGB}, {"cdn-requests", f.a.CDNRequests}, {"site-gb", f.a.SiteGB}, {"artifacts-gb", f.a.ArtifactsGB},
	} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) || v.v < 0 {
			return usageError("--%s: %g is not allowed (a number of 0 or more)", v.flag, v.v)
		}
	}
	if f.a.HoursPerMonth > 744 {
		return usageError("--hours: %g is more than a month has (at most 744)", f.a.HoursPerMonth)
	}
	if math.IsNaN(f.spotDiscount) || f.spotDiscount < 0 || f.spotDiscount >= 100 {
		return usageError("--spot-discount: %g is not allowed (a percent from 0 to below 100)", f.spotDiscount)
	}
	f.a.SpotDiscount = f.spotDiscount / 100
	return nil
}

// costJSON is the --json shape: the estimate, whether live prices were
// asked for, and what the Price List API said about each price.
type costJSON struct {
	*cost.Breakdown
	LivePrices bool         `json:"livePrices"`
	Checks     []cost.Check `json:"checks,omitempty"`
}

func (a *app) runCost(ctx context.Context, spec *profiles.Spec, f costFlags) error {
	prices := cost.Shipped()
	b, err := cost.Estimate(spec, prices, f.a)
	if err != nil {
		return err
	}
	var checks []cost.Check
	if f.live {
		api, err := a.pricingClient(ctx, spec)
		if err != nil {
			return err
		}
		live, cs, err := cost.CheckBreakdown(ctx, api, prices, b)
		if err != nil {
			if ctx.Err() != nil {
				return errInterrupted
			}
			// NOTE: an unreachable API fails every price alike: say it once.
			return fmt.Errorf("%w\nRun without --live-prices to use the prices shipped with ecsdeck (of %s).", unreachable(err), prices.AsOf)
		}
		checks = cs
		if b, err = cost.Estimate(spec, live, f.a); err != nil {
			return err
		}
		b.PricesAsOf = time.Now().UTC().Format(time.DateOnly)
		b.PriceSource = "AWS Price List API (GetProducts), on-demand, USD, before tax, free tiers, Savings Plans and Reserved Instances; the shipped table where a price was not found"
	}
	if f.asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(costJSON{Breakdown: b, LivePrices: f.live, Checks: checks})
	}
	writeCost(a.stdout, b, f, checks)
	return nil
}

// pricingClient is a Price List API client in its own region, with the
// platform's AWS profile. AWS_ENDPOINT_URL_PRICING (or AWS_ENDPOINT_URL)
// points it elsewhere.
func (a *app) pricingClient(ctx context.Context, spec *profiles.Spec) (*pricing.Client, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(cost.PricingRegion)}
	if spec.AWSProfile != "" {
		opts = append(opts, config.WithSharedConfigProfile(spec.AWSProfile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration for the Price List API: %w (run without --live-prices to use the shipped prices)", err)
	}
	return pricing.NewFromConfig(cfg), nil
}

// writeCost prints an estimate as a table a person reads: each line with
// its unit price, quantity and monthly amount, its assumption below it,
// subtotals per component, the total and its range, then the assumptions
// and, with live prices, what changed.
func writeCost(w io.Writer, b *cost.Breakdown, f costFlags, checks []cost.Check) {
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
	if f.live {
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
			for _, n := range costWrap(r.note, 96) {
				fmt.Fprintf(w, "      %s\n", n)
			}
		}
	}
	fmt.Fprintln(w)
	partial := ""
	if b.Unpriced > 0 {
		partial = fmt.Sprintf(", without the %d %s that have no price", b.Unpriced, plural(b.Unpriced, "line", "lines"))
	}
	fmt.Fprintf(w, "Total at the desired counts:             %s USD a month%s\n", cost.Money(b.Total), partial)
	fmt.Fprintf(w, "At the autoscaling minimum and maximum:  %s to %s USD a month\n", cost.Money(b.Min), cost.Money(b.Max))
	fmt.Fprintln(w)
	a := b.Assumptions
	fmt.Fprintln(w, "Assumptions (change them with the flags):")
	for _, s := range []string{
		fmt.Sprintf("%s hours a month (--hours); Spot %s %% below on-demand (--spot-discount); %s LCU on average (--lcu)", costQty(a.HoursPerMonth), costQty(f.spotDiscount), costQty(a.LCUs)),
		fmt.Sprintf("%s GB of logs a month (--log-gb); %s GB of images per ECR repository (--image-gb); %s GB in the artifacts bucket (--artifacts-gb)", costQty(a.LogGB), costQty(a.ImageGB), costQty(a.ArtifactsGB)),
		fmt.Sprintf("%s releases a month per pipeline (--releases), %s build minutes each (--build-minutes), %s minutes to deploy (--deploy-minutes)", costQty(a.Releases), costQty(a.BuildMinutes), costQty(a.DeployMinutes)),
		fmt.Sprintf("S3 frontend: %s GB (--cdn-gb) and %s HTTPS requests (--cdn-requests) a month through CloudFront, a %s GB site (--site-gb)", costQty(a.CDNGB), costGrouped(a.CDNRequests), costQty(a.SiteGB)),
	} {
		costPara(w, "  - ", s)
	}
	costPara(w, "Prices: ", fmt.Sprintf("%s; as of %s.", b.PriceSource, b.PricesAsOf))
	for _, n := range b.Notes {
		costPara(w, "Note: ", n)
	}
	if f.live {
		writeCostChecks(w, checks)
	}
}

// writeCostChecks says which prices the Price List API changed, filled in or
// could not find.
func writeCostChecks(w io.Writer, checks []cost.Check) {
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
	fmt.Fprintf(w, "  %d %s as shipped.\n", same, plural(same, "price is", "prices are"))
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
	for i, l := range costWrap(text, 100-len(prefix)) {
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

// costWrap breaks text into lines of at most width runes, at spaces.
func costWrap(text string, width int) []string {
	var out []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && len([]rune(cur.String()))+1+len([]rune(word)) > width {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/spf13/cobra"

	"ecsdeck/cost"
	"ecsdeck/describe"
	"ecsdeck/ops"
	"ecsdeck/profiles"
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
	fl.Var((*plainFloat)(&f.a.EFSGB), "efs-gb", "GB in each EFS file system ecsdeck creates")
	fl.Var((*plainFloat)(&f.a.JobMinutes), "job-minutes", "minutes an average run of a scheduled job takes")
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
		{"cdn-gb", f.a.CDNGB}, {"cdn-requests", f.a.CDNRequests}, {"site-gb", f.a.SiteGB}, {"artifacts-gb", f.a.ArtifactsGB}, {"efs-gb", f.a.EFSGB},
		{"job-minutes", f.a.JobMinutes},
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
	if err := f.a.Check(); err != nil {
		return usageError("%v", err)
	}
	return nil
}

// costJSON is the --json shape: the estimate, whether live prices were
// asked for, and what the Price List API said about each price.
type costJSON struct {
	*cost.Breakdown
	LivePrices bool         `json:"livePrices"`
	Checks     []cost.Check `json:"checks,omitempty"`
	// UnpricedParts names what the total leaves out, as the table says it
	// beside the total (each line still has its noPrice).
	UnpricedParts []string `json:"unpricedParts"`
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
			return fmt.Errorf("%w\n%s", ops.Explain(err), "Run without --live-prices to use the prices shipped with ecsdeck (of "+prices.AsOf+").")
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
		parts := cost.UnpricedParts(b.Lines)
		if parts == nil {
			parts = []string{}
		}
		return enc.Encode(costJSON{Breakdown: b, LivePrices: f.live, Checks: checks, UnpricedParts: parts})
	}
	describe.Cost(a.stdout, b, describe.CostOptions{Live: f.live, SpotDiscountPercent: f.spotDiscount}, checks)
	return nil
}

// pricingClient is a Price List API client in its own region, with the
// platform's AWS profile. AWS_ENDPOINT_URL_PRICING (or AWS_ENDPOINT_URL)
// points it elsewhere.
func (a *app) pricingClient(ctx context.Context, spec *profiles.Spec) (*pricing.Client, error) {
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: cost.PricingRegion, Profile: spec.AWSProfile})
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration for the Price List API: %w (run without --live-prices to use the shipped prices)", err)
	}
	return pricing.NewFromConfig(cfg), nil
}

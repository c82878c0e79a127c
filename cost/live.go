package cost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// PricingRegion is where the AWS Price List API answers.
const PricingRegion = "us-east-1"

// maxPages bounds the pages read for one price, so that a filter that
// matches too much cannot read the whole catalogue.
const maxPages = 20

// Check is what the AWS Price List API says about one price an estimate
// uses, beside the shipped price.
type Check struct {
	Key string `json:"key"`
	// Items are the estimate lines that use the price.
	Items []string `json:"items"`
	// Shipped is the price in the shipped table, when it has one.
	Shipped    float64 `json:"shipped"`
	HasShipped bool    `json:"hasShipped"`
	// Live is the price the Price List API returned, when Found.
	Live  float64 `json:"live"`
	Found bool    `json:"found"`
	// Problem says why there is no live price.
	Problem string `json:"problem,omitempty"`
}

// Changed says whether the live price differs from the shipped one (or
// fills a price the table did not have).
func (c Check) Changed() bool {
	return c.Found && (!c.HasShipped || math.Abs(c.Live-c.Shipped) > 1e-9)
}

// LivePrices asks the AWS Price List API (GetProducts) for each key's price
// in region and returns a copy of table with the prices it found, and one
// Check per key, in keys' order. A price it cannot find keeps the shipped
// one and says why; an API error (no credentials, no network) ends it.
func LivePrices(ctx context.Context, api pricing.GetProductsAPIClient, table *PriceTable, region string, keys []string) (*PriceTable, []Check, error) {
	out := table.Clone()
	checks := make([]Check, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, key := range keys {
		c := Check{Key: key}
		c.Shipped, c.HasShipped = table.Price(region, key)
		checks[i] = c
		q, ok := productQuery(region, key)
		if !ok {
			checks[i].Problem = "not looked up: ecsdeck knows no Price List product for it"
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			price, problem, err := q.lookup(ctx, api)
			if err != nil {
				errs[i] = fmt.Errorf("ask the AWS Price List API for %s in %s: %w", key, region, err)
				return
			}
			checks[i].Live, checks[i].Found, checks[i].Problem = price, problem == "", problem
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	for _, c := range checks {
		if c.Found {
			out.Set(region, c.Key, c.Live)
		}
	}
	return out, checks, nil
}

// PriceKeys lists the distinct price keys of an estimate's lines, in line
// order, with the items that use each.
func PriceKeys(b *Breakdown) (keys []string, items map[string][]string) {
	items = map[string][]string{}
	for _, l := range b.Lines {
		if l.PriceKey == "" {
			continue
		}
		if _, ok := items[l.PriceKey]; !ok {
			keys = append(keys, l.PriceKey)
		}
		items[l.PriceKey] = append(items[l.PriceKey], l.Item)
	}
	return keys, items
}

// query finds one price in the Price List: the products of a service that
// match filters (TERM_MATCH), then the one whose usage type is usage.
type query struct {
	service string
	filters [][2]string
	// usage is the usage type without its region prefix (USE1-, EU-, ...);
	// with exact, the whole usage type; with suffix, its end.
	usage  string
	exact  bool
	suffix bool
	// desc, when set, is text the price dimension's description holds
	// instead of a usage type.
	desc string
	// scale converts the Price List unit to the table's (10,000 requests).
	scale float64
}

// The patterns of live prices compile on first use: start-up pays for none.
var (
	reRegionPrefix = lazyRegexp(`^[A-Z]{2,4}[0-9]?-`)
	reEC2Key       = lazyRegexp(`^ec2\.([a-z0-9-]+\.[a-z0-9]+)\.hour$`)
	reRDSKey       = lazyRegexp(`^rds\.(mysql|postgres)\.(db\.[a-z0-9]+\.[a-z0-9]+)\.hour$`)
	reBuildKey     = lazyRegexp(`^codebuild\.(x86_64|arm64)\.BUILD_GENERAL1_([A-Z0-9]+)\.minute$`)
)

func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// productQuery maps a price key to its Price List product.
func productQuery(region, key string) (query, bool) {
	in := func(service string, filters ...[2]string) query {
		return query{service: service, filters: append([][2]string{{"regionCode", region}}, filters...), scale: 1}
	}
	family := func(f string) [2]string { return [2]string{"productFamily", f} }
	fargate := map[string]string{
		"fargate.x86_64.vcpu-hour": "Fargate-vCPU-Hours:perCPU",
		"fargate.x86_64.gb-hour":   "Fargate-GB-Hours",
		"fargate.arm64.vcpu-hour":  "Fargate-ARM-vCPU-Hours:perCPU",
		"fargate.arm64.gb-hour":    "Fargate-ARM-GB-Hours",
		"fargate.storage.gb-hour":  "Fargate-EphemeralStorage-GB-Hours",
	}
	if u, ok := fargate[key]; ok {
		q := in("AmazonECS", family("Compute"))
		q.usage = u
		return q, true
	}
	if m := reEC2Key().FindStringSubmatch(key); m != nil {
		q := in("AmazonEC2", [2]string{"instanceType", m[1]}, [2]string{"operatingSystem", "Linux"}, [2]string{"tenancy", "Shared"},
			[2]string{"preInstalledSw", "NA"}, [2]string{"capacitystatus", "Used"}, [2]string{"licenseModel", "No License required"})
		q.usage = "BoxUsage:" + m[1]
		return q, true
	}
	if m := reRDSKey().FindStringSubmatch(key); m != nil {
		engine := map[string]string{"mysql": "MySQL", "postgres": "PostgreSQL"}[m[1]]
		q := in("AmazonRDS", family("Database Instance"), [2]string{"instanceType", m[2]}, [2]string{"databaseEngine", engine},
			[2]string{"deploymentOption", "Single-AZ"})
		q.usage = "InstanceUsage:" + m[2]
		return q, true
	}
	if m := reBuildKey().FindStringSubmatch(key); m != nil {
		env := map[string]string{"x86_64": "Linux", "arm64": "ARM"}[m[1]]
		q := in("CodeBuild", family("Compute"))
		q.usage, q.suffix = env+":g1."+strings.ToLower(m[2]), true
		return q, true
	}
	var q query
	switch key {
	case "ebs.gp3.gb-month":
		q = in("AmazonEC2", family("Storage"), [2]string{"volumeApiName", "gp3"})
		q.usage = "EBS:VolumeUsage.gp3"
	case "alb.hour", "alb.lcu-hour":
		q = in("AWSELB", family("Load Balancer-Application"))
		q.usage = map[string]string{"alb.hour": "LoadBalancerUsage", "alb.lcu-hour": "LCUUsage"}[key]
	case "ipv4.hour":
		q = in("AmazonVPC")
		q.usage = "PublicIPv4:InUseAddress"
	case "rds.storage.gb-month":
		q = in("AmazonRDS", family("Database Storage"), [2]string{"deploymentOption", "Single-AZ"})
		q.usage = "RDS:GP3-Storage"
	case "secretsmanager.secret-month":
		q = in("AWSSecretsManager")
		q.usage = "AWSSecretsManager-Secrets"
	case "logs.ingest.gb":
		q = in("AmazonCloudWatch", family("Data Payload"))
		q.usage = "DataProcessing-Bytes"
	case "logs.storage.gb-month":
		q = in("AmazonCloudWatch", family("Storage Snapshot"))
		q.usage = "TimedStorage-ByteHrs"
	case "cloudwatch.metric-month":
		q = in("AmazonCloudWatch", family("Metric"))
		q.usage = "CW:MetricMonitorUsage"
	case "ecr.storage.gb-month":
		q = in("AmazonECR")
		q.usage = "TimedStorage-ByteHrs"
	case "efs.standard.gb-month":
		q = in("AmazonEFS", family("Storage"), [2]string{"storageClass", "General Purpose"})
		q.usage = "TimedStorage-ByteHrs"
	case "s3.storage.gb-month":
		q = in("AmazonS3", family("Storage"), [2]string{"volumeType", "Standard"})
		q.usage = "TimedStorage-ByteHrs"
	case "codepipeline.v2.action-minute":
		q = in("AWSCodePipeline")
		q.desc = "action execution minute"
	case "route53.zone-month":
		q = query{service: "AmazonRoute53", filters: [][2]string{{"usagetype", "HostedZone"}}, usage: "HostedZone", exact: true, scale: 1}
	case "cloudfront.us.out.gb":
		q = query{service: "AmazonCloudFront", filters: [][2]string{{"usagetype", "US-DataTransfer-Out-Bytes"}}, usage: "US-DataTransfer-Out-Bytes", exact: true, scale: 1}
	case "cloudfront.us.https.10k":
		q = query{service: "AmazonCloudFront", filters: [][2]string{{"usagetype", "US-Requests-Tier2-HTTPS"}}, usage: "US-Requests-Tier2-HTTPS", exact: true, scale: 10000}
	default:
		return query{}, false
	}
	return q, true
}

// priceListItem is the part of a GetProducts PriceList entry ecsdeck reads
// (the documented aws_v1 format: product, serviceCode, terms).
type priceListItem struct {
	Product struct {
		SKU           string            `json:"sku"`
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]priceDimension `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

type priceDimension struct {
	Unit         string            `json:"unit"`
	BeginRange   string            `json:"beginRange"`
	Description  string            `json:"description"`
	PricePerUnit map[string]string `json:"pricePerUnit"`
}

// lookup returns the query's price, or a problem saying why there is none.
func (q query) lookup(ctx context.Context, api pricing.GetProductsAPIClient) (float64, string, error) {
	in := &pricing.GetProductsInput{
		ServiceCode:   aws.String(q.service),
		FormatVersion: aws.String("aws_v1"),
		MaxResults:    aws.Int32(100),
	}
	for _, f := range q.filters {
		in.Filters = append(in.Filters, types.Filter{Field: aws.String(f[0]), Type: types.FilterTypeTermMatch, Value: aws.String(f[1])})
	}
	found := map[float64][]string{}
	pages := pricing.NewGetProductsPaginator(api, in)
	for n := 0; pages.HasMorePages(); n++ {
		if n == maxPages {
			return 0, fmt.Sprintf("more than %d pages of %s products; shipped price kept", maxPages*100, q.service), nil
		}
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, "", err
		}
		for _, doc := range page.PriceList {
			var item priceListItem
			if err := json.Unmarshal([]byte(doc), &item); err != nil {
				return 0, "", fmt.Errorf("read a %s product: %w", q.service, err)
			}
			if p, ok := q.match(item); ok {
				found[p] = append(found[p], item.Product.SKU)
			}
		}
	}
	switch len(found) {
	case 0:
		return 0, "no product in the AWS Price List; shipped price kept", nil
	case 1:
		for p := range found {
			return p, "", nil
		}
	}
	prices := make([]string, 0, len(found))
	for p := range found {
		prices = append(prices, strconv.FormatFloat(p, 'f', -1, 64))
	}
	sort.Strings(prices)
	return 0, fmt.Sprintf("products disagree (%s); shipped price kept", strings.Join(prices, ", ")), nil
}

// match says whether an item is the query's product, and its price: the
// first priced tier of its on-demand terms, in USD, in the table's unit.
func (q query) match(item priceListItem) (float64, bool) {
	usage := item.Product.Attributes["usagetype"]
	switch {
	case q.desc != "":
	case q.exact:
		if usage != q.usage {
			return 0, false
		}
	case q.suffix:
		if !strings.HasSuffix(usage, q.usage) {
			return 0, false
		}
	default:
		if reRegionPrefix().ReplaceAllString(usage, "") != q.usage {
			return 0, false
		}
	}
	best, bestBegin, ok := 0.0, math.Inf(1), false
	for _, term := range item.Terms.OnDemand {
		for _, d := range term.PriceDimensions {
			if q.desc != "" && !strings.Contains(strings.ToLower(d.Description), q.desc) {
				continue
			}
			p, err := strconv.ParseFloat(d.PricePerUnit["USD"], 64)
			if err != nil || p <= 0 {
				continue
			}
			begin, err := strconv.ParseFloat(d.BeginRange, 64)
			if err != nil {
				begin = 0
			}
			if begin < bestBegin {
				best, bestBegin, ok = p, begin, true
			}
		}
	}
	// NOTE: rounded to 10 decimals so that 0.000001 × 10,000 reads 0.01.
	return math.Round(best*q.scale*1e10) / 1e10, ok
}

// CheckBreakdown asks the Price List API for every price b uses (see
// LivePrices) and names, on each check, the lines that use it.
func CheckBreakdown(ctx context.Context, api pricing.GetProductsAPIClient, table *PriceTable, b *Breakdown) (*PriceTable, []Check, error) {
	keys, items := PriceKeys(b)
	live, checks, err := LivePrices(ctx, api, table, b.Region, keys)
	if err != nil {
		return nil, nil, err
	}
	for i := range checks {
		checks[i].Items = items[checks[i].Key]
	}
	return live, checks, nil
}

package cost_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ecsdeck/cost"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
)

// product is one entry of the documented GetProducts PriceList (format
// aws_v1): a JSON document with product, serviceCode and terms.
type product struct {
	service, sku, family string
	attrs                map[string]string
	// tiers are (beginRange, USD price, description) of the on-demand term.
	tiers [][3]string
}

func (p product) doc() string {
	dims := map[string]any{}
	for i, t := range p.tiers {
		code := fmt.Sprintf("%s.JRTCKXETXF.%d", p.sku, i)
		dims[code] = map[string]any{
			"rateCode": code, "unit": "Hrs", "beginRange": t[0], "endRange": "Inf",
			"description": t[2], "appliesTo": []string{}, "pricePerUnit": map[string]string{"USD": t[1]},
		}
	}
	b, _ := json.Marshal(map[string]any{
		"product":     map[string]any{"productFamily": p.family, "attributes": p.attrs, "sku": p.sku},
		"serviceCode": p.service,
		"terms": map[string]any{"OnDemand": map[string]any{
			p.sku + ".JRTCKXETXF": map[string]any{
				"priceDimensions": dims, "sku": p.sku, "effectiveDate": "2026-09-01T00:00:00Z",
				"offerTermCode": "JRTCKXETXF", "termAttributes": map[string]string{},
			},
		}},
		"version":         "20260901000000",
		"publicationDate": "2026-09-01T00:00:00Z",
	})
	return string(b)
}

// priceList is a Price List API on httptest: the JSON 1.1 protocol of
// GetProducts, TERM_MATCH filters, two products a page.
type priceList struct {
	products []product
	fail     string // an error code to answer every call with
	mu       sync.Mutex
	calls    []map[string]any
}

func (pl *priceList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in struct {
		ServiceCode string
		Filters     []struct{ Field, Type, Value string }
		NextToken   string
	}
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "AWSPriceListService.GetProducts" || json.Unmarshal(body, &in) != nil {
		http.Error(w, `{"__type":"InvalidParameterException","message":"not a GetProducts call"}`, http.StatusBadRequest)
		return
	}
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	pl.mu.Lock()
	pl.calls = append(pl.calls, raw)
	pl.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if pl.fail != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"%s","Message":"User is not authorized to perform pricing:GetProducts"}`, pl.fail)
		return
	}
	var match []string
	for _, p := range pl.products {
		ok := p.service == in.ServiceCode
		for _, f := range in.Filters {
			v := p.attrs[f.Field]
			if f.Field == "productFamily" {
				v = p.family
			}
			ok = ok && f.Type == "TERM_MATCH" && v == f.Value
		}
		if ok {
			match = append(match, p.doc())
		}
	}
	start, _ := strconv.Atoi(in.NextToken)
	end := min(start+2, len(match))
	out := map[string]any{"FormatVersion": "aws_v1", "PriceList": match[start:end]}
	if end < len(match) {
		out["NextToken"] = strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(out)
}

func newClient(t *testing.T, h http.Handler) *pricing.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return pricing.New(pricing.Options{
		Region:           cost.PricingRegion,
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
	})
}

func ecs(sku, usage, price string) product {
	return product{service: "AmazonECS", sku: sku, family: "Compute",
		attrs: map[string]string{"regionCode": "us-east-1", "usagetype": usage, "servicecode": "AmazonECS"}, tiers: [][3]string{{"0", price, "AWS Fargate"}}}
}

func TestLivePricesReadTheDocumentedPriceListShape(t *testing.T) {
	// GIVEN a Price List holding us-east-1's products, among others, over
	// more than one page: Fargate vCPU unchanged, memory dearer, a load
	// balancer priced in tiers, an EC2 type without a region prefix,
	// CloudFront requests priced per request, and no LCU product
	pl := &priceList{products: []product{
		ecs("A1", "USE1-Fargate-ARM-vCPU-Hours:perCPU", "0.0323800000"),
		ecs("A2", "USE1-Fargate-vCPU-Hours:perCPU", "0.0404800000"),
		ecs("A3", "USE1-Fargate-Windows-vCPU-Hours:perCPU", "0.0465520000"),
		ecs("A4", "USE1-Fargate-GB-Hours", "0.0050000000"),
		{service: "AWSELB", sku: "B1", family: "Load Balancer-Application",
			attrs: map[string]string{"regionCode": "us-east-1", "usagetype": "USE1-LoadBalancerUsage"},
			tiers: [][3]string{{"0", "0.0000000000", "free tier"}, {"0", "0.0252000000", "per Application LoadBalancer-hour"}}},
		{service: "AWSELB", sku: "B2", family: "Load Balancer",
			attrs: map[string]string{"regionCode": "us-east-1", "usagetype": "USE1-LoadBalancerUsage"}, tiers: [][3]string{{"0", "0.0250000000", "classic"}}},
		{service: "AmazonEC2", sku: "C1", family: "Compute Instance",
			attrs: map[string]string{"regionCode": "us-east-1", "usagetype": "BoxUsage:t3.small", "instanceType": "t3.small", "operatingSystem": "Linux",
				"tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required"},
			tiers: [][3]string{{"0", "0.0208000000", "$0.0208 per On Demand Linux t3.small Instance Hour"}}},
		{service: "AmazonCloudFront", sku: "D1", family: "Request",
			attrs: map[string]string{"usagetype": "US-Requests-Tier2-HTTPS"}, tiers: [][3]string{{"0", "0.0000010000", "$0.0100 per 10,000 HTTPS requests"}}},
		{service: "AWSCodePipeline", sku: "E1", family: "Action Execution",
			attrs: map[string]string{"regionCode": "us-east-1", "usagetype": "USE1-ActionMinutes"},
			tiers: [][3]string{{"0", "0.0020000000", "$0.002 per action execution minute"}}},
	}}
	api := newClient(t, pl)
	shipped := cost.Shipped()
	keys := []string{"fargate.x86_64.vcpu-hour", "fargate.x86_64.gb-hour", "alb.hour", "alb.lcu-hour", "ec2.t3.small.hour",
		"cloudfront.us.https.10k", "codepipeline.v2.action-minute", "made.up.key"}

	// WHEN the live prices of those keys are asked for
	live, checks, err := cost.LivePrices(context.Background(), api, shipped, "us-east-1", keys)

	// THEN each key has its check, in order, saying what changed
	if err != nil {
		t.Fatalf("LivePrices: %v", err)
	}
	want := []struct {
		key     string
		found   bool
		live    float64
		changed bool
		problem string
	}{
		{"fargate.x86_64.vcpu-hour", true, 0.04048, false, ""},
		{"fargate.x86_64.gb-hour", true, 0.005, true, ""},
		{"alb.hour", true, 0.0252, true, ""},
		{"alb.lcu-hour", false, 0, false, "no product in the AWS Price List; shipped price kept"},
		{"ec2.t3.small.hour", true, 0.0208, false, ""},
		{"cloudfront.us.https.10k", true, 0.01, false, ""},
		{"codepipeline.v2.action-minute", true, 0.002, false, ""},
		{"made.up.key", false, 0, false, "not looked up: ecsdeck knows no Price List product for it"},
	}
	if len(checks) != len(want) {
		t.Fatalf("%d checks, want %d", len(checks), len(want))
	}
	for i, w := range want {
		c := checks[i]
		if c.Key != w.key || c.Found != w.found || c.Live != w.live || c.Changed() != w.changed || c.Problem != w.problem {
			t.Errorf("check %d: %+v (changed %v), want %+v", i, c, c.Changed(), w)
		}
	}
	// AND the returned table holds the live prices, the shipped one is untouched
	if p, _ := live.Price("us-east-1", "fargate.x86_64.gb-hour"); p != 0.005 {
		t.Errorf("live table gb-hour %g, want 0.005", p)
	}
	if p, _ := live.Price("us-east-1", "alb.lcu-hour"); p != 0.008 {
		t.Errorf("live table lcu-hour %g, want the shipped 0.008", p)
	}
	if p, _ := shipped.Price("us-east-1", "fargate.x86_64.gb-hour"); p != 0.004445 {
		t.Errorf("the shipped table changed: %g", p)
	}
	// AND the calls asked for the right products, in us-east-1's region code
	var sawFargate bool
	for _, c := range pl.calls {
		if c["ServiceCode"] == "AmazonECS" {
			sawFargate = true
			b, _ := json.Marshal(c["Filters"])
			if !strings.Contains(string(b), `{"Field":"regionCode","Type":"TERM_MATCH","Value":"us-east-1"}`) || c["FormatVersion"] != "aws_v1" {
				t.Errorf("Fargate call %s", b)
			}
		}
	}
	if !sawFargate {
		t.Error("no AmazonECS call")
	}
}

func TestLivePricesStripTheRegionPrefixOnly(t *testing.T) {
	// GIVEN eu-west-1 products, whose usage types begin with EU-, beside a
	// Windows task price whose usage type ends the same way
	pl := &priceList{products: []product{
		{service: "AmazonECS", sku: "W", family: "Compute",
			attrs: map[string]string{"regionCode": "eu-west-1", "usagetype": "EU-Fargate-Windows-GB-Hours"}, tiers: [][3]string{{"0", "0.0050", ""}}},
		{service: "AmazonECS", sku: "L", family: "Compute",
			attrs: map[string]string{"regionCode": "eu-west-1", "usagetype": "EU-Fargate-GB-Hours"}, tiers: [][3]string{{"0", "0.004445", ""}}},
	}}
	// WHEN the Linux memory price is asked for
	_, checks, err := cost.LivePrices(context.Background(), newClient(t, pl), cost.Shipped(), "eu-west-1", []string{"fargate.x86_64.gb-hour"})
	// THEN it is the Linux product's
	if err != nil || !checks[0].Found || checks[0].Live != 0.004445 || checks[0].Changed() {
		t.Errorf("%+v, %v", checks, err)
	}
}

func TestLivePricesSayWhenProductsDisagree(t *testing.T) {
	// GIVEN two products that both claim to be on-demand Fargate vCPU
	pl := &priceList{products: []product{ecs("X", "USE1-Fargate-vCPU-Hours:perCPU", "0.04048"), ecs("Y", "Fargate-vCPU-Hours:perCPU", "0.05")}}
	// WHEN the price is asked for
	live, checks, err := cost.LivePrices(context.Background(), newClient(t, pl), cost.Shipped(), "us-east-1", []string{"fargate.x86_64.vcpu-hour"})
	// THEN neither is taken and the shipped price stays
	if err != nil || checks[0].Found || checks[0].Problem != "products disagree (0.04048, 0.05); shipped price kept" {
		t.Errorf("%+v, %v", checks, err)
	}
	if p, _ := live.Price("us-east-1", "fargate.x86_64.vcpu-hour"); p != 0.04048 {
		t.Errorf("price %g, want the shipped 0.04048", p)
	}
}

func TestLivePricesFillAPriceTheTableLacks(t *testing.T) {
	// GIVEN a region without a shipped Fargate price, and its product
	pl := &priceList{products: []product{{service: "AmazonECS", sku: "Z", family: "Compute",
		attrs: map[string]string{"regionCode": "ap-southeast-7", "usagetype": "APS9-Fargate-vCPU-Hours:perCPU"}, tiers: [][3]string{{"0", "0.0512", ""}}}}}
	// WHEN the price is asked for
	live, checks, err := cost.LivePrices(context.Background(), newClient(t, pl), cost.Shipped(), "ap-southeast-7", []string{"fargate.x86_64.vcpu-hour"})
	// THEN it counts as a change and the table has it
	if err != nil || !checks[0].Changed() || checks[0].HasShipped {
		t.Fatalf("%+v, %v", checks, err)
	}
	if p, ok := live.Price("ap-southeast-7", "fargate.x86_64.vcpu-hour"); !ok || p != 0.0512 {
		t.Errorf("price %g, %v", p, ok)
	}
}

func TestLivePricesStopOnAnAPIError(t *testing.T) {
	// GIVEN a Price List API that refuses the caller
	pl := &priceList{fail: "AccessDeniedException"}
	// WHEN prices are asked for
	_, _, err := cost.LivePrices(context.Background(), newClient(t, pl), cost.Shipped(), "us-east-1", []string{"alb.hour"})
	// THEN the error says which price, where, and what AWS answered
	if err == nil || !strings.HasPrefix(err.Error(), "ask the AWS Price List API for alb.hour in us-east-1: ") || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("error %v", err)
	}
}

func TestPriceKeysListEachPriceOnceWithItsLines(t *testing.T) {
	// GIVEN an estimate with two public IPv4 lines
	e := estimate(t, small(t, nil))
	// WHEN its price keys are listed
	keys, items := cost.PriceKeys(e)
	// THEN each key is there once, with every line that uses it
	if strings.Join(items["ipv4.hour"], "|") != "Public IPv4: load balancer|Public IPv4: tasks" {
		t.Errorf("ipv4.hour lines %q", items["ipv4.hour"])
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("%s listed twice", k)
		}
		seen[k] = true
	}
	if len(keys) != 8 {
		t.Errorf("%d keys %q, want 8", len(keys), keys)
	}
}

func TestCheckBreakdownNamesTheLinesOfEachPrice(t *testing.T) {
	// GIVEN an estimate and a Price List where the public IPv4 price rose
	e := estimate(t, small(t, nil))
	pl := &priceList{products: []product{{service: "AmazonVPC", sku: "V", family: "IP Address",
		attrs: map[string]string{"regionCode": "us-east-1", "usagetype": "USE1-PublicIPv4:InUseAddress"}, tiers: [][3]string{{"0", "0.006", ""}}}}}
	// WHEN the estimate's prices are checked
	live, checks, err := cost.CheckBreakdown(context.Background(), newClient(t, pl), cost.Shipped(), e)
	if err != nil {
		t.Fatal(err)
	}
	// THEN the changed price names both lines that use it, and an estimate
	// from the returned table uses it
	var changed []cost.Check
	for _, c := range checks {
		if c.Changed() {
			changed = append(changed, c)
		}
	}
	if len(changed) != 1 || changed[0].Key != "ipv4.hour" || strings.Join(changed[0].Items, "|") != "Public IPv4: load balancer|Public IPv4: tasks" {
		t.Fatalf("changed %+v", changed)
	}
	again, err := cost.Estimate(small(t, nil), live, cost.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	if d := again.Total - e.Total; cents(d) != cents(3*0.001*730) {
		t.Errorf("the live total differs by %.2f, want 2.19 (3 addresses × $0.001 × 730 h)", d)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// costRun runs one command line in-process, with a private config
// directory and no AWS configuration of the machine's.
func costRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("ECSDECK_CONFIG_DIR", filepath.Join(dir, "config"))
	t.Setenv("ECSDECK_STATE_DIR", filepath.Join(dir, "state"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCostPrintsATableWithTotalsAndTheRange(t *testing.T) {
	// GIVEN the two-tier example: 2 to 6 backend tasks, an S3 frontend
	// WHEN its cost is asked for
	code, out, errs := costRun(t, "cost", "--answers", "examples/two-tier-s3-bluegreen.yaml")
	// THEN exit 0, a table on stdout with each line's price, quantity and
	// assumption, the total and the range at autoscaling min and max
	if code != 0 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	for _, want := range []string{
		"Monthly estimate for shop-prod in us-east-1 (USD, on-demand prices of 2025-01)\n",
		"ITEM ",
		"  Application Load Balancer ",
		"0.0225 /hour           730 hour      16.43\n",
		"      one load balancer × 730 h\n",
		"  backend: Fargate Spot vCPU (x86_64) ",
		"Compute (min 12.61, max 49.56) ",
		"Total at the desired counts:             69.70 USD a month\n",
		"At the autoscaling minimum and maximum:  69.70 to 121.44 USD a month\n",
		"20 releases a month per pipeline (--releases)",
		"  SSM SecureString parameters ",
		"free       2 parameters       0.00\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestCostJSONIsOneObjectWithNumbers(t *testing.T) {
	// GIVEN the smallest example
	// WHEN its cost is asked for as JSON
	code, out, errs := costRun(t, "cost", "--json", "-f", "examples/single-fargate.yaml")
	if code != 0 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	// THEN stdout is one JSON object: amounts are numbers in USD a month,
	// and the total is the sum of the lines
	dec := json.NewDecoder(strings.NewReader(out))
	var got map[string]any
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if dec.More() {
		t.Fatal("more than one JSON value on stdout")
	}
	for _, k := range []string{"total", "min", "max"} {
		if _, ok := got[k].(float64); !ok {
			t.Errorf("%s is %T, want a number", k, got[k])
		}
	}
	if got["currency"] != "USD" || got["region"] != "us-east-1" || got["livePrices"] != false || got["pricesAsOf"] != "2025-01" {
		t.Errorf("header fields %v %v %v %v", got["currency"], got["region"], got["livePrices"], got["pricesAsOf"])
	}
	lines, _ := got["lines"].([]any)
	if len(lines) == 0 {
		t.Fatalf("no lines: %s", out)
	}
	var sum float64
	for _, l := range lines {
		m := l.(map[string]any)
		for _, k := range []string{"unitPrice", "quantity", "monthly", "minMonthly", "maxMonthly"} {
			if _, ok := m[k].(float64); !ok {
				t.Errorf("line %v: %s is %T", m["item"], k, m[k])
			}
		}
		for _, k := range []string{"component", "item", "unit", "assumption"} {
			if s, _ := m[k].(string); s == "" {
				t.Errorf("line %v: no %s", m["item"], k)
			}
		}
		sum += m["monthly"].(float64)
	}
	if total := got["total"].(float64); costCents(total) != costCents(sum) || costCents(total) != 4869 {
		t.Errorf("total %v, lines add up to %v; want 48.69", total, sum)
	}
	a, _ := got["assumptions"].(map[string]any)
	if a["releases"] != 20.0 || a["logGB"] != 5.0 || a["spotDiscount"] != 0.65 {
		t.Errorf("assumptions %v", a)
	}
}

func TestCostFlagsChangeTheBaselines(t *testing.T) {
	// GIVEN the two-tier example, at 20 and then 40 releases a month
	pipelines := func(args ...string) (float64, map[string]any) {
		code, out, errs := costRun(t, append([]string{"cost", "--json", "-f", "examples/two-tier-s3-bluegreen.yaml"}, args...)...)
		if code != 0 {
			t.Fatalf("code %d: %s", code, errs)
		}
		var got struct {
			Lines []struct {
				Component string
				Monthly   float64
			}
			Assumptions map[string]any
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, l := range got.Lines {
			if l.Component == "Pipelines" {
				sum += l.Monthly
			}
		}
		return sum, got.Assumptions
	}
	// WHEN the releases are doubled
	base, _ := pipelines()
	doubled, a := pipelines("--releases", "40", "--spot-discount", "50")
	// THEN the pipeline lines double, and the JSON says which baseline it used
	if costCents(doubled) != costCents(2*base) || costCents(base) != 248 {
		t.Errorf("pipelines %.2f at 20 releases and %.2f at 40; want 2.48 and 4.96", base, doubled)
	}
	if a["releases"] != 40.0 || a["spotDiscount"] != 0.5 {
		t.Errorf("assumptions %v", a)
	}
}

func TestCostRefusesBadInputWithExit2(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx, cpu: 300}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"a file with a problem", []string{"cost", "-f", bad},
			bad + ":4:25: backend.cpu: 300 is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384)\n1 problem; nothing was changed.\n"},
		{"a missing file", []string{"cost", "-f", "/nonexistent/prod.yaml"},
			"/nonexistent/prod.yaml: no such file (check the path, or run ecsdeck init to write one)\n1 problem; nothing was changed.\n"},
		{"no answers", []string{"cost"},
			"ecsdeck: no answers given (use --answers FILE or --profile NAME; ecsdeck init writes them)\n"},
		{"a negative baseline", []string{"cost", "-f", "examples/single-fargate.yaml", "--log-gb", "-1"},
			"ecsdeck: --log-gb: -1 is not allowed (a number of 0 or more)\n"},
		{"a Spot discount of 100 %", []string{"cost", "-f", "examples/single-fargate.yaml", "--spot-discount", "100"},
			"ecsdeck: --spot-discount: 100 is not allowed (a percent from 0 to below 100)\n"},
		{"a month of 800 hours", []string{"cost", "-f", "examples/single-fargate.yaml", "--hours", "800"},
			"ecsdeck: --hours: 800 is more than a month has (at most 744)\n"},
		{"an argument", []string{"cost", "prod.yaml"},
			"ecsdeck: ecsdeck cost takes no arguments (got \"prod.yaml\")\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN input the command cannot use
			// WHEN the cost is asked for
			code, out, errs := costRun(t, tt.args...)
			// THEN exit 2, nothing on stdout, and stderr says what is wrong
			if code != 2 || out != "" || errs != tt.wantErr {
				t.Errorf("code %d, stdout %q\nstderr %q\nwant   %q", code, out, errs, tt.wantErr)
			}
		})
	}
}

func TestCostHelpShowsDefaultsAsWritten(t *testing.T) {
	// WHEN the cost command's help is asked for
	code, out, _ := costRun(t, "cost", "--help")
	// THEN the baselines' defaults read as plain numbers
	for _, want := range []string{"(S3 frontend) (default 1000000)\n", "always-on resources run (default 730)\n", "(default 65)\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("code %d; --help lacks %q:\n%s", code, want, out)
		}
	}
}

func TestCostSaysWhichLinesHaveNoPrice(t *testing.T) {
	// GIVEN a platform in a region whose database prices the table lacks
	// WHEN its cost is asked for
	code, out, _ := costRun(t, "cost", "-f", "examples/two-tier-ecs.yaml")
	// THEN exit 0, the lines say so, and the total names what it leaves out
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	for _, want := range []string{
		"  RDS mysql db.t4g.micro ",
		"-  730 instance-hour  no price for eu-central-1\n",
		"USD a month + not priced in eu-central-1: RDS db.t4g.micro, RDS storage, CodeBuild\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// AND --json names the same parts for scripts
	code, out, _ = costRun(t, "cost", "--json", "-f", "examples/two-tier-ecs.yaml")
	var doc struct{ UnpricedParts []string }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || strings.Join(doc.UnpricedParts, ", ") != "RDS db.t4g.micro, RDS storage, CodeBuild" {
		t.Fatalf("unpricedParts %q (%v)", doc.UnpricedParts, err)
	}
	code, out, _ = costRun(t, "cost", "--json", "-f", "examples/single-fargate.yaml")
	if code != 0 || !strings.Contains(out, `"unpricedParts": []`) {
		t.Fatalf("a fully priced platform's unpricedParts:\n%s", out)
	}
}

// priceListStub answers GetProducts: the load balancer hour at $0.0252 in
// us-east-1, nothing else; or an error when fail is set.
func priceListStub(t *testing.T, fail bool) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if fail {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"AccessDeniedException","Message":"User is not authorized to perform pricing:GetProducts"}`)
			return
		}
		var list []string
		if r.Header.Get("X-Amz-Target") == "AWSPriceListService.GetProducts" && strings.Contains(string(body), `"ServiceCode":"AWSELB"`) &&
			strings.Contains(string(body), `"Value":"Load Balancer-Application"`) {
			list = append(list, `{"product":{"productFamily":"Load Balancer-Application","attributes":{"regionCode":"us-east-1","usagetype":"USE1-LoadBalancerUsage"},"sku":"K"},`+
				`"serviceCode":"AWSELB","terms":{"OnDemand":{"K.T":{"priceDimensions":{"K.T.R":{"unit":"Hrs","beginRange":"0","endRange":"Inf",`+
				`"description":"$0.0252 per Application LoadBalancer-hour (or partial hour)","pricePerUnit":{"USD":"0.0252000000"}}},"sku":"K","offerTermCode":"T"}}},`+
				`"version":"1","publicationDate":"2026-09-01T00:00:00Z"}`)
		}
		json.NewEncoder(w).Encode(map[string]any{"FormatVersion": "aws_v1", "PriceList": list})
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_PRICING", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
}

func TestCostLivePricesSayWhatChanged(t *testing.T) {
	// GIVEN a Price List API where the load balancer hour is $0.0252
	priceListStub(t, false)
	// WHEN the smallest example is priced live
	code, out, errs := costRun(t, "cost", "--live-prices", "-f", "examples/single-fargate.yaml")
	// THEN the table uses the live price (48.69 + 0.0027 × 730 h), and a
	// section says which line changed and which prices were not found
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{
		"(USD, live on-demand prices of ",
		"0.0252 /hour           730 hour      18.40\n",
		"Live prices (AWS Price List API, us-east-1):\n",
		"  changed    Application Load Balancer: 0.0252, was 0.0225 (alb.hour)\n",
		"  not found  Load balancer capacity units: no product in the AWS Price List; shipped price kept (alb.lcu-hour)\n",
		"Total at the desired counts:             50.66 USD a month\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// AND as JSON, the checks are there too
	code, out, _ = costRun(t, "cost", "--live-prices", "--json", "-f", "examples/single-fargate.yaml")
	var got struct {
		LivePrices bool
		Total      float64
		Checks     []struct {
			Key, Problem  string
			Shipped, Live float64
			Found         bool
			Items         []string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("code %d, %v: %s", code, err, out)
	}
	var changed []string
	for _, c := range got.Checks {
		if c.Found && c.Live != c.Shipped {
			changed = append(changed, c.Key+"="+strings.Join(c.Items, ","))
		}
	}
	if !got.LivePrices || costCents(got.Total) != 5066 || strings.Join(changed, " ") != "alb.hour=Application Load Balancer" {
		t.Errorf("live %v, total %.2f, changed %q", got.LivePrices, got.Total, changed)
	}
}

func TestCostLivePricesFailWithAWayOn(t *testing.T) {
	// GIVEN a Price List API that refuses the caller
	priceListStub(t, true)
	// WHEN the cost is asked for with live prices
	code, out, errs := costRun(t, "cost", "--live-prices", "-f", "examples/single-fargate.yaml")
	// THEN exit 1, nothing on stdout, and stderr says what AWS said and what to do
	if code != 1 || out != "" || !strings.Contains(errs, "AccessDeniedException") ||
		!strings.HasSuffix(errs, "Run without --live-prices to use the prices shipped with ecsdeck (of 2025-01).\n") {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestCostLivePricesUnreachableSaysItOnce(t *testing.T) {
	// GIVEN a Price List API endpoint where nothing listens
	priceListStub(t, true)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("AWS_ENDPOINT_URL_PRICING", "http://"+addr)
	// WHEN the cost is asked for with live prices
	code, out, errs := costRun(t, "cost", "--live-prices", "-f", "examples/single-fargate.yaml")
	// THEN exit 1 with one line on where and why, and the way on
	want := "ecsdeck: could not reach AWS at http://" + addr + "/: dial tcp " + addr + ": connect: connection refused (check the network, a proxy or firewall, or AWS_ENDPOINT_URL)\n" +
		"Run without --live-prices to use the prices shipped with ecsdeck (of 2025-01).\n"
	if code != 1 || out != "" || errs != want {
		t.Errorf("code %d, stdout %q\nstderr %q\nwant   %q", code, out, errs, want)
	}
}

func TestREADMEShowsTheRealEstimate(t *testing.T) {
	// GIVEN the estimate of the example the README shows
	code, out, _ := costRun(t, "cost", "--answers", "examples/single-fargate.yaml")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	// WHEN the README is read
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	// THEN its Cost before apply section holds that output as it is today
	if !strings.Contains(string(readme), "```text\n"+out+"```\n") {
		t.Errorf("README.md's example estimate is not the command's output; paste this in:\n%s", out)
	}
}

// costCents rounds a USD amount to whole cents, as the table shows it.
func costCents(v float64) int64 { return int64(math.Round(v * 100)) }

package cost_test

import (
	"regexp"
	"strings"
	"testing"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

func TestShippedTableCoversEveryRegionTheWizardOffers(t *testing.T) {
	// GIVEN the price table built into ecsdeck
	p := cost.Shipped()
	// WHEN its regions are compared with the regions ecsdeck offers
	offered := map[string]bool{}
	for _, r := range profiles.Regions() {
		offered[r.Code] = true
		if _, ok := p.Regions[r.Code]; !ok {
			t.Errorf("region %s is offered but not in the price table", r.Code)
		}
	}
	// THEN every offered region is there, and nothing else
	for _, code := range p.RegionCodes() {
		if !offered[code] {
			t.Errorf("region %s is in the price table but not offered", code)
		}
	}
	if !regexp.MustCompile(`^20[0-9]{2}-[01][0-9]$`).MatchString(p.AsOf) || p.Source == "" || p.Currency != "USD" {
		t.Errorf("asOf %q, source %q, currency %q: the table must say when, where from and in what", p.AsOf, p.Source, p.Currency)
	}
}

func TestShippedPricesAreConsistent(t *testing.T) {
	p := cost.Shipped()
	// GIVEN the prices of each region
	for _, code := range p.RegionCodes() {
		prices := p.Regions[code].Prices
		for k, v := range prices {
			// THEN each is a positive number under a known key
			if v <= 0 {
				t.Errorf("%s %s = %g", code, k, v)
			}
			if !regexp.MustCompile(`^(fargate|ec2|ebs|efs|alb|rds|logs|cloudwatch|s3|codebuild)\.`).MatchString(k) {
				t.Errorf("%s: unknown key %s", code, k)
			}
		}
		// AND a region with x86_64 Fargate prices has arm64 ones, 20 % lower
		for _, unit := range []string{"vcpu-hour", "gb-hour"} {
			x86, ok := prices["fargate.x86_64."+unit]
			arm, okARM := prices["fargate.arm64."+unit]
			if ok != okARM || (ok && (arm >= x86 || arm < x86*0.79 || arm > x86*0.81)) {
				t.Errorf("%s fargate %s: x86_64 %g, arm64 %g", code, unit, x86, arm)
			}
		}
	}
	for _, k := range []string{"ipv4.hour", "secretsmanager.secret-month", "ecr.storage.gb-month", "codepipeline.v2.action-minute", "route53.zone-month", "cloudfront.us.out.gb", "cloudfront.us.https.10k"} {
		if v, ok := p.Global[k]; !ok || v <= 0 {
			t.Errorf("global %s = %g, %v", k, v, ok)
		}
	}
}

func TestSameAsRegionsShareTheirPrices(t *testing.T) {
	// GIVEN the shipped table, where us-east-2 and us-west-2 are priced as us-east-1
	p := cost.Shipped()
	// WHEN a price is looked up in each
	for _, key := range []string{"fargate.x86_64.vcpu-hour", "rds.postgres.db.t4g.micro.hour", "ipv4.hour"} {
		a, okA := p.Price("us-east-1", key)
		b, okB := p.Price("us-east-2", key)
		c, okC := p.Price("us-west-2", key)
		// THEN it is the same
		if !okA || !okB || !okC || a != b || a != c {
			t.Errorf("%s: %g %g %g", key, a, b, c)
		}
	}
	// AND a region the table does not have has no price at all
	if _, ok := p.Price("xx-nowhere-1", "ipv4.hour"); ok {
		t.Error("a region outside the table has a price")
	}
}

func TestParsePricesRefusesBrokenTables(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not JSON", `{`, "read price table: unexpected end of JSON input"},
		{"not USD", `{"currency":"EUR"}`, `read price table: currency "EUR" (ecsdeck estimates in USD)`},
		{"sameAs a missing region", `{"currency":"USD","regions":{"a":{"sameAs":"b"}}}`, `read price table: region a is sameAs "b", which is not a region with its own prices`},
		{"a negative price", `{"currency":"USD","regions":{"a":{"prices":{"alb.hour":-1}}}}`, "read price table: a alb.hour is negative (-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a broken table WHEN it is parsed
			_, err := cost.ParsePrices([]byte(tt.json))
			// THEN the error says what is wrong
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestShippedReturnsACopy(t *testing.T) {
	// GIVEN a caller that changes the table it was given
	a := cost.Shipped()
	a.Set("us-east-1", "alb.hour", 99)
	// WHEN the table is asked for again
	b := cost.Shipped()
	// THEN it is unchanged
	if v, _ := b.Price("us-east-1", "alb.hour"); v != 0.0225 {
		t.Errorf("alb.hour = %g after another caller changed its copy", v)
	}
	if !strings.Contains(b.Note, "--live-prices") {
		t.Errorf("the table's note does not say how to check it: %q", b.Note)
	}
}

package describe

import (
	"bytes"
	"strings"
	"testing"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

func TestCostTableNamesTheUnpricedPartsBesideTheTotal(t *testing.T) {
	// GIVEN a platform with a database in a region the table has no RDS prices for
	s := profiles.New()
	s.Name, s.Environment, s.Region = "shop", "prod", "eu-west-1"
	s.Backend.Image, s.Backend.Port = "public.ecr.aws/nginx/nginx:1.27", 80
	s.Database.Engine, s.Database.InstanceClass = profiles.EnginePostgres, "db.t4g.micro"
	s.Complete()
	b, err := cost.Estimate(s, cost.Shipped(), cost.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	// WHEN the table is printed
	var w bytes.Buffer
	Cost(&w, b, CostOptions{SpotDiscountPercent: 65}, nil)
	// THEN the total's own line names what it leaves out
	var total string
	for _, l := range strings.Split(w.String(), "\n") {
		if strings.HasPrefix(l, "Total at the desired counts:") {
			total = l
		}
	}
	want := " USD a month + not priced in eu-west-1: RDS db.t4g.micro, RDS storage"
	if !strings.HasSuffix(total, want) {
		t.Fatalf("total line %q, want it to end %q\n%s", total, want, w.String())
	}
}

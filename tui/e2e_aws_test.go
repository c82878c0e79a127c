package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ecsdeck/internal/mototest"
	"ecsdeck/profiles"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// seeded is what the account holds for the test.
type seeded struct {
	vpc     string
	subnets []string
	zone    string
	cert    string
}

// zonesKey is the Front's name of Route 53's ListHostedZones.
const zonesKey = "route53.GET /2013-04-01/hostedzone"

// seedAccount creates, in the Front's account, a VPC named shop with two
// subnets in eu-west-1 and an issued certificate for example.com, and has
// the Front list the public zone of example.com.
func seedAccount(t *testing.T, f *mototest.Front) seeded {
	t.Helper()
	ctx := context.Background()
	cfg, err := f.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Region = "eu-west-1"
	var s seeded
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{
		ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("shop")}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	s.vpc = aws.ToString(vpc.Vpc.VpcId)
	for i, az := range []string{"eu-west-1a", "eu-west-1b"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.9.%d.0/24", i)), AvailabilityZone: aws.String(az)})
		if err != nil {
			t.Fatal(err)
		}
		s.subnets = append(s.subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	// NOTE: moto's zone ids do not start with Z as Route 53's do (and as
	// the answers file requires), so the Front answers the zone list.
	s.zone = "Z0EXAMPLE12345"
	f.Handle(zonesKey, func(*mototest.Request) mototest.Reply {
		return mototest.XML(`<?xml version="1.0" encoding="UTF-8"?>
<ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <HostedZones>
    <HostedZone><Id>/hostedzone/` + s.zone + `</Id><Name>example.com.</Name><CallerReference>seed</CallerReference>
      <Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>
    <HostedZone><Id>/hostedzone/Z0OTHER000001</Id><Name>other.org.</Name><CallerReference>seed2</CallerReference>
      <Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>
  </HostedZones>
  <IsTruncated>false</IsTruncated><MaxItems>100</MaxItems>
</ListHostedZonesResponse>`)
	})
	c, err := acm.NewFromConfig(cfg).RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String("example.com"), SubjectAlternativeNames: []string{"*.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	s.cert = aws.ToString(c.CertificateArn)
	return s
}

// presetFile writes an answers file with every key of spec but those of
// the lines matching drop: ecsdeck init --answers asks only those.
func presetFile(t *testing.T, spec *profiles.Spec, drop string) string {
	t.Helper()
	data, err := profiles.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(drop)
	var kept []string
	for _, l := range strings.Split(string(data), "\n") {
		if !re.MatchString(l) {
			kept = append(kept, l)
		}
	}
	p := filepath.Join(t.TempDir(), "draft.yaml")
	if err := os.WriteFile(p, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEndToEndChoicesFromTheAccount(t *testing.T) {
	moto := startMoto(t)
	f := mototest.NewFront(t, moto)
	acct := seedAccount(t, f)
	bin := buildBinary(t)
	home := t.TempDir()

	// GIVEN an answers file that leaves only the VPC, its subnets and the
	// domain's zone, certificate and host open
	spec := profiles.New()
	spec.Name, spec.Region, spec.Backend.Image = "shop", "eu-west-1", "nginx:1.27"
	spec.Domain.Name = "example.com"
	draft := presetFile(t, spec, `^\s+(vpcId|cidr|subnetIds|hostedZoneId|certificateArn|backendHost|frontendHost):`)
	out := filepath.Join(home, "shop.yaml")
	env := append(isolatedEnv(home), f.Env()...)
	tm := startTerm(t, 100, 30, env, bin+" init --answers "+draft+" --save-answers "+out)

	// WHEN the account's VPC, its subnets, the zone and the certificate are chosen from the lists
	tm.waitFor("Create a new VPC")
	tm.waitFor(acct.vpc + "  shop  10.9.0.0/16")
	lines := strings.Split(tm.screen(), "\n")
	first := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "Create a new VPC") })
	ours := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, acct.vpc) })
	for range ours - first {
		tm.keys("Down")
	}
	tm.answer("> "+acct.vpc, "Enter")
	tm.answer("Public subnets for the load balancer", "x", "Down", "x", "Enter")
	tm.answer("> "+acct.zone+"  example.com", "Enter")
	tm.answer("> *.example.com, example.com", "Enter")
	tm.answer("Host name of the backend", "Enter")
	tm.answer("ecsdeck · review shop-prod", "s")
	tm.waitFor("Saved profile shop-prod")
	tm.keys("q")
	tm.waitFor("EXIT=0")

	// THEN the answers hold what the account offered
	a, err := profiles.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	n := a.Spec.Network
	d := a.Spec.Domain
	if n.VPCID != acct.vpc || strings.Join(n.SubnetIDs, ",") != strings.Join(acct.subnets, ",") ||
		d.HostedZoneID != acct.zone || d.CertificateARN != acct.cert || d.BackendHost != "api.example.com" {
		t.Errorf("answers: vpc %s subnets %v zone %s cert %s host %s\nwant %+v", n.VPCID, n.SubnetIDs, d.HostedZoneID, d.CertificateARN, d.BackendHost, acct)
	}
	// AND only the lists were asked for, each once
	for _, op := range []string{"ec2.DescribeVpcs", "ec2.DescribeSubnets", zonesKey} {
		if c := f.Calls(op); c != 1 {
			t.Errorf("%s called %d times, want 1 (calls: %v)", op, c, f.CallCounts())
		}
	}
}

var (
	motoSrv *mototest.Server
	motoErr error
)

// startMoto starts moto_server once for the package (TestMain stops it).
func startMoto(t *testing.T) *mototest.Server {
	t.Helper()
	if motoSrv == nil && motoErr == nil {
		// NOTE: moto issues requested certificates at once only with this
		// set when it starts.
		os.Setenv("MOTO_ACM_VALIDATION_WAIT", "0")
		motoSrv, motoErr = mototest.Start(mototest.Options{})
	}
	if motoErr != nil {
		t.Fatal(motoErr)
	}
	return motoSrv
}

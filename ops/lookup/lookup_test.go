package lookup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

var moto *mototest.Server

func TestMain(m *testing.M) {
	// NOTE: moto issues requested certificates at once only with this set
	// when it starts.
	os.Setenv("MOTO_ACM_VALIDATION_WAIT", "0")
	os.Exit(mototest.RunTests(m, mototest.Options{}, &moto))
}

// account returns client options for a fresh moto account, so that tests
// do not see each other's resources.
func account(t *testing.T) []func(*config.LoadOptions) error {
	f := mototest.NewFront(t, moto)
	return []func(*config.LoadOptions) error{
		config.WithBaseEndpoint(f.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithRetryMaxAttempts(1),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	}
}

func sdkConfig(t *testing.T, opts []func(*config.LoadOptions) error, region string) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), append([]func(*config.LoadOptions) error{config.WithRegion(region)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestVPCsAndSubnets(t *testing.T) {
	ctx := context.Background()
	opts := account(t)
	e := ec2.NewFromConfig(sdkConfig(t, opts, "eu-west-1"))

	// GIVEN a tagged VPC with two subnets, one of them public
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{
		ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("shop")}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	var subnetIDs []string
	for i, az := range []string{"eu-west-1b", "eu-west-1a"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(fmt.Sprintf("10.9.%d.0/24", i)), AvailabilityZone: aws.String(az)})
		if err != nil {
			t.Fatal(err)
		}
		subnetIDs = append(subnetIDs, aws.ToString(sn.Subnet.SubnetId))
	}
	// (the second routes to an internet gateway; the first hands out
	// public addresses but has no such route, so it is not public)
	if _, err := e.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(subnetIDs[0]), MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	igw, err := e.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: aws.String(vpcID)}); err != nil {
		t.Fatal(err)
	}
	rt, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(subnetIDs[1])}); err != nil {
		t.Fatal(err)
	}
	c := New(opts...)

	// WHEN the VPCs of the region are listed
	vpcs, err := c.VPCs(ctx, "", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	// THEN the default VPC comes first and ours is there with its name
	if len(vpcs) < 2 || !vpcs[0].Default {
		t.Fatalf("VPCs = %+v, want the default VPC first and ours", vpcs)
	}
	var found bool
	for _, v := range vpcs {
		if v.ID == vpcID {
			found = true
			if want := (VPC{ID: vpcID, Name: "shop", CIDR: "10.9.0.0/16"}); v != want {
				t.Errorf("VPC = %+v, want %+v", v, want)
			}
		}
	}
	if !found {
		t.Errorf("VPC %s missing from %+v", vpcID, vpcs)
	}

	// WHEN its subnets are listed
	subnets, err := c.Subnets(ctx, "", "eu-west-1", vpcID)
	if err != nil {
		t.Fatal(err)
	}
	// THEN both come, sorted by zone, the public one marked
	want := []Subnet{
		{ID: subnetIDs[1], CIDR: "10.9.1.0/24", Zone: "eu-west-1a", Public: true},
		{ID: subnetIDs[0], CIDR: "10.9.0.0/24", Zone: "eu-west-1b"},
	}
	if !reflect.DeepEqual(subnets, want) {
		t.Errorf("Subnets = %+v\nwant %+v", subnets, want)
	}
}

func TestRegions(t *testing.T) {
	regions, err := New(account(t)...).Regions(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		if !slicesContains(regions, r) {
			t.Errorf("Regions = %v, want %s in it", regions, r)
		}
	}
}

func TestHostedZonesOfADomain(t *testing.T) {
	ctx := context.Background()
	opts := account(t)
	r := route53.NewFromConfig(sdkConfig(t, opts, "us-east-1"))
	// GIVEN zones for the domain's parent, an unrelated domain, and a private one
	ids := map[string]string{}
	for i, z := range []struct {
		name    string
		private bool
	}{{"example.com.", false}, {"shop.example.com", false}, {"other.org.", false}, {"example.com", true}} {
		in := &route53.CreateHostedZoneInput{Name: aws.String(z.name), CallerReference: aws.String(fmt.Sprint(i, time.Now().UnixNano()))}
		if z.private {
			in.HostedZoneConfig = &r53types.HostedZoneConfig{PrivateZone: true}
			in.VPC = &r53types.VPC{VPCId: aws.String("vpc-12345678"), VPCRegion: r53types.VPCRegionUsEast1}
		}
		out, err := r.CreateHostedZone(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !z.private {
			ids[strings.TrimSuffix(z.name, ".")] = strings.TrimPrefix(aws.ToString(out.HostedZone.Id), "/hostedzone/")
		}
	}

	// WHEN the zones of shop.example.com are listed
	zones, err := New(opts...).HostedZones(ctx, "", "shop.example.com")
	if err != nil {
		t.Fatal(err)
	}
	// THEN its own zone comes first, then the parent's; no private or unrelated zone
	var got []string
	for _, z := range zones {
		got = append(got, z.ID+" "+z.Name)
		if z.Records < 2 {
			t.Errorf("zone %s has %d records, want its SOA and NS counted", z.Name, z.Records)
		}
	}
	want := []string{ids["shop.example.com"] + " shop.example.com", ids["example.com"] + " example.com"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HostedZones = %v, want %v", got, want)
	}
}

func TestCertificatesOfADomain(t *testing.T) {
	ctx := context.Background()
	opts := account(t)
	a := acm.NewFromConfig(sdkConfig(t, opts, "eu-west-1"))
	// GIVEN certificates for the domain (apex + wildcard), a host under it, and another domain
	arns := map[string]string{}
	for _, c := range []struct {
		name string
		sans []string
	}{{"example.com", []string{"*.example.com"}}, {"api.example.com", nil}, {"other.org", nil}} {
		out, err := a.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String(c.name), SubjectAlternativeNames: c.sans})
		if err != nil {
			t.Fatal(err)
		}
		arns[c.name] = aws.ToString(out.CertificateArn)
	}

	// WHEN the certificates for example.com are listed
	certs, err := New(opts...).Certificates(ctx, "", "eu-west-1", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	// THEN the wildcard one comes first, then the host's; not the other domain's
	var got []string
	for _, c := range certs {
		got = append(got, c.ARN)
	}
	want := []string{arns["example.com"], arns["api.example.com"]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Certificates = %v\nwant %v (%+v)", got, want, certs)
	}
	if len(certs) > 0 && !slicesContains(certs[0].Names, "*.example.com") {
		t.Errorf("first certificate names = %v, want *.example.com among them", certs[0].Names)
	}
}

func TestNoCredentialsFailsFastAfterTheFirstTry(t *testing.T) {
	// GIVEN a machine without any AWS credentials
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "",
	} {
		t.Setenv(k, v)
	}
	c := New(config.WithBaseEndpoint(moto.URL))

	// WHEN VPCs are asked for twice
	_, err := c.VPCs(context.Background(), "", "eu-west-1")
	start := time.Now()
	_, err2 := c.VPCs(context.Background(), "", "eu-west-1")

	// THEN both fail with ErrNoCredentials, the second at once
	if !errors.Is(err, ErrNoCredentials) || !errors.Is(err2, ErrNoCredentials) {
		t.Fatalf("errors = %v / %v, want ErrNoCredentials", err, err2)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("second try took %v, want the cached answer", d)
	}
	if want := "no AWS credentials; set AWS_PROFILE or log in with aws sso login"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestAnUnreachableAWSIsSaidInWords(t *testing.T) {
	// GIVEN credentials, and an endpoint where nothing listens
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := New(config.WithBaseEndpoint("http://"+addr),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	// WHEN the regions are asked for
	_, err = c.Regions(context.Background(), "", "eu-west-1")
	// THEN the error says why in words, and keeps the SDK's error
	if want := "could not reach AWS: no network, or a proxy or firewall in the way"; err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	var ce *CallError
	if !errors.As(err, &ce) || ce.What != "describe regions" {
		t.Fatalf("error %v is not the call's", err)
	}
}

func TestProfilesFromSharedFiles(t *testing.T) {
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	os.WriteFile(cfgFile, []byte("[default]\nregion = eu-west-1\n[profile prod]\nsso_session = x\n[sso-session x]\nsso_region = eu-west-1\n[services dev]\n"), 0o600)
	os.WriteFile(credFile, []byte("[default]\naws_access_key_id = a\n[ci]\naws_access_key_id = b\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)

	got, err := New().Profiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ci", "default", "prod"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Profiles = %v, want %v", got, want)
	}
}

func TestCoversAndInDomain(t *testing.T) {
	for _, tc := range []struct {
		name, host string
		want       bool
	}{
		{"example.com", "example.com", true},
		{"*.example.com", "api.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", false},
		{"api.example.com", "www.example.com", false},
	} {
		if got := Covers(tc.name, tc.host); got != tc.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", tc.name, tc.host, got, tc.want)
		}
	}
	if !InDomain("api.example.com", "example.com") || InDomain("badexample.com", "example.com") {
		t.Error("InDomain does not respect label boundaries")
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

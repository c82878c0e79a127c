// Package lookup answers the setup wizard's questions about an AWS account
// (regions, VPCs, subnets, hosted zones, certificates) with the AWS SDK.
// It returns ecsdeck's own types; the wizard never sees the SDK.
//
// Every call is bounded by a short timeout, and a profile without working
// credentials fails fast after the first try, so the wizard falls back to
// typed answers without waiting page after page.
package lookup

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"ecsdeck/ops"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrNoCredentials says that the profile has no usable AWS credentials.
var ErrNoCredentials = errors.New("no AWS credentials")

// VPC is a VPC of the account.
type VPC struct {
	ID      string
	Name    string
	CIDR    string
	Default bool
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID   string
	Name string
	CIDR string
	Zone string
	// Public: its route table (its own, or the VPC's main one) sends
	// 0.0.0.0/0 to an internet gateway; when the route tables cannot be
	// read, whether it gives instances public addresses.
	Public bool
}

// HostedZone is a public Route 53 hosted zone.
type HostedZone struct {
	ID      string // without the /hostedzone/ prefix
	Name    string // without the trailing dot
	Records int
}

// Certificate is an issued ACM certificate.
type Certificate struct {
	ARN    string
	Domain string
	Names  []string
	Status string
}

// Client asks AWS. The zero value is not usable; call New.
type Client struct {
	timeout time.Duration
	opts    []func(*config.LoadOptions) error

	mu    sync.Mutex
	creds map[string]error // profile -> the result of its credential check
}

// New returns a Client that loads the SDK's default configuration chain,
// changed by opts (tests point it at an emulator).
func New(opts ...func(*config.LoadOptions) error) *Client {
	return &Client{timeout: 4 * time.Second, opts: opts, creds: map[string]error{}}
}

// WithTimeout sets the bound of each call (default 4s).
func (c *Client) WithTimeout(d time.Duration) *Client {
	c.timeout = d
	return c
}

// config loads the configuration of a profile and region, checking once per
// profile that it has credentials.
func (c *Client) config(ctx context.Context, profile, region string) (aws.Config, error) {
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: region, Profile: profile, MaxAttempts: 2,
		RetryMode: aws.RetryModeStandard, Extra: c.opts})
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config%s: %w", forProfile(profile), err)
	}
	c.mu.Lock()
	checked, done := c.creds[profile]
	c.mu.Unlock()
	if done {
		return cfg, checked
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return aws.Config{}, fmt.Errorf("%w%s: none found in time", ErrNoCredentials, forProfile(profile))
		}
		err = fmt.Errorf("%w%s; set AWS_PROFILE or log in with aws sso login", ErrNoCredentials, forProfile(profile))
		c.mu.Lock()
		c.creds[profile] = err
		c.mu.Unlock()
		return aws.Config{}, err
	}
	c.mu.Lock()
	c.creds[profile] = nil
	c.mu.Unlock()
	return cfg, nil
}

// CallError is an AWS call of a lookup that failed. Its text says why in a
// few words a person can act on (AWS could not be reached, the AWS error
// code and message), not in the SDK's; the SDK's error is still reachable
// with errors.As.
type CallError struct {
	What string // the call, such as "describe regions"
	Err  error
}

func (e *CallError) Error() string { return reason(e.Err) }

// Unwrap returns the SDK's error.
func (e *CallError) Unwrap() error { return e.Err }

func callFailed(what string, err error) error { return &CallError{What: what, Err: err} }

// reason says briefly why an AWS call failed.
func reason(err error) string {
	var ae smithy.APIError
	var se *smithyhttp.RequestSendError
	var re *smithyhttp.ResponseError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.As(err, &ae):
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	case errors.As(err, &se):
		return "could not reach AWS: no network, or a proxy or firewall in the way"
	case errors.As(err, &re):
		return fmt.Sprintf("AWS answered HTTP %d", re.HTTPStatusCode())
	}
	return err.Error()
}

func forProfile(p string) string {
	if p == "" {
		return ""
	}
	return " for profile " + p
}

func (c *Client) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// Profiles lists the profiles of the shared config and credentials files.
func (c *Client) Profiles(context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	files := []struct {
		path   string
		prefix string // "profile " in the config file, nothing in credentials
	}{
		{envOr("AWS_CONFIG_FILE", config.DefaultSharedConfigFilename()), "profile "},
		{envOr("AWS_SHARED_CREDENTIALS_FILE", config.DefaultSharedCredentialsFilename()), ""},
	}
	for _, f := range files {
		names, err := sections(f.path, f.prefix)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// sections returns the profile names of an INI file: [default],
// [profile name] in the config file, [name] in the credentials file.
func sections(path, prefix string) ([]string, error) {
	f, err := os.Open(filepath.Clean(path))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
			continue
		}
		name := strings.TrimSpace(line[1 : len(line)-1])
		switch {
		case name == "default":
		case prefix != "" && strings.HasPrefix(name, prefix):
			name = strings.TrimSpace(strings.TrimPrefix(name, prefix))
		case prefix != "":
			continue // [sso-session x], [services x]
		}
		if name != "" {
			out = append(out, name)
		}
	}
	return out, sc.Err()
}

// Regions lists the regions enabled for the account.
func (c *Client) Regions(ctx context.Context, profile, region string) ([]string, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	cfg, err := c.config(ctx, profile, cmp.Or(region, "us-east-1"))
	if err != nil {
		return nil, err
	}
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, callFailed("describe regions", err)
	}
	var names []string
	for _, r := range out.Regions {
		names = append(names, aws.ToString(r.RegionName))
	}
	slices.Sort(names)
	return names, nil
}

// VPCs lists the VPCs of a region, the default one first.
func (c *Client) VPCs(ctx context.Context, profile, region string) ([]VPC, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	cfg, err := c.config(ctx, profile, region)
	if err != nil {
		return nil, err
	}
	var out []VPC
	p := ec2.NewDescribeVpcsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeVpcsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, callFailed("describe VPCs in "+region, err)
		}
		for _, v := range page.Vpcs {
			out = append(out, VPC{
				ID:      aws.ToString(v.VpcId),
				Name:    nameTag(v.Tags),
				CIDR:    aws.ToString(v.CidrBlock),
				Default: aws.ToBool(v.IsDefault),
			})
		}
	}
	slices.SortFunc(out, func(a, b VPC) int {
		if a.Default != b.Default {
			if a.Default {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Subnets lists the subnets of a VPC by zone.
func (c *Client) Subnets(ctx context.Context, profile, region, vpcID string) ([]Subnet, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	cfg, err := c.config(ctx, profile, region)
	if err != nil {
		return nil, err
	}
	var out []Subnet
	p := ec2.NewDescribeSubnetsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, callFailed("describe subnets of "+vpcID, err)
		}
		for _, s := range page.Subnets {
			out = append(out, Subnet{
				ID:     aws.ToString(s.SubnetId),
				Name:   nameTag(s.Tags),
				CIDR:   aws.ToString(s.CidrBlock),
				Zone:   aws.ToString(s.AvailabilityZone),
				Public: aws.ToBool(s.MapPublicIpOnLaunch),
			})
		}
	}
	// NOTE: what makes a subnet public is its route to an internet
	// gateway, not the public addresses it hands out.
	if rt, err := ec2.NewFromConfig(cfg).DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}},
	}); err == nil {
		for i := range out {
			out[i].Public = RoutesToInternet(rt.RouteTables, out[i].ID)
		}
	}
	slices.SortFunc(out, func(a, b Subnet) int {
		return cmp.Or(cmp.Compare(a.Zone, b.Zone), cmp.Compare(a.CIDR, b.CIDR), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// RoutesToInternet says whether the subnet's route table (its own, or the
// VPC's main one) sends 0.0.0.0/0 to an internet gateway.
func RoutesToInternet(tables []ec2types.RouteTable, subnet string) bool {
	var table, main *ec2types.RouteTable
	for i := range tables {
		for _, a := range tables[i].Associations {
			if aws.ToString(a.SubnetId) == subnet {
				table = &tables[i]
			}
			if aws.ToBool(a.Main) {
				main = &tables[i]
			}
		}
	}
	if table == nil {
		table = main
	}
	if table == nil {
		return false
	}
	for _, r := range table.Routes {
		if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") && r.State != ec2types.RouteStateBlackhole {
			return true
		}
	}
	return false
}

func nameTag(tags []ec2types.Tag) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == "Name" {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

// HostedZones lists the public hosted zones that can hold the records of
// domain (its own zone or a parent's), the closest first.
func (c *Client) HostedZones(ctx context.Context, profile, domain string) ([]HostedZone, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	cfg, err := c.config(ctx, profile, "us-east-1")
	if err != nil {
		return nil, err
	}
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	var out []HostedZone
	p := route53.NewListHostedZonesPaginator(route53.NewFromConfig(cfg), &route53.ListHostedZonesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, callFailed("list hosted zones", err)
		}
		for _, z := range page.HostedZones {
			if z.Config != nil && z.Config.PrivateZone {
				continue
			}
			name := strings.TrimSuffix(strings.ToLower(aws.ToString(z.Name)), ".")
			if !InDomain(domain, name) {
				continue
			}
			out = append(out, HostedZone{
				ID:      strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"),
				Name:    name,
				Records: int(aws.ToInt64(z.ResourceRecordSetCount)),
			})
		}
	}
	slices.SortFunc(out, func(a, b HostedZone) int {
		return cmp.Or(cmp.Compare(len(b.Name), len(a.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Certificates lists the issued certificates of a region that cover domain
// or names under it, those covering every host of the domain first.
func (c *Client) Certificates(ctx context.Context, profile, region, domain string) ([]Certificate, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	cfg, err := c.config(ctx, profile, region)
	if err != nil {
		return nil, err
	}
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	client := acm.NewFromConfig(cfg)
	var out []Certificate
	p := acm.NewListCertificatesPaginator(client, &acm.ListCertificatesInput{
		CertificateStatuses: []acmtypes.CertificateStatus{acmtypes.CertificateStatusIssued},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, callFailed("list certificates in "+region, err)
		}
		for _, s := range page.CertificateSummaryList {
			names := s.SubjectAlternativeNameSummaries
			if len(names) == 0 || aws.ToBool(s.HasAdditionalSubjectAlternativeNames) {
				// NOTE: the summary may leave names out; the certificate has them all.
				d, err := client.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: s.CertificateArn})
				if err != nil {
					return nil, callFailed("describe certificate "+aws.ToString(s.CertificateArn), err)
				}
				names = d.Certificate.SubjectAlternativeNames
			}
			if len(names) == 0 {
				names = []string{aws.ToString(s.DomainName)}
			}
			names = slices.Clone(names)
			slices.Sort(names)
			if !slices.ContainsFunc(names, func(n string) bool { return Covers(n, domain) || InDomain(strings.TrimPrefix(n, "*."), domain) }) {
				continue
			}
			out = append(out, Certificate{
				ARN:    aws.ToString(s.CertificateArn),
				Domain: aws.ToString(s.DomainName),
				Names:  names,
				Status: string(s.Status),
			})
		}
	}
	wild := func(c Certificate) bool {
		return slices.ContainsFunc(c.Names, func(n string) bool { return n == "*."+domain })
	}
	slices.SortStableFunc(out, func(a, b Certificate) int {
		if wild(a) != wild(b) {
			if wild(a) {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Domain, b.Domain)
	})
	return out, nil
}

// InDomain says whether host is domain or a name under it.
func InDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// Covers says whether a certificate name (possibly a wildcard) covers host.
func Covers(name, host string) bool {
	if name == host {
		return true
	}
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		i := strings.IndexByte(host, '.')
		return i > 0 && host[i+1:] == rest
	}
	return false
}

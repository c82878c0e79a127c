package wizard

import "context"

// Lookup asks the AWS account for the choices it can offer. The wizard
// calls it before a page that can use the answers (each call with a short
// timeout) and falls back to typed input when it fails, for instance when
// there are no credentials. ops/lookup implements it with the AWS SDK.
type Lookup interface {
	// Profiles lists the shared-config profiles on this machine.
	Profiles(ctx context.Context) ([]string, error)
	// Regions lists the regions enabled for the account.
	Regions(ctx context.Context, at Scope) ([]string, error)
	// VPCs lists the VPCs of the region.
	VPCs(ctx context.Context, at Scope) ([]VPC, error)
	// Subnets lists the subnets of a VPC.
	Subnets(ctx context.Context, at Scope, vpcID string) ([]Subnet, error)
	// HostedZones lists the public hosted zones that can hold records of
	// domain: the zone of the domain itself or of a parent domain.
	HostedZones(ctx context.Context, at Scope, domain string) ([]HostedZone, error)
	// Certificates lists the issued ACM certificates in the scope's region
	// that cover domain (by name or wildcard).
	Certificates(ctx context.Context, at Scope, domain string) ([]Certificate, error)
}

// Scope is the account and region a lookup asks in.
type Scope struct {
	Profile string // shared-config profile; empty: the SDK's default chain
	Region  string
}

// VPC is a VPC of the account.
type VPC struct {
	ID      string
	Name    string // its Name tag
	CIDR    string
	Default bool
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID     string
	Name   string // its Name tag
	CIDR   string
	Zone   string
	Public bool // it routes to an internet gateway
}

// HostedZone is a Route 53 hosted zone.
type HostedZone struct {
	ID      string // without the /hostedzone/ prefix
	Name    string // without the trailing dot
	Records int
}

// Certificate is an ACM certificate.
type Certificate struct {
	ARN    string
	Domain string   // its main name
	Names  []string // every name it covers
	Status string
}

// Package verify checks, read-only and before any change, that what an
// answers file names exists in the AWS account and fits together: the
// hosted zone serves the domain, the certificates are issued in the right
// region and cover every host, an existing VPC's subnets route as they
// must, an existing load balancer's listeners and target groups belong to
// it, the source connections are available, the public images exist, the
// ECS service-linked role is there and the account's quotas hold the
// platform. Each failure says what to do.
package verify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"ecsdeck/ops"
	"ecsdeck/profiles"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/codeconnections"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/smithy-go"
)

// Status is the outcome of one check.
type Status string

// Outcomes. A failed check stops plan and up; a warning is said and they go
// on; a check that could not run (the account did not answer, a registry
// could not be reached) is said with why.
const (
	Passed    Status = "passed"
	Warned    Status = "warning"
	Failed    Status = "failed"
	Unchecked Status = "unchecked"
)

// Check is the outcome of one check on one thing.
type Check struct {
	// Name is what was checked: "hosted zone", "certificate", "subnets", …
	Name string `json:"name"`
	// Subject is the thing checked: a zone id, an ARN, an image.
	Subject string `json:"subject"`
	Status  Status `json:"status"`
	// Detail says what was found.
	Detail string `json:"detail,omitempty"`
	// Fix says what to do, for a failure or a warning.
	Fix string `json:"fix,omitempty"`
}

// Report is every check of one Spec, in a fixed order.
type Report struct {
	Checks []Check `json:"checks"`
}

// Count returns how many checks have the status.
func (r *Report) Count(s Status) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// OK says whether no check failed.
func (r *Report) OK() bool { return r.Count(Failed) == 0 }

// Verifier runs the checks with one account's clients. Tests give it
// clients on an emulator and a registry of their own.
type Verifier struct {
	EC2         EC2API
	ELB         ELBAPI
	Route53     Route53API
	IAM         IAMAPI
	Quotas      QuotasAPI
	Connections ConnectionsAPI
	// ACM returns the certificate client of a region (CloudFront's
	// certificates live in us-east-1).
	ACM func(region string) ACMAPI
	// Registry answers the image registries' HTTP API; Registries maps a
	// registry host to the base URL to call instead (tests).
	Registry   *http.Client
	Registries map[string]string
	// LookupNS asks the public DNS for a domain's name servers.
	LookupNS func(ctx context.Context, domain string) ([]string, error)
	// Timeout bounds each check (default 15s).
	Timeout time.Duration
}

// New returns a Verifier on cfg, the platform's region and credentials.
func New(cfg aws.Config) *Verifier {
	acms := map[string]ACMAPI{}
	var mu sync.Mutex
	return &Verifier{
		EC2:         ec2.NewFromConfig(cfg),
		ELB:         elb.NewFromConfig(cfg),
		Route53:     route53.NewFromConfig(cfg),
		IAM:         iam.NewFromConfig(cfg),
		Quotas:      servicequotas.NewFromConfig(cfg),
		Connections: codeconnections.NewFromConfig(cfg),
		ACM: func(region string) ACMAPI {
			mu.Lock()
			defer mu.Unlock()
			if c, ok := acms[region]; ok {
				return c
			}
			c := acm.NewFromConfig(cfg, func(o *acm.Options) { o.Region = region })
			acms[region] = c
			return c
		},
		Registry: &http.Client{Timeout: 10 * time.Second},
		LookupNS: func(ctx context.Context, domain string) ([]string, error) {
			ns, err := net.DefaultResolver.LookupNS(ctx, domain)
			out := make([]string, len(ns))
			for i, n := range ns {
				out[i] = n.Host
			}
			return out, err
		},
	}
}

// group is the checks of one part of the platform; it appends to its own
// list, so the groups run at once and the report keeps a fixed order.
type group func(ctx context.Context, s *profiles.Spec) []Check

// Run runs every check that applies to s (completed with its defaults) and
// returns them in a fixed order. It changes nothing in the account.
func (v *Verifier) Run(ctx context.Context, s *profiles.Spec) *Report {
	s = s.Clone()
	s.Complete()
	groups := []group{v.hostedZone, v.certificates, v.network, v.loadBalancer, v.connections, v.images, v.serviceLinkedRole, v.quotas}
	results := make([][]Check, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, v.timeout())
			defer cancel()
			results[i] = g(cctx, s)
		}()
	}
	wg.Wait()
	r := &Report{}
	for _, cs := range results {
		r.Checks = append(r.Checks, cs...)
	}
	return r
}

func (v *Verifier) timeout() time.Duration {
	if v.Timeout > 0 {
		return v.Timeout
	}
	return 15 * time.Second
}

func passed(name, subject, detail string) Check {
	return Check{Name: name, Subject: subject, Status: Passed, Detail: detail}
}

func failed(name, subject, detail, fix string) Check {
	return Check{Name: name, Subject: subject, Status: Failed, Detail: detail, Fix: fix}
}

func warned(name, subject, detail, fix string) Check {
	return Check{Name: name, Subject: subject, Status: Warned, Detail: detail, Fix: fix}
}

// unchecked is a check whose call failed for a reason other than what it
// looks for: access denied, throttled, AWS unreachable.
func unchecked(name, subject string, err error) Check {
	c := Check{Name: name, Subject: subject, Status: Unchecked, Detail: "could not check: " + reason(err)}
	if code(err) == "AccessDenied" || code(err) == "AccessDeniedException" || code(err) == "UnauthorizedOperation" {
		c.Fix = "the credentials may not read it; ecsdeck goes on, and the change itself may still fail"
	}
	return c
}

// reason says briefly why a call failed.
func reason(err error) string {
	err = ops.Explain(err)
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	return err.Error()
}

// code is the AWS error code of err, or "".
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// notFound says whether err is AWS saying the thing does not exist.
func notFound(err error) bool {
	c := code(err)
	return strings.HasSuffix(c, ".NotFound") || strings.HasSuffix(c, "NotFound") || strings.HasPrefix(c, "NoSuch") ||
		c == "ResourceNotFoundException" || c == "LoadBalancerNotFound" || c == "ListenerNotFound" || c == "TargetGroupNotFound"
}

// arnRegion is the region field of an ARN, or "".
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

// list joins names for a sentence, sorted.
func list(names []string) string {
	names = append([]string(nil), names...)
	sort.Strings(names)
	return strings.Join(names, ", ")
}

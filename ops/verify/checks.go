package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"ecsdeck/ops/lookup"
	"ecsdeck/profiles"
	"ecsdeck/words"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/codeconnections"
	conntypes "github.com/aws/aws-sdk-go-v2/service/codeconnections/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

// hostedZone: the zone exists, is public, is the domain's or a parent's,
// and the public DNS delegates the domain to its name servers.
func (v *Verifier) hostedZone(ctx context.Context, s *profiles.Spec) []Check {
	const name = "hosted zone"
	domain := strings.TrimSuffix(s.Domain.Name, ".")
	id := s.Domain.HostedZoneID
	if domain == "" || id == "" {
		return nil
	}
	out, err := v.Route53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	switch {
	case notFound(err):
		return []Check{failed(name, id, "no hosted zone "+id+" in this account",
			"set domain.hostedZoneId to the zone of "+domain+" (aws route53 list-hosted-zones-by-name --dns-name "+domain+")")}
	case err != nil:
		return []Check{unchecked(name, id, err)}
	}
	zone := strings.TrimSuffix(aws.ToString(out.HostedZone.Name), ".")
	if !lookup.InDomain(domain, zone) {
		return []Check{failed(name, id, fmt.Sprintf("%s is the zone of %s, not of %s", id, zone, domain),
			"set domain.hostedZoneId to the zone of "+domain+", or domain.name to a name under "+zone)}
	}
	if cfg := out.HostedZone.Config; cfg != nil && cfg.PrivateZone {
		return []Check{failed(name, id, id+" is a private zone: the internet cannot resolve the records written there",
			"use the public hosted zone of "+domain)}
	}
	var zoneNS []string
	if out.DelegationSet != nil {
		for _, n := range out.DelegationSet.NameServers {
			zoneNS = append(zoneNS, strings.ToLower(strings.TrimSuffix(n, ".")))
		}
	}
	if v.LookupNS == nil || len(zoneNS) == 0 {
		return []Check{passed(name, id, "serves "+zone)}
	}
	public, err := v.LookupNS(ctx, zone)
	if err != nil {
		c := passed(name, id, fmt.Sprintf("serves %s (its delegation was not checked: %v)", zone, err))
		return []Check{c}
	}
	for i, n := range public {
		public[i] = strings.ToLower(strings.TrimSuffix(n, "."))
	}
	for _, n := range public {
		if slices.Contains(zoneNS, n) {
			return []Check{passed(name, id, "serves "+zone+", delegated to its name servers")}
		}
	}
	return []Check{failed(name, id, fmt.Sprintf("the internet asks %s for %s, not this zone's name servers (%s)", list(public), zone, list(zoneNS)),
		"set the name servers of "+zone+" at its registrar (or parent zone) to the zone's, or use the zone that serves it")}
}

// certificates: each certificate is ISSUED, in the region its user needs
// and covers every host the platform answers on.
func (v *Verifier) certificates(ctx context.Context, s *profiles.Spec) []Check {
	var out []Check
	if arn := s.Domain.CertificateARN; arn != "" {
		hosts := []string{s.Domain.BackendHost}
		if s.FrontendOnECS() {
			hosts = append(hosts, s.Domain.FrontendHost)
		}
		out = append(out, v.certificate(ctx, arn, s.Region, "the load balancer", hosts))
	}
	if arn := s.Domain.CloudFrontCertificateARN; arn != "" && s.FrontendOnS3() {
		hosts := []string{s.Domain.FrontendHost}
		if d := strings.TrimSuffix(s.Domain.Name, "."); d != "" && d != s.Domain.FrontendHost {
			hosts = append(hosts, d)
		}
		out = append(out, v.certificate(ctx, arn, "us-east-1", "CloudFront", hosts))
	}
	return out
}

func (v *Verifier) certificate(ctx context.Context, arn, region, user string, hosts []string) Check {
	const name = "certificate"
	hosts = slices.DeleteFunc(slices.Clone(hosts), func(h string) bool { return h == "" })
	if r := arnRegion(arn); r != region {
		return failed(name, arn, fmt.Sprintf("is in %s; %s needs a certificate in %s", r, user, region),
			"request or import a certificate in "+region+" for "+list(hosts))
	}
	out, err := v.ACM(region).DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arn)})
	switch {
	case notFound(err):
		return failed(name, arn, "no such certificate in this account", "check the ARN (aws acm list-certificates --region "+region+")")
	case err != nil:
		return unchecked(name, arn, err)
	}
	c := out.Certificate
	if c.Status != acmtypes.CertificateStatusIssued {
		fix := "request a new certificate for " + list(hosts)
		if c.Status == acmtypes.CertificateStatusPendingValidation {
			fix = "finish its validation: create the DNS records ACM lists for it, then run again"
		}
		return failed(name, arn, "is "+string(c.Status)+", not ISSUED", fix)
	}
	names := append([]string{aws.ToString(c.DomainName)}, c.SubjectAlternativeNames...)
	var missing []string
	for _, h := range hosts {
		if !slices.ContainsFunc(names, func(n string) bool { return lookup.Covers(n, h) }) {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return failed(name, arn, fmt.Sprintf("covers %s but not %s", list(names), list(missing)),
			"request a certificate that covers "+list(hosts)+" (a wildcard *. name covers one level)")
	}
	if c.NotAfter != nil && time.Until(*c.NotAfter) < 30*24*time.Hour && c.RenewalEligibility != acmtypes.RenewalEligibilityEligible {
		return warned(name, arn, "expires "+c.NotAfter.Format("2006-01-02")+" and ACM will not renew it", "import a renewed certificate before then")
	}
	return passed(name, arn, "ISSUED, covers "+list(hosts))
}

// network: an existing VPC and its subnets and security groups exist and
// belong together; public subnets route to an internet gateway and the
// database's do not.
func (v *Verifier) network(ctx context.Context, s *profiles.Spec) []Check {
	vpc := s.Network.VPCID
	if vpc == "" {
		return nil
	}
	vo, err := v.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpc}})
	switch {
	case notFound(err) || err == nil && len(vo.Vpcs) == 0:
		return []Check{failed("vpc", vpc, "no VPC "+vpc+" in "+s.Region, "set network.vpcId to a VPC of this account and region, or empty it to have one created")}
	case err != nil:
		return []Check{unchecked("vpc", vpc, err)}
	}
	out := []Check{passed("vpc", vpc, "exists, "+aws.ToString(vo.Vpcs[0].CidrBlock))}
	db := s.Network.DatabaseSubnetIDs
	if !s.HasDatabase() {
		db = nil
	}
	ids := append(slices.Clone(s.Network.SubnetIDs), db...)
	if len(ids) > 0 {
		out = append(out, v.subnets(ctx, vpc, s.Network.SubnetIDs, db)...)
	}
	sgs := map[string]string{}
	for key, id := range map[string]string{"network.securityGroups.loadBalancer": s.Network.SecurityGroups.LoadBalancer,
		"network.securityGroups.tasks": s.Network.SecurityGroups.Tasks, "network.securityGroups.database": s.Network.SecurityGroups.Database} {
		if id != "" {
			sgs[id] = key
		}
	}
	if len(sgs) > 0 {
		out = append(out, v.securityGroups(ctx, vpc, sgs))
	}
	return out
}

func (v *Verifier) subnets(ctx context.Context, vpc string, public, db []string) []Check {
	const name = "subnets"
	all := append(slices.Clone(public), db...)
	subject := strings.Join(all, ", ")
	so, err := v.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		return []Check{unchecked(name, subject, err)}
	}
	found := map[string]ec2types.Subnet{}
	for _, sn := range so.Subnets {
		found[aws.ToString(sn.SubnetId)] = sn
	}
	var missing []string
	for _, id := range all {
		if _, ok := found[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return []Check{failed(name, subject, fmt.Sprintf("%s not in %s", list(missing), vpc),
			"name subnets of "+vpc+" (aws ec2 describe-subnets --filters Name=vpc-id,Values="+vpc+")")}
	}
	rto, err := v.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		return []Check{unchecked(name, subject, err)}
	}
	var out []Check
	zones := map[string]bool{}
	var private []string
	for _, id := range public {
		zones[aws.ToString(found[id].AvailabilityZone)] = true
		if !lookup.RoutesToInternet(rto.RouteTables, id) {
			private = append(private, id)
		}
	}
	switch {
	case len(private) > 0:
		out = append(out, failed("public subnets", strings.Join(public, ", "), fmt.Sprintf("%s %s no route to an internet gateway", list(private), words.Plural(len(private), "has", "have")),
			"name subnets whose route table sends 0.0.0.0/0 to an internet gateway (igw-…): the load balancer and tasks there must reach and be reached from the internet"))
	case len(zones) < 2:
		out = append(out, failed("public subnets", strings.Join(public, ", "), "all in one availability zone",
			"name public subnets in at least two availability zones (the load balancer needs two)"))
	default:
		out = append(out, passed("public subnets", strings.Join(public, ", "), fmt.Sprintf("route to an internet gateway, in %s", words.Count(len(zones), "zone", "zones"))))
	}
	if len(db) > 0 {
		var open []string
		dbZones := map[string]bool{}
		for _, id := range db {
			dbZones[aws.ToString(found[id].AvailabilityZone)] = true
			if lookup.RoutesToInternet(rto.RouteTables, id) {
				open = append(open, id)
			}
		}
		switch {
		case len(open) > 0:
			out = append(out, failed("database subnets", strings.Join(db, ", "), fmt.Sprintf("%s %s a route to an internet gateway: the database would sit in a public subnet", list(open), words.Plural(len(open), "has", "have")),
				"name private subnets (no 0.0.0.0/0 route to an internet gateway) for the database"))
		case len(dbZones) < 2:
			out = append(out, failed("database subnets", strings.Join(db, ", "), "all in one availability zone", "name database subnets in at least two availability zones (RDS needs two)"))
		default:
			out = append(out, passed("database subnets", strings.Join(db, ", "), "private, in "+words.Count(len(dbZones), "zone", "zones")))
		}
	}
	return out
}

func (v *Verifier) securityGroups(ctx context.Context, vpc string, sgs map[string]string) Check {
	const name = "security groups"
	ids := make([]string, 0, len(sgs))
	for id := range sgs {
		ids = append(ids, id)
	}
	subject := list(ids)
	out, err := v.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		return unchecked(name, subject, err)
	}
	in := map[string]bool{}
	for _, g := range out.SecurityGroups {
		in[aws.ToString(g.GroupId)] = true
	}
	var bad []string
	for _, id := range ids {
		if !in[id] {
			bad = append(bad, sgs[id]+" "+id)
		}
	}
	if len(bad) > 0 {
		return failed(name, subject, list(bad)+": not a security group of "+vpc, "name security groups of "+vpc+", or leave them empty to have them created")
	}
	return passed(name, subject, "in "+vpc)
}

// loadBalancer: an existing load balancer is an application load balancer
// in the platform's VPC, its listeners are its own, and its target groups
// are in the VPC with the target type the tasks register as.
func (v *Verifier) loadBalancer(ctx context.Context, s *profiles.Spec) []Check {
	ex := s.LoadBalancer.Existing
	if ex == nil || ex.ARN == "" {
		return nil
	}
	lbo, err := v.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{ex.ARN}})
	switch {
	case notFound(err) || err == nil && len(lbo.LoadBalancers) == 0:
		return []Check{failed("load balancer", ex.ARN, "no such load balancer in "+s.Region, "set loadBalancer.existing.arn to a load balancer of this account and region, or remove loadBalancer.existing to have one created")}
	case err != nil:
		return []Check{unchecked("load balancer", ex.ARN, err)}
	}
	lb := lbo.LoadBalancers[0]
	var out []Check
	switch {
	case lb.Type != "application":
		out = append(out, failed("load balancer", ex.ARN, "is a "+string(lb.Type)+" load balancer", "name an Application Load Balancer"))
	case s.Network.VPCID != "" && aws.ToString(lb.VpcId) != s.Network.VPCID:
		out = append(out, failed("load balancer", ex.ARN, "is in "+aws.ToString(lb.VpcId)+", not in "+s.Network.VPCID, "name a load balancer of the platform's VPC"))
	case lb.Scheme == "internal":
		out = append(out, warned("load balancer", ex.ARN, "is internal: the internet cannot reach it", "name an internet-facing load balancer if the platform serves the public"))
	default:
		out = append(out, passed("load balancer", ex.ARN, "application, "+string(lb.Scheme)+", in "+aws.ToString(lb.VpcId)))
	}
	lsns := slices.DeleteFunc([]string{ex.ListenerARN, ex.TestListenerARN}, func(a string) bool { return a == "" })
	if len(lsns) > 0 {
		lo, err := v.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(ex.ARN)})
		if err != nil {
			out = append(out, unchecked("listeners", strings.Join(lsns, ", "), err))
		} else {
			own := map[string]bool{}
			for _, l := range lo.Listeners {
				own[aws.ToString(l.ListenerArn)] = true
			}
			var foreign []string
			for _, a := range lsns {
				if !own[a] {
					foreign = append(foreign, a)
				}
			}
			if len(foreign) > 0 {
				out = append(out, failed("listeners", strings.Join(lsns, ", "), list(foreign)+": not a listener of the load balancer",
					"name listeners of "+ex.ARN+" (aws elbv2 describe-listeners --load-balancer-arn …)"))
			} else {
				out = append(out, passed("listeners", strings.Join(lsns, ", "), "of the load balancer"))
			}
		}
	}
	var tgs []string
	for _, pair := range [][]string{ex.TargetGroups.Backend, ex.TargetGroups.Frontend} {
		tgs = append(tgs, pair...)
	}
	if len(tgs) > 0 {
		out = append(out, v.targetGroups(ctx, s, ex.ARN, aws.ToString(lb.VpcId), tgs))
	}
	return out
}

func (v *Verifier) targetGroups(ctx context.Context, s *profiles.Spec, lbARN, vpc string, arns []string) Check {
	const name = "target groups"
	subject := strings.Join(arns, ", ")
	out, err := v.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: arns})
	switch {
	case notFound(err):
		return failed(name, subject, "one or more do not exist: "+reason(err), "name target groups of this account and region")
	case err != nil:
		return unchecked(name, subject, err)
	}
	want := "ip"
	if s.LaunchType == profiles.LaunchEC2 {
		want = "instance"
	}
	var bad []string
	for _, tg := range out.TargetGroups {
		a := aws.ToString(tg.TargetGroupArn)
		switch {
		case aws.ToString(tg.VpcId) != vpc:
			bad = append(bad, a+" is in "+aws.ToString(tg.VpcId))
		case string(tg.TargetType) != want:
			bad = append(bad, fmt.Sprintf("%s has target type %s, the tasks register as %s", a, tg.TargetType, want))
		case len(tg.LoadBalancerArns) > 0 && !slices.Contains(tg.LoadBalancerArns, lbARN):
			bad = append(bad, a+" serves another load balancer")
		}
	}
	if len(bad) > 0 {
		return failed(name, subject, strings.Join(bad, "; "), "name target groups of the load balancer's VPC with target type "+want+", free or attached to this load balancer")
	}
	return passed(name, subject, "in "+vpc+", target type "+want)
}

// connections: every connection the pipelines use is AVAILABLE.
func (v *Verifier) connections(ctx context.Context, s *profiles.Spec) []Check {
	const name = "connection"
	seen := map[string]bool{}
	var out []Check
	for _, svc := range []*profiles.Service{&s.Backend, &s.Frontend.Service} {
		if svc.Repository.Name == "" || svc == &s.Frontend.Service && !s.FrontendOnECS() && !s.FrontendOnS3() {
			continue
		}
		arn := s.Pipeline.Connections.For(svc.Repository.Provider)
		if arn == "" {
			arn = s.Pipeline.ConnectionARN
		}
		if arn == "" || seen[arn] {
			continue
		}
		seen[arn] = true
		co, err := v.Connections.GetConnection(ctx, &codeconnections.GetConnectionInput{ConnectionArn: aws.String(arn)})
		switch {
		case notFound(err):
			out = append(out, failed(name, arn, "no such connection", "check the ARN (aws codeconnections list-connections), or leave it empty to have one created"))
			continue
		case err != nil:
			out = append(out, unchecked(name, arn, err))
			continue
		}
		c := co.Connection
		switch c.ConnectionStatus {
		case conntypes.ConnectionStatusAvailable:
			out = append(out, passed(name, arn, string(c.ProviderType)+", AVAILABLE"))
		case conntypes.ConnectionStatusPending:
			out = append(out, warned(name, arn, aws.ToString(c.ConnectionName)+" is PENDING: the pipelines cannot read the repository until it is activated",
				"activate it once in the AWS console: Developer Tools > Settings > Connections > "+aws.ToString(c.ConnectionName)+" > Update pending connection"))
		default:
			out = append(out, failed(name, arn, aws.ToString(c.ConnectionName)+" is "+string(c.ConnectionStatus),
				"fix or replace the connection in the AWS console (Developer Tools > Settings > Connections)"))
		}
	}
	return out
}

// serviceLinkedRole: ECS's service-linked role exists; a missing one is a
// warning, as ECS creates it with the first cluster when the caller may.
func (v *Verifier) serviceLinkedRole(ctx context.Context, _ *profiles.Spec) []Check {
	const name, role = "service-linked role", "AWSServiceRoleForECS"
	_, err := v.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	switch {
	case err == nil:
		return []Check{passed(name, role, "exists")}
	case notFound(err):
		return []Check{warned(name, role, "does not exist yet; ECS creates it with the cluster if these credentials may iam:CreateServiceLinkedRole",
			"if up fails on it, run once: aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com")}
	}
	return []Check{unchecked(name, role, err)}
}

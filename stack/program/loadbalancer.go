package program

import (
	"fmt"
	"strings"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// LoadBalancer is the Application Load Balancer (created or existing), the
// blue and green target groups of each ECS tier, the listeners and their
// host rules, and the DNS records of the tiers' hosts.
type LoadBalancer struct {
	pulumi.ResourceState

	DNSName pulumi.StringOutput
	ZoneID  pulumi.StringOutput
	// TargetGroups holds [blue, green] per ECS tier.
	TargetGroups map[profiles.Role][2]TargetGroupRef
	// ProdListeners carry production traffic; TestListener the blue/green
	// test traffic (empty without one). Rules lists the rule ARNs that
	// forward to the tiers, which CodeDeploy rewrites.
	ProdListeners pulumi.StringArray
	TestListener  pulumi.StringOutput
	Rules         pulumi.StringArray
	// deps is what an ECS service waits for: its target group must be
	// attached to a listener before the service registers targets.
	deps []pulumi.Resource
}

// TargetGroupRef is a target group's ARN and name.
type TargetGroupRef struct {
	ARN  pulumi.StringOutput
	Name pulumi.StringOutput
}

// Colors of a tier's two target groups.
var colors = [2]string{"blue", "green"}

// targetGroupPort is the port of every target group ecsdeck creates. ECS
// registers each task with its own port (the container's, or a dynamic host
// port), and the health check uses that port, so the group's port is only a
// default. NOTE: it stays fixed because a changed port replaces the group,
// and the new group cannot take the name the old one still holds: a new
// application port or nginx would otherwise fail the update.
const targetGroupPort = 80

// tgNameFromARN returns the name in a target group ARN (targetgroup/<name>/<id>).
func tgNameFromARN(arn string) string {
	i := strings.Index(arn, ":targetgroup/")
	if i < 0 {
		return ""
	}
	rest := arn[i+len(":targetgroup/"):]
	if j := strings.Index(rest, "/"); j >= 0 {
		return rest[:j]
	}
	return rest
}

// URL is the endpoint of an ECS tier: https://<host>, or the load
// balancer's own name without a domain.
func (l *LoadBalancer) URL(s *profiles.Spec, r profiles.Role) pulumi.StringOutput {
	scheme := "http://"
	if s.HTTPS() {
		scheme = "https://"
	}
	if h := hosts(s, r); len(h) > 0 {
		return pulumi.String(scheme + h[0]).ToStringOutput()
	}
	return pulumi.Sprintf("%s%s", scheme, l.DNSName)
}

func (p *platform) newLoadBalancer(net *Network) (*LoadBalancer, error) {
	s := p.spec
	c := &LoadBalancer{TargetGroups: map[profiles.Role][2]TargetGroupRef{}, TestListener: pulumi.String("").ToStringOutput()}
	if err := p.component(TypeLoadBalancer, "load-balancer", c); err != nil {
		return nil, err
	}
	opt := pulumi.Parent(c)
	var prod, test pulumi.StringInput
	if e := s.LoadBalancer.Existing; e != nil {
		alb, err := p.existingLB()
		if err != nil {
			return nil, err
		}
		c.DNSName = pulumi.String(alb.DnsName).ToStringOutput()
		c.ZoneID = pulumi.String(alb.ZoneId).ToStringOutput()
		for _, t := range s.Tiers() {
			arns := e.TargetGroups.Backend
			if t.Role == profiles.RoleFrontend {
				arns = e.TargetGroups.Frontend
			}
			if err := p.checkAttached(t.Role, arns); err != nil {
				return nil, err
			}
			var pair [2]TargetGroupRef
			for i := range pair {
				pair[i] = TargetGroupRef{ARN: pulumi.String(arns[i]).ToStringOutput(), Name: pulumi.String(tgNameFromARN(arns[i])).ToStringOutput()}
			}
			c.TargetGroups[t.Role] = pair
		}
		prod = pulumi.String(e.ListenerARN)
		c.ProdListeners = pulumi.StringArray{prod}
		if e.TestListenerARN != "" && s.BlueGreen() {
			test = pulumi.String(e.TestListenerARN)
			c.TestListener = pulumi.String(e.TestListenerARN).ToStringOutput()
		}
	} else {
		var err error
		if prod, test, err = p.createLoadBalancer(c, net); err != nil {
			return nil, err
		}
	}
	if err := p.hostRules(c, prod, test); err != nil {
		return nil, err
	}
	if err := p.lbRecords(c, opt); err != nil {
		return nil, err
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"dnsName": c.DNSName})
}

// existingLB reads the existing load balancer once.
func (p *platform) existingLB() (*lb.LookupLoadBalancerResult, error) {
	if p.alb != nil {
		return p.alb, nil
	}
	e := p.spec.LoadBalancer.Existing
	alb, err := lb.LookupLoadBalancer(p.ctx, &lb.LookupLoadBalancerArgs{Arn: pulumi.StringRef(e.ARN)}, p.invoke()...)
	if err != nil {
		return nil, fmt.Errorf("look up loadBalancer.existing.arn: %w", err)
	}
	p.alb = alb
	return alb, nil
}

// checkAttached makes sure, before anything is created, that traffic of the
// existing load balancer can reach a tier's blue target group: ecsdeck
// forwards to it by host name when it knows the tier's hosts; otherwise it
// must already be attached to a listener of that load balancer. Neither
// target group may belong to another load balancer.
func (p *platform) checkAttached(r profiles.Role, arns []string) error {
	e := p.spec.LoadBalancer.Existing
	field := "loadBalancer.existing.targetGroups." + string(r)
	for i, arn := range arns {
		tg, err := lb.LookupTargetGroup(p.ctx, &lb.LookupTargetGroupArgs{Arn: pulumi.StringRef(arn)}, p.invoke()...)
		if err != nil {
			return fmt.Errorf("look up %s[%d]: %w", field, i, err)
		}
		ours := false
		for _, l := range tg.LoadBalancerArns {
			if l == e.ARN {
				ours = true
			} else {
				return fmt.Errorf("%s[%d]: target group %s belongs to the load balancer %s, not to loadBalancer.existing.arn %s: give target groups of that load balancer", field, i, arn, l, e.ARN)
			}
		}
		if i == 0 && !ours && len(hosts(p.spec, r)) == 0 {
			return fmt.Errorf("%s[0]: target group %s is attached to no listener of loadBalancer.existing.arn %s, and without domain.name ecsdeck adds no host rule to loadBalancer.existing.listenerArn, so no traffic would reach the %s: forward to it from that listener (its default action or a rule), or set domain.name", field, arn, e.ARN, r)
		}
	}
	return nil
}

// twoECSTiers says whether two services share the load balancer by host name.
func (p *platform) twoECSTiers() bool { return len(p.spec.Tiers()) == 2 }

func (p *platform) createLoadBalancer(c *LoadBalancer, net *Network) (prod, test pulumi.StringInput, err error) {
	s := p.spec
	opt := pulumi.Parent(c)
	targetType := "ip"
	if p.bridge() {
		targetType = "instance"
	}
	for _, t := range s.Tiers() {
		var pair [2]TargetGroupRef
		for i, color := range colors {
			name := p.n.targetGroup(t.Role, color)
			stick := s.LoadBalancer.StickinessSeconds
			tg, err := lb.NewTargetGroup(p.ctx, string(t.Role)+"-"+color, &lb.TargetGroupArgs{
				Name:                pulumi.String(name),
				Port:                pulumi.Int(targetGroupPort),
				Protocol:            pulumi.String("HTTP"),
				TargetType:          pulumi.String(targetType),
				VpcId:               net.VPCID,
				DeregistrationDelay: pulumi.Int(s.LoadBalancer.DeregistrationDelay),
				HealthCheck: &lb.TargetGroupHealthCheckArgs{
					Enabled:  pulumi.Bool(true),
					Path:     pulumi.String(t.Service.HealthCheckPath),
					Matcher:  pulumi.String(s.LoadBalancer.HealthCheckMatcher),
					Interval: pulumi.Int(s.LoadBalancer.HealthCheckInterval),
					Protocol: pulumi.String("HTTP"),
					Port:     pulumi.String("traffic-port"),
				},
				Stickiness: &lb.TargetGroupStickinessArgs{
					Type:           pulumi.String("lb_cookie"),
					Enabled:        pulumi.Bool(stick > 0),
					CookieDuration: pulumi.Int(max(stick, 1)),
				},
				Tags: p.tags(name),
			}, opt)
			if err != nil {
				return nil, nil, err
			}
			pair[i] = TargetGroupRef{ARN: tg.Arn, Name: tg.Name}
		}
		c.TargetGroups[t.Role] = pair
	}
	name := p.n.loadBalancer()
	alb, err := lb.NewLoadBalancer(p.ctx, "alb", &lb.LoadBalancerArgs{
		Name:                    pulumi.String(name),
		LoadBalancerType:        pulumi.String("application"),
		Internal:                pulumi.Bool(false),
		SecurityGroups:          pulumi.StringArray{net.LoadBalancerSG},
		Subnets:                 net.PublicSubnetIDs,
		IdleTimeout:             pulumi.Int(s.LoadBalancer.IdleTimeout),
		DropInvalidHeaderFields: pulumi.Bool(true),
		Tags:                    p.tags(name),
	}, opt)
	if err != nil {
		return nil, nil, err
	}
	c.DNSName, c.ZoneID = alb.DnsName, alb.ZoneId

	listener := func(logical string, port int, green bool) (*lb.Listener, error) {
		args := &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(port),
			Protocol:        pulumi.String("HTTP"),
			DefaultActions:  lb.ListenerDefaultActionArray{p.defaultAction(c, green)},
			Tags:            p.tags(p.n.of(logical)),
		}
		if s.HTTPS() {
			args.Protocol = pulumi.String("HTTPS")
			args.CertificateArn = pulumi.String(s.Domain.CertificateARN)
			args.SslPolicy = pulumi.String(s.LoadBalancer.SSLPolicy)
		}
		return lb.NewListener(p.ctx, logical, args, append([]pulumi.ResourceOption{opt}, p.codeDeployOwns("defaultActions", !p.twoECSTiers())...)...)
	}
	if s.HTTPS() {
		redirect, err := lb.NewListener(p.ctx, "http-listener", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(80),
			Protocol:        pulumi.String("HTTP"),
			DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
				Type: pulumi.String("redirect"),
				Redirect: &lb.ListenerDefaultActionRedirectArgs{
					Protocol: pulumi.String("HTTPS"), Port: pulumi.String("443"), StatusCode: pulumi.String("HTTP_301"),
				},
			}},
			Tags: p.tags(p.n.of("http")),
		}, opt)
		if err != nil {
			return nil, nil, err
		}
		c.deps = append(c.deps, redirect)
		https, err := listener("https-listener", 443, false)
		if err != nil {
			return nil, nil, err
		}
		c.deps = append(c.deps, https)
		prod = https.Arn
	} else {
		http, err := listener("http-listener", 80, false)
		if err != nil {
			return nil, nil, err
		}
		c.deps = append(c.deps, http)
		prod = http.Arn
	}
	c.ProdListeners = pulumi.StringArray{prod}
	if s.BlueGreen() {
		tl, err := listener("test-listener", s.LoadBalancer.TestListenerPort, true)
		if err != nil {
			return nil, nil, err
		}
		c.deps = append(c.deps, tl)
		test = tl.Arn
		c.TestListener = tl.Arn
	}
	return prod, test, nil
}

// defaultAction forwards to the only ECS tier; with two tiers routed by
// host name, anything else gets a 404.
func (p *platform) defaultAction(c *LoadBalancer, green bool) *lb.ListenerDefaultActionArgs {
	if p.twoECSTiers() {
		return &lb.ListenerDefaultActionArgs{
			Type: pulumi.String("fixed-response"),
			FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
				ContentType: pulumi.String("text/plain"), StatusCode: pulumi.String("404"), MessageBody: pulumi.String("not found"),
			},
		}
	}
	i := 0
	if green {
		i = 1
	}
	return &lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: c.TargetGroups[profiles.RoleBackend][i].ARN}
}

// codeDeployOwns ignores a property that CodeDeploy rewrites on every
// blue/green deployment (when it forwards to a tier), and nothing else.
func (p *platform) codeDeployOwns(property string, forwards bool) []pulumi.ResourceOption {
	if p.spec.BlueGreen() && forwards {
		return []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{property})}
	}
	return nil
}

// hostRules routes each tier's hosts to its target group: on a created load
// balancer with two tiers, and on an existing one whenever hosts are known.
func (p *platform) hostRules(c *LoadBalancer, prod, test pulumi.StringInput) error {
	s := p.spec
	existing := s.LoadBalancer.Existing != nil
	if !existing && !p.twoECSTiers() {
		return nil
	}
	for i, t := range s.Tiers() {
		h := hosts(s, t.Role)
		if len(h) == 0 {
			continue
		}
		for j, l := range []pulumi.StringInput{prod, test} {
			if l == nil {
				continue
			}
			logical := string(t.Role) + "-rule"
			if j == 1 {
				logical = string(t.Role) + "-test-rule"
			}
			args := &lb.ListenerRuleArgs{
				ListenerArn: l,
				Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
					Type: pulumi.String("forward"), TargetGroupArn: c.TargetGroups[t.Role][j].ARN,
				}},
				Conditions: lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
					HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.ToStringArray(h)},
				}},
				Tags: p.tags(p.n.of(string(t.Role))),
			}
			if !existing {
				// NOTE: on an existing listener AWS picks the next free priority.
				args.Priority = pulumi.Int(10 * (i + 1))
			}
			rule, err := lb.NewListenerRule(p.ctx, logical, args, append([]pulumi.ResourceOption{pulumi.Parent(c)}, p.codeDeployOwns("actions", true)...)...)
			if err != nil {
				return err
			}
			c.deps = append(c.deps, rule)
			c.Rules = append(c.Rules, rule.Arn)
		}
	}
	return nil
}

// lbRecords points each ECS tier's hosts at the load balancer: the record
// names are exactly the hosts of the listener rules.
func (p *platform) lbRecords(c *LoadBalancer, opt pulumi.ResourceOption) error {
	s := p.spec
	if s.Domain.HostedZoneID == "" {
		return nil
	}
	for _, t := range s.Tiers() {
		for _, h := range hosts(s, t.Role) {
			if _, err := route53.NewRecord(p.ctx, "dns-"+h, &route53.RecordArgs{
				ZoneId: pulumi.String(s.Domain.HostedZoneID),
				Name:   pulumi.String(h),
				Type:   pulumi.String("A"),
				Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
					Name: c.DNSName, ZoneId: c.ZoneID, EvaluateTargetHealth: pulumi.Bool(true),
				}},
			}, opt); err != nil {
				return err
			}
		}
	}
	return nil
}

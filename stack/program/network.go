package program

import (
	"fmt"
	"net/netip"
	"sort"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Network is the VPC of the platform (created or existing), its subnets and
// its security groups.
type Network struct {
	pulumi.ResourceState

	VPCID             pulumi.StringOutput
	CIDR              pulumi.StringOutput // the VPC's CIDR block
	PublicSubnetIDs   pulumi.StringArrayOutput
	DatabaseSubnetIDs pulumi.StringArrayOutput // empty without a database
	LoadBalancerSG    pulumi.StringOutput
	// admitted are the security groups the tasks admit traffic from: the
	// load balancer's.
	admitted   pulumi.StringArray
	TasksSG    pulumi.StringOutput
	DatabaseSG pulumi.StringOutput // empty without a database
	KeyName    pulumi.StringOutput // empty without a key pair
}

// Ephemeral host ports Docker maps container ports to in bridge mode.
const (
	dynamicPortFrom = 32768
	dynamicPortTo   = 65535
)

// splitCIDR cuts a block into four equal subnets: two public, two for the database.
func splitCIDR(block string) ([4]string, error) {
	var out [4]string
	pfx, err := netip.ParsePrefix(block)
	if err != nil || !pfx.Addr().Is4() {
		return out, fmt.Errorf("network.cidr %q is not an IPv4 CIDR block", block)
	}
	bits := pfx.Bits() + 2
	base := pfx.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := uint32(1) << (32 - bits)
	for i := range out {
		a := start + uint32(i)*size
		addr := netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		out[i] = netip.PrefixFrom(addr, bits).String()
	}
	return out, nil
}

// zones returns the two availability zones of a created VPC: the Spec's, or
// the first two the region offers to this account.
func (p *platform) zones() ([]string, error) {
	if z := p.spec.Network.AvailabilityZones; len(z) == 2 {
		return z, nil
	}
	res, err := aws.GetAvailabilityZones(p.ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{
			Name: "opt-in-status", Values: []string{"opt-in-not-required"},
		}},
	}, p.invoke()...)
	if err != nil {
		return nil, fmt.Errorf("look up the availability zones of %s: %w", p.spec.Region, err)
	}
	names := append([]string(nil), res.Names...)
	sort.Strings(names)
	if len(names) < 2 {
		return nil, fmt.Errorf("region %s offers %d availability zones to this account (2 are needed)", p.spec.Region, len(names))
	}
	return names[:2], nil
}

// taskPorts lists the ports the load balancer reaches on the tasks: each
// service's exposed port (nginx's 80, or the application's), or Docker's
// dynamic host ports on EC2, and the Spec's extra appPorts.
func (p *platform) taskPorts() [][2]int {
	seen := map[[2]int]bool{}
	var out [][2]int
	add := func(from, to int) {
		k := [2]int{from, to}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, t := range p.spec.Tiers() {
		if p.bridge() {
			add(dynamicPortFrom, dynamicPortTo)
		} else {
			add(exposedPort(t.Service), exposedPort(t.Service))
		}
	}
	for _, port := range p.spec.Network.AppPorts {
		add(port, port)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// bridge says whether tasks use Docker's bridge network (EC2 capacity).
//
// NOTE: on EC2, awsvpc tasks get no public IP, so in public subnets without
// a NAT gateway they could neither call out nor open an ECS Exec session.
// Bridge mode uses the instance's network, and the load balancer reaches
// the tasks on dynamic host ports through instance targets.
func (p *platform) bridge() bool { return p.spec.LaunchType == profiles.LaunchEC2 }

// exposedPort is the container port the load balancer sends traffic to.
func exposedPort(s *profiles.Service) int {
	if s.Nginx.Enabled {
		return 80
	}
	return s.Port
}

func (p *platform) newNetwork() (*Network, error) {
	s := p.spec
	c := &Network{}
	if err := p.component(TypeNetwork, "network", c); err != nil {
		return nil, err
	}
	opt := pulumi.Parent(c)
	if s.CreatesVPC() {
		if err := p.createVPC(c, opt); err != nil {
			return nil, err
		}
	} else {
		c.VPCID = pulumi.String(s.Network.VPCID).ToStringOutput()
		vpc, err := ec2.LookupVpc(p.ctx, &ec2.LookupVpcArgs{Id: pulumi.StringRef(s.Network.VPCID)}, p.invoke()...)
		if err != nil {
			return nil, fmt.Errorf("look up network.vpcId %s: %w", s.Network.VPCID, err)
		}
		c.CIDR = pulumi.String(vpc.CidrBlock).ToStringOutput()
		c.PublicSubnetIDs = pulumi.ToStringArray(s.Network.SubnetIDs).ToStringArrayOutput()
		ids := []string{}
		if s.HasDatabase() {
			ids = s.Network.DatabaseSubnetIDs
		}
		c.DatabaseSubnetIDs = pulumi.ToStringArray(ids).ToStringArrayOutput()
	}
	if err := p.securityGroups(c, opt); err != nil {
		return nil, err
	}
	if s.HasDatabase() && s.Network.DatabaseACL.Enabled {
		if err := p.databaseACL(c, opt); err != nil {
			return nil, err
		}
	}
	c.KeyName = pulumi.String(s.Capacity.EC2.KeyName).ToStringOutput()
	if s.LaunchType == profiles.LaunchEC2 && s.Capacity.EC2.SSHPublicKey != "" {
		kp, err := ec2.NewKeyPair(p.ctx, "key-pair", &ec2.KeyPairArgs{
			KeyName:   pulumi.String(p.n.of("ecs")),
			PublicKey: pulumi.String(s.Capacity.EC2.SSHPublicKey),
			Tags:      p.tags(p.n.of("ecs")),
		}, opt,
			// NOTE: a new public key replaces the key pair, whose name can
			// exist only once; running instances keep the key they started with.
			pulumi.DeleteBeforeReplace(true))
		if err != nil {
			return nil, err
		}
		c.KeyName = kp.KeyName
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{
		"vpcId":           c.VPCID,
		"publicSubnetIds": c.PublicSubnetIDs,
		"tasksSg":         c.TasksSG,
	})
}

func (p *platform) createVPC(c *Network, opt pulumi.ResourceOption) error {
	s := p.spec
	blocks, err := splitCIDR(s.Network.CIDR)
	if err != nil {
		return err
	}
	zones, err := p.zones()
	if err != nil {
		return err
	}
	vpc, err := ec2.NewVpc(p.ctx, "vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(s.Network.CIDR),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               p.tags(p.n.of("vpc")),
	}, opt)
	if err != nil {
		return err
	}
	c.VPCID, c.CIDR = vpc.ID().ToStringOutput(), vpc.CidrBlock
	igw, err := ec2.NewInternetGateway(p.ctx, "internet-gateway", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.n.of("igw")),
	}, opt)
	if err != nil {
		return err
	}
	public, err := ec2.NewRouteTable(p.ctx, "public-routes", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.n.of("public")),
	}, opt)
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(p.ctx, "public-default-route", &ec2.RouteArgs{
		RouteTableId:         public.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, opt); err != nil {
		return err
	}
	letters := []string{"a", "b"}
	var pubIDs pulumi.StringArray
	for i, z := range zones {
		sn, err := ec2.NewSubnet(p.ctx, "public-"+letters[i], &ec2.SubnetArgs{
			VpcId:               vpc.ID(),
			CidrBlock:           pulumi.String(blocks[i]),
			AvailabilityZone:    pulumi.String(z),
			MapPublicIpOnLaunch: pulumi.Bool(true),
			Tags:                p.tags(p.n.of("public", z)),
		}, opt)
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(p.ctx, "public-"+letters[i]+"-routes", &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: public.ID(),
		}, opt); err != nil {
			return err
		}
		pubIDs = append(pubIDs, sn.ID())
	}
	c.PublicSubnetIDs = pubIDs.ToStringArrayOutput()
	dbIDs := pulumi.StringArray{}
	if s.HasDatabase() {
		// NOTE: the database subnets have their own route table with only the
		// VPC's local route: nothing there is reachable from the internet.
		private, err := ec2.NewRouteTable(p.ctx, "database-routes", &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Tags:  p.tags(p.n.of("database")),
		}, opt)
		if err != nil {
			return err
		}
		for i, z := range zones {
			sn, err := ec2.NewSubnet(p.ctx, "database-"+letters[i], &ec2.SubnetArgs{
				VpcId:               vpc.ID(),
				CidrBlock:           pulumi.String(blocks[2+i]),
				AvailabilityZone:    pulumi.String(z),
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags:                p.tags(p.n.of("database", z)),
			}, opt)
			if err != nil {
				return err
			}
			if _, err := ec2.NewRouteTableAssociation(p.ctx, "database-"+letters[i]+"-routes", &ec2.RouteTableAssociationArgs{
				SubnetId: sn.ID(), RouteTableId: private.ID(),
			}, opt); err != nil {
				return err
			}
			dbIDs = append(dbIDs, sn.ID())
		}
	}
	c.DatabaseSubnetIDs = dbIDs.ToStringArrayOutput()
	return nil
}

var anywhere = pulumi.StringArray{pulumi.String("0.0.0.0/0")}

func allEgress() ec2.SecurityGroupEgressArray {
	return ec2.SecurityGroupEgressArray{&ec2.SecurityGroupEgressArgs{
		Protocol: pulumi.String("-1"), FromPort: pulumi.Int(0), ToPort: pulumi.Int(0),
		CidrBlocks: anywhere, Description: pulumi.String("all outbound"),
	}}
}

func (p *platform) securityGroups(c *Network, opt pulumi.ResourceOption) error {
	s := p.spec
	given := s.Network.SecurityGroups
	switch {
	case s.LoadBalancer.Existing != nil && s.LoadBalancer.Existing.SecurityGroupID != "":
		c.LoadBalancerSG = pulumi.String(s.LoadBalancer.Existing.SecurityGroupID).ToStringOutput()
	case s.LoadBalancer.Existing != nil:
		// NOTE: the tasks admit every security group of the existing load
		// balancer, as AWS reports them.
		alb, err := p.existingLB()
		if err != nil {
			return err
		}
		if len(alb.SecurityGroups) == 0 {
			return fmt.Errorf("loadBalancer.existing.arn: %s has no security group for the tasks to admit: set loadBalancer.existing.securityGroupId to the group the tasks admit traffic from", alb.Arn)
		}
		c.LoadBalancerSG = pulumi.String(alb.SecurityGroups[0]).ToStringOutput()
		for _, sg := range alb.SecurityGroups {
			c.admitted = append(c.admitted, pulumi.String(sg))
		}
	case given.LoadBalancer != "":
		c.LoadBalancerSG = pulumi.String(given.LoadBalancer).ToStringOutput()
	default:
		ingress := ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(80), ToPort: pulumi.Int(80),
			CidrBlocks: anywhere, Description: pulumi.String("HTTP from anywhere"),
		}}
		if s.HTTPS() {
			ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
				Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
				CidrBlocks: anywhere, Description: pulumi.String("HTTPS from anywhere"),
			})
		}
		if s.BlueGreen() {
			port := s.LoadBalancer.TestListenerPort
			ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
				Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port),
				CidrBlocks:  pulumi.StringArray{c.CIDR},
				Description: pulumi.String("blue/green test listener, from inside the VPC only"),
			})
		}
		sg, err := ec2.NewSecurityGroup(p.ctx, "load-balancer-sg", &ec2.SecurityGroupArgs{
			Name:        pulumi.String(p.n.securityGroup("lb")),
			Description: pulumi.String("ecsdeck " + p.n.prefix + ": the load balancer"),
			VpcId:       c.VPCID,
			Ingress:     ingress,
			Egress:      allEgress(),
			Tags:        p.tags(p.n.securityGroup("lb")),
		}, opt)
		if err != nil {
			return err
		}
		c.LoadBalancerSG = sg.ID().ToStringOutput()
	}
	if len(c.admitted) == 0 {
		c.admitted = pulumi.StringArray{c.LoadBalancerSG}
	}
	if given.Tasks != "" {
		c.TasksSG = pulumi.String(given.Tasks).ToStringOutput()
	} else {
		var ingress ec2.SecurityGroupIngressArray
		for _, r := range p.taskPorts() {
			ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
				Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(r[0]), ToPort: pulumi.Int(r[1]),
				SecurityGroups: c.admitted,
				Description:    pulumi.String("from the load balancer only"),
			})
		}
		if s.ServiceConnect {
			// NOTE: the services call each other through their Service Connect
			// proxies: on the application ports, or on dynamic host ports.
			ranges := [][2]int{{dynamicPortFrom, dynamicPortTo}}
			if !p.bridge() {
				ranges = nil
				for _, t := range s.Tiers() {
					ranges = append(ranges, [2]int{t.Service.Port, t.Service.Port})
				}
			}
			for _, r := range ranges {
				ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
					Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(r[0]), ToPort: pulumi.Int(r[1]),
					Self: pulumi.Bool(true), Description: pulumi.String("Service Connect between the services"),
				})
			}
		}
		sg, err := ec2.NewSecurityGroup(p.ctx, "tasks-sg", &ec2.SecurityGroupArgs{
			Name:        pulumi.String(p.n.securityGroup("tasks")),
			Description: pulumi.String("ecsdeck " + p.n.prefix + ": the tasks of the services"),
			VpcId:       c.VPCID,
			Ingress:     ingress,
			Egress:      allEgress(),
			Tags:        p.tags(p.n.securityGroup("tasks")),
		}, opt)
		if err != nil {
			return err
		}
		c.TasksSG = sg.ID().ToStringOutput()
	}
	c.DatabaseSG = pulumi.String("").ToStringOutput()
	if !s.HasDatabase() {
		return nil
	}
	if given.Database != "" {
		c.DatabaseSG = pulumi.String(given.Database).ToStringOutput()
		return nil
	}
	sg, err := ec2.NewSecurityGroup(p.ctx, "database-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(p.n.securityGroup("db")),
		Description: pulumi.String("ecsdeck " + p.n.prefix + ": the database"),
		VpcId:       c.VPCID,
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(s.Database.Port), ToPort: pulumi.Int(s.Database.Port),
			SecurityGroups: pulumi.StringArray{c.TasksSG},
			Description:    pulumi.String("from the tasks of the services only"),
		}},
		Tags: p.tags(p.n.securityGroup("db")),
	}, opt)
	if err != nil {
		return err
	}
	c.DatabaseSG = sg.ID().ToStringOutput()
	return nil
}

// databaseACL admits only the database port from one CIDR (the VPC's by
// default) to the database subnets, and lets the answers go back.
func (p *platform) databaseACL(c *Network, opt pulumi.ResourceOption) error {
	s := p.spec
	cidr := c.CIDR
	if s.Network.DatabaseACL.CIDR != "" {
		cidr = pulumi.String(s.Network.DatabaseACL.CIDR).ToStringOutput()
	}
	_, err := ec2.NewNetworkAcl(p.ctx, "database-acl", &ec2.NetworkAclArgs{
		VpcId:     c.VPCID,
		SubnetIds: c.DatabaseSubnetIDs,
		Ingress: ec2.NetworkAclIngressArray{&ec2.NetworkAclIngressArgs{
			RuleNo: pulumi.Int(100), Action: pulumi.String("allow"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(s.Database.Port), ToPort: pulumi.Int(s.Database.Port), CidrBlock: cidr,
		}},
		Egress: ec2.NetworkAclEgressArray{&ec2.NetworkAclEgressArgs{
			RuleNo: pulumi.Int(100), Action: pulumi.String("allow"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(1024), ToPort: pulumi.Int(65535), CidrBlock: cidr,
		}},
		Tags: p.tags(p.n.of("database")),
	}, opt)
	return err
}

package program

import (
	"encoding/base64"
	"strings"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Cluster is the ECS cluster, its capacity (Fargate, or an Auto Scaling
// group of ECS-optimized instances) and its Service Connect namespace.
type Cluster struct {
	pulumi.ResourceState

	Name      pulumi.StringOutput
	ARN       pulumi.StringOutput
	Namespace pulumi.StringOutput // Service Connect namespace ARN; empty without it
	LogGroups []string
	// Strategy is the capacity provider strategy every service uses.
	Strategy []CapacityItem
	// providers is the resource the services wait for.
	providers pulumi.Resource
}

// CapacityItem is one entry of a capacity provider strategy.
type CapacityItem struct {
	Provider string
	Base     int
	Weight   int
}

// AMIParameters are the SSM public parameters of the ECS-optimized Amazon
// Linux 2023 AMI, by architecture.
var AMIParameters = map[profiles.Architecture]string{
	profiles.ArchX86: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
	profiles.ArchARM: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
}

// strategy is the capacity provider strategy of the platform's services.
func (p *platform) strategy() []CapacityItem {
	if p.spec.LaunchType == profiles.LaunchEC2 {
		return []CapacityItem{{Provider: p.n.capacityProvider(), Weight: 1}}
	}
	f := p.spec.Capacity.Fargate
	var out []CapacityItem
	if f.SpotWeight > 0 || f.SpotBase > 0 {
		out = append(out, CapacityItem{Provider: "FARGATE_SPOT", Base: f.SpotBase, Weight: f.SpotWeight})
	}
	if f.OnDemandWeight > 0 {
		out = append(out, CapacityItem{Provider: "FARGATE", Weight: f.OnDemandWeight})
	}
	return out
}

// logGroup creates a log group with the platform's retention.
func (p *platform) logGroup(parent pulumi.Resource, logical, name string) (*cloudwatch.LogGroup, error) {
	return cloudwatch.NewLogGroup(p.ctx, logical, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(name),
		RetentionInDays: pulumi.Int(p.spec.Cluster.LogRetentionDays),
		Tags:            p.tags(name),
	}, pulumi.Parent(parent))
}

func (p *platform) newCluster(net *Network) (*Cluster, error) {
	s := p.spec
	c := &Cluster{Strategy: p.strategy()}
	if err := p.component(TypeCluster, "cluster", c); err != nil {
		return nil, err
	}
	opt := pulumi.Parent(c)
	name := p.n.cluster()
	var deps []pulumi.Resource
	insights := "disabled"
	if s.Cluster.ContainerInsights {
		insights = "enabled"
		// NOTE: Container Insights would create this group itself, without retention.
		lg, err := p.logGroup(c, "insights-logs", "/aws/ecs/containerinsights/"+name+"/performance")
		if err != nil {
			return nil, err
		}
		c.LogGroups = append(c.LogGroups, "/aws/ecs/containerinsights/"+name+"/performance")
		deps = append(deps, lg)
	}
	args := &ecs.ClusterArgs{
		Name:     pulumi.String(name),
		Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String(insights)}},
		Tags:     p.tags(name),
	}
	if s.Cluster.ExecEnabled {
		execLogs := p.n.logGroup("exec")
		if _, err := p.logGroup(c, "exec-logs", execLogs); err != nil {
			return nil, err
		}
		c.LogGroups = append(c.LogGroups, execLogs)
		args.Configuration = &ecs.ClusterConfigurationArgs{
			ExecuteCommandConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationArgs{
				Logging: pulumi.String("OVERRIDE"),
				LogConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs{
					CloudWatchLogGroupName: pulumi.String(execLogs),
				},
			},
		}
	}
	c.Namespace = pulumi.String("").ToStringOutput()
	if s.ServiceConnect {
		ns, err := servicediscovery.NewHttpNamespace(p.ctx, "service-connect", &servicediscovery.HttpNamespaceArgs{
			Name:        pulumi.String(p.n.prefix),
			Description: pulumi.String("ecsdeck " + p.n.prefix + ": Service Connect"),
			Tags:        p.tags(p.n.prefix),
		}, opt)
		if err != nil {
			return nil, err
		}
		c.Namespace = ns.Arn
		args.ServiceConnectDefaults = &ecs.ClusterServiceConnectDefaultsArgs{Namespace: ns.Arn}
	}
	cluster, err := ecs.NewCluster(p.ctx, "ecs-cluster", args, opt, pulumi.DependsOn(deps))
	if err != nil {
		return nil, err
	}
	c.Name, c.ARN = cluster.Name, cluster.Arn
	providers := pulumi.StringArray{pulumi.String("FARGATE"), pulumi.String("FARGATE_SPOT")}
	var cpDeps []pulumi.Resource
	if s.LaunchType == profiles.LaunchEC2 {
		cp, err := p.ec2Capacity(c, net, name)
		if err != nil {
			return nil, err
		}
		providers = pulumi.StringArray{cp.Name}
		cpDeps = append(cpDeps, cp)
	}
	var strategy ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray
	for _, it := range c.Strategy {
		strategy = append(strategy, &ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String(it.Provider), Base: pulumi.Int(it.Base), Weight: pulumi.Int(it.Weight),
		})
	}
	ccp, err := ecs.NewClusterCapacityProviders(p.ctx, "capacity-providers", &ecs.ClusterCapacityProvidersArgs{
		ClusterName:                       cluster.Name,
		CapacityProviders:                 providers,
		DefaultCapacityProviderStrategies: strategy,
	}, opt, pulumi.DependsOn(cpDeps))
	if err != nil {
		return nil, err
	}
	c.providers = ccp
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"name": c.Name, "arn": c.ARN})
}

// userData configures the ECS agent of an instance.
func (p *platform) userData(cluster string) string {
	lines := []string{
		"#!/bin/bash",
		"cat >> /etc/ecs/ecs.config <<'CONFIG'",
		"ECS_CLUSTER=" + cluster,
		"ECS_ENABLE_TASK_IAM_ROLE=true",
		"ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance",
	}
	if p.spec.Capacity.EC2.Spot {
		lines = append(lines, "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true")
	}
	lines = append(lines, "CONFIG", "")
	return strings.Join(lines, "\n")
}

// ec2Capacity creates the instances of an EC2 cluster: role and profile,
// launch template with the ECS-optimized AMI, Auto Scaling group and its
// capacity provider with managed scaling and termination protection.
func (p *platform) ec2Capacity(c *Cluster, net *Network, cluster string) (*ecs.CapacityProvider, error) {
	s := p.spec
	e := s.Capacity.EC2
	opt := pulumi.Parent(c)
	// NOTE: EC2 resolves the public parameter when it launches an instance,
	// so new instances get the current ECS-optimized AMI without ecsdeck
	// reading the parameter (whose value the provider may return as a secret).
	ami := "resolve:ssm:" + AMIParameters[s.Architecture]
	roleName := p.n.global("ecs-instance")
	role, err := p.role(c, roleSpec{
		logical: "instance-role", name: roleName, service: "ec2",
		desc: "ecsdeck " + p.n.prefix + ": ECS container instances",
		// NOTE: the ECS agent's own policy, maintained by AWS; the tasks pull
		// images and write logs with their execution role, not this one.
		managed: []string{p.n.managedPolicy("service-role/AmazonEC2ContainerServiceforEC2Role")},
	})
	if err != nil {
		return nil, err
	}
	profile, err := iam.NewInstanceProfile(p.ctx, "instance-profile", &iam.InstanceProfileArgs{
		Name: pulumi.String(roleName),
		Role: role.Name,
		Tags: p.tags(roleName),
	}, opt)
	if err != nil {
		return nil, err
	}
	ltName := p.n.of("ecs")
	instanceTags := pulumi.ToStringMap(tagsFor(s, ltName))
	lt, err := ec2.NewLaunchTemplate(p.ctx, "launch-template", &ec2.LaunchTemplateArgs{
		Name:                 pulumi.String(ltName),
		ImageId:              pulumi.String(ami),
		InstanceType:         pulumi.String(e.InstanceType),
		UserData:             pulumi.String(base64.StdEncoding.EncodeToString([]byte(p.userData(cluster)))),
		IamInstanceProfile:   &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		KeyName:              net.KeyName.ApplyT(func(k string) *string { return nilIfEmpty(k) }).(pulumi.StringPtrOutput),
		UpdateDefaultVersion: pulumi.Bool(true),
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex:              pulumi.Int(0),
			AssociatePublicIpAddress: pulumi.String("true"),
			SecurityGroups:           pulumi.StringArray{net.TasksSG},
			DeleteOnTermination:      pulumi.String("true"),
		}},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize: pulumi.Int(e.RootVolumeGiB), VolumeType: pulumi.String("gp3"),
				Encrypted: pulumi.String("true"), DeleteOnTermination: pulumi.String("true"),
			},
		}},
		// NOTE: IMDSv2 with a hop limit of 1: containers on the bridge network
		// cannot reach the instance's credentials.
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"), HttpTokens: pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		Monitoring: &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(true)},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: instanceTags},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: instanceTags},
		},
		Tags: p.tags(ltName),
	}, opt)
	if err != nil {
		return nil, err
	}
	asgTags := autoscaling.GroupTagArray{&autoscaling.GroupTagArgs{
		Key: pulumi.String("AmazonECSManaged"), Value: pulumi.String("true"), PropagateAtLaunch: pulumi.Bool(true),
	}}
	for _, k := range sortedKeys(tagsFor(s, ltName)) {
		asgTags = append(asgTags, &autoscaling.GroupTagArgs{
			Key: pulumi.String(k), Value: pulumi.String(tagsFor(s, ltName)[k]), PropagateAtLaunch: pulumi.Bool(true),
		})
	}
	asgArgs := &autoscaling.GroupArgs{
		Name:               pulumi.String(ltName),
		MinSize:            pulumi.Int(e.Min),
		MaxSize:            pulumi.Int(e.Max),
		DesiredCapacity:    pulumi.Int(e.Desired),
		VpcZoneIdentifiers: net.PublicSubnetIDs,
		// NOTE: required by managed termination protection: the capacity
		// provider decides which instance may go.
		ProtectFromScaleIn: pulumi.Bool(true),
		Tags:               asgTags,
	}
	if e.Spot {
		asgArgs.MixedInstancesPolicy = &autoscaling.GroupMixedInstancesPolicyArgs{
			InstancesDistribution: &autoscaling.GroupMixedInstancesPolicyInstancesDistributionArgs{
				OnDemandBaseCapacity:                pulumi.Int(0),
				OnDemandPercentageAboveBaseCapacity: pulumi.Int(0),
				SpotAllocationStrategy:              pulumi.String("price-capacity-optimized"),
			},
			LaunchTemplate: &autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs{
				LaunchTemplateSpecification: &autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs{
					LaunchTemplateId: lt.ID(), Version: pulumi.String("$Latest"),
				},
			},
		}
	} else {
		asgArgs.LaunchTemplate = &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID(), Version: pulumi.String("$Latest")}
	}
	asg, err := autoscaling.NewGroup(p.ctx, "auto-scaling-group", asgArgs, opt,
		// NOTE: managed scaling owns the group's desired capacity.
		pulumi.IgnoreChanges([]string{"desiredCapacity"}))
	if err != nil {
		return nil, err
	}
	cpName := p.n.capacityProvider()
	return ecs.NewCapacityProvider(p.ctx, "capacity-provider", &ecs.CapacityProviderArgs{
		Name: pulumi.String(cpName),
		AutoScalingGroupProvider: &ecs.CapacityProviderAutoScalingGroupProviderArgs{
			AutoScalingGroupArn:          asg.Arn,
			ManagedTerminationProtection: pulumi.String("ENABLED"),
			ManagedDraining:              pulumi.String("ENABLED"),
			ManagedScaling: &ecs.CapacityProviderAutoScalingGroupProviderManagedScalingArgs{
				Status:         pulumi.String("ENABLED"),
				TargetCapacity: pulumi.Int(e.TargetCapacity),
			},
		},
		Tags: p.tags(cpName),
	}, opt)
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

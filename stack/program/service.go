package program

import (
	"fmt"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Deployment controllers.
const (
	ControllerECS        = "ECS"
	ControllerCodeDeploy = "CODE_DEPLOY"
)

// Service is one ECS tier: its log group, roles, task definition, service,
// autoscaling, and (blue/green) its CodeDeploy application and group.
type Service struct {
	pulumi.ResourceState

	Role             profiles.Role
	Name             pulumi.StringOutput
	ARN              pulumi.StringOutput
	TaskFamily       string
	LogGroup         string
	ExecRoleARN      pulumi.StringOutput
	TaskRoleARN      pulumi.StringOutput
	DeployController string
	CodeDeployApp    pulumi.StringOutput // empty when rolling
	CodeDeployGroup  pulumi.StringOutput // empty when rolling
	TargetGroups     [2]TargetGroupRef
	URL              pulumi.StringOutput
	// LBContainer and LBPort are the container and port behind the load balancer.
	LBContainer string
	LBPort      int
	// Subnets and SecurityGroups are the awsvpc network of the tasks; empty
	// in bridge mode.
	Subnets        pulumi.StringArrayOutput
	SecurityGroups pulumi.StringArrayOutput
	// VolumeRoleARN is the role ECS manages the tasks' EBS volumes with; nil
	// without an EBS volume.
	VolumeRoleARN pulumi.StringInput
}

type serviceDeps struct {
	net     *Network
	cluster *Cluster
	lb      *LoadBalancer
	cfg     *Config
	reg     *Registry
	db      *Database
}

func (p *platform) newService(t profiles.TierService, d serviceDeps) (*Service, error) {
	s := p.spec
	r, svc := t.Role, t.Service
	c := &Service{
		Role:             r,
		TaskFamily:       p.n.service(r),
		LogGroup:         p.n.logGroup(string(r)),
		DeployController: ControllerECS,
		CodeDeployApp:    pulumi.String("").ToStringOutput(),
		CodeDeployGroup:  pulumi.String("").ToStringOutput(),
		TargetGroups:     d.lb.TargetGroups[r],
		URL:              d.lb.URL(s, r),
		LBContainer:      AppContainer,
		LBPort:           svc.Port,
	}
	worker := t.Worker != nil
	if worker {
		c.URL, c.LBPort = pulumi.String("").ToStringOutput(), 0
	}
	if svc.Nginx.Enabled {
		c.LBContainer, c.LBPort = NginxContainer, 80
	}
	if p.blueGreen(r) {
		c.DeployController = ControllerCodeDeploy
	}
	if err := p.component(TypeService, string(r), c); err != nil {
		return nil, err
	}
	opt := pulumi.Parent(c)
	if _, err := p.logGroup(c, string(r)+"-logs", c.LogGroup); err != nil {
		return nil, err
	}

	// The values the task definition refers to.
	appRepo, ngxRepo := d.reg.repo(r, ""), d.reg.repo(r, NginxContainer)
	appImage := pulumi.String(svc.Image).ToStringOutput()
	if svc.Image == "" {
		// NOTE: the pipeline pushes :latest with every build, so an update of
		// the platform keeps running the released image.
		appImage = pulumi.Sprintf("%s:latest", appRepo.RepositoryUrl)
	}
	ngxImage := pulumi.String(PublicNginxImage).ToStringOutput()
	switch {
	case svc.Nginx.Image != "":
		ngxImage = pulumi.String(svc.Nginx.Image).ToStringOutput()
	case ngxRepo != nil:
		ngxImage = pulumi.Sprintf("%s:latest", ngxRepo.RepositoryUrl)
	}
	envARN := pulumi.String("").ToStringOutput()
	if key, ok := d.cfg.envKeys[r]; ok {
		envARN = pulumi.Sprintf("%s/%s", d.cfg.BucketARN, key)
	}
	dbHost, dbSecret := pulumi.String("").ToStringOutput(), pulumi.String("").ToStringOutput()
	if d.db != nil && p.usesDatabase(r) {
		dbHost, dbSecret = d.db.Address, d.db.SecretARN
	}
	params := pulumi.StringMap{}
	if !p.hasPipeline(r) {
		// NOTE: without a build to write the environment file, the
		// placeholders reach the task as secrets, straight from SSM.
		for name, arn := range d.cfg.params[r] {
			params[name] = arn
		}
	}
	containers := pulumi.All(appImage, ngxImage, envARN, dbHost, dbSecret, params.ToStringMapOutput()).ApplyT(func(v []any) (string, error) {
		return p.containers(r, taskValues{
			AppImage: v[0].(string), NginxImage: v[1].(string), EnvFileARN: v[2].(string),
			DBHost: v[3].(string), DBSecretARN: v[4].(string), Params: v[5].(map[string]string),
		})
	}).(pulumi.StringOutput)

	var fs *fileSystem
	if svc.Volume.Kind == profiles.VolumeEFS {
		var err error
		if fs, err = p.newFileSystem(c, r, d.net); err != nil {
			return nil, err
		}
	}
	execRole, err := p.role(c, roleSpec{
		logical: string(r) + "-execution-role", name: p.n.global(string(r), "exec"), service: "ecs-tasks",
		desc:       "ecsdeck " + p.n.prefix + ": ECS starts the " + string(r) + " tasks (images, logs, settings)",
		statements: p.executionStatements(r, d, envARN, dbSecret, params),
	})
	if err != nil {
		return nil, err
	}
	taskRole, err := p.role(c, roleSpec{
		logical: string(r) + "-task-role", name: p.n.global(string(r), "task"), service: "ecs-tasks",
		desc:       "ecsdeck " + p.n.prefix + ": the " + string(r) + " application",
		statements: p.taskStatements(r, fs),
	})
	if err != nil {
		return nil, err
	}
	c.ExecRoleARN, c.TaskRoleARN = execRole.Arn, taskRole.Arn
	td, err := p.taskDefinition(c, r, containers, execRole.Arn, taskRole.Arn, fs)
	if err != nil {
		return nil, err
	}

	args := &ecs.ServiceArgs{
		Name:                 pulumi.String(p.n.service(r)),
		Cluster:              d.cluster.ARN,
		TaskDefinition:       td.Arn,
		DesiredCount:         pulumi.Int(svc.DesiredCount),
		EnableExecuteCommand: pulumi.Bool(s.Cluster.ExecEnabled),
		PropagateTags:        pulumi.String("SERVICE"),
		EnableEcsManagedTags: pulumi.Bool(true),
		DeploymentController: &ecs.ServiceDeploymentControllerArgs{Type: pulumi.String(c.DeployController)},
		Tags:                 p.tags(p.n.service(r)),
	}
	if !worker {
		args.HealthCheckGracePeriodSeconds = pulumi.Int(svc.HealthCheckGracePeriod)
		args.LoadBalancers = ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: c.TargetGroups[0].ARN, ContainerName: pulumi.String(c.LBContainer), ContainerPort: pulumi.Int(c.LBPort),
		}}
	}
	var strategy ecs.ServiceCapacityProviderStrategyArray
	for _, it := range d.cluster.Strategy {
		strategy = append(strategy, &ecs.ServiceCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String(it.Provider), Base: pulumi.Int(it.Base), Weight: pulumi.Int(it.Weight),
		})
	}
	args.CapacityProviderStrategies = strategy
	if !p.blueGreen(r) {
		args.DeploymentCircuitBreaker = &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)}
		args.DeploymentMinimumHealthyPercent = pulumi.Int(100)
		args.DeploymentMaximumPercent = pulumi.Int(200)
	}
	if p.bridge() {
		args.OrderedPlacementStrategies = ecs.ServiceOrderedPlacementStrategyArray{&ecs.ServiceOrderedPlacementStrategyArgs{
			Type: pulumi.String("binpack"), Field: pulumi.String("memory"),
		}}
	} else {
		c.Subnets, c.SecurityGroups = d.net.PublicSubnetIDs, pulumi.StringArray{d.net.TasksSG}.ToStringArrayOutput()
		args.NetworkConfiguration = &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        d.net.PublicSubnetIDs,
			SecurityGroups: pulumi.StringArray{d.net.TasksSG},
			// NOTE: tasks in public subnets reach ECR and the internet through
			// their public IP; only the load balancer's group may reach them.
			AssignPublicIp: pulumi.Bool(true),
		}
	}
	if s.ServiceConnect {
		// NOTE: a worker takes no requests: it joins the namespace as a
		// client only, reaching the tiers by their names.
		var served ecs.ServiceServiceConnectConfigurationServiceArray
		if !worker {
			served = ecs.ServiceServiceConnectConfigurationServiceArray{&ecs.ServiceServiceConnectConfigurationServiceArgs{
				PortName:      pulumi.String("app"),
				DiscoveryName: pulumi.String(string(r)),
				ClientAlias: ecs.ServiceServiceConnectConfigurationServiceClientAliasArray{&ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs{
					Port: pulumi.Int(svc.Port), DnsName: pulumi.String(string(r)),
				}},
			}}
		}
		args.ServiceConnectConfiguration = &ecs.ServiceServiceConnectConfigurationArgs{
			Enabled:   pulumi.Bool(true),
			Namespace: d.cluster.Namespace,
			Services:  served,
			LogConfiguration: &ecs.ServiceServiceConnectConfigurationLogConfigurationArgs{
				LogDriver: pulumi.String("awslogs"),
				Options: pulumi.StringMap{
					"awslogs-group":         pulumi.String(c.LogGroup),
					"awslogs-region":        pulumi.String(s.Region),
					"awslogs-stream-prefix": pulumi.String("service-connect"),
				},
			},
		}
	}
	if svc.Volume.Kind == profiles.VolumeEBS {
		infra, err := p.role(c, roleSpec{
			logical: string(r) + "-volume-role", name: p.n.global(string(r), "ebs"), service: "ecs",
			desc:    "ecsdeck " + p.n.prefix + ": ECS manages the " + string(r) + " tasks' EBS volumes",
			managed: []string{p.n.managedPolicy("service-role/AmazonECSInfrastructureRolePolicyForVolumes")},
		})
		if err != nil {
			return nil, err
		}
		c.VolumeRoleARN = infra.Arn
		volTags := tagsFor(s, p.n.of(string(r), "data"))
		args.VolumeConfiguration = &ecs.ServiceVolumeConfigurationArgs{
			Name: pulumi.String(VolumeName),
			ManagedEbsVolume: &ecs.ServiceVolumeConfigurationManagedEbsVolumeArgs{
				RoleArn:        infra.Arn,
				SizeInGb:       pulumi.Int(svc.Volume.SizeGiB),
				VolumeType:     pulumi.String("gp3"),
				Encrypted:      pulumi.Bool(true),
				FileSystemType: pulumi.String("ext4"),
				TagSpecifications: ecs.ServiceVolumeConfigurationManagedEbsVolumeTagSpecificationArray{&ecs.ServiceVolumeConfigurationManagedEbsVolumeTagSpecificationArgs{
					ResourceType: pulumi.String("volume"), PropagateTags: pulumi.String("SERVICE"), Tags: pulumi.ToStringMap(volTags),
				}},
			},
		}
	}
	var ignore []string
	if p.blueGreen(r) {
		// NOTE: CodeDeploy owns these: it registers each release's task
		// definition and swaps the target groups. ECS refuses to change a
		// CODE_DEPLOY service's network configuration and capacity strategy,
		// and the AppSpec of each release carries them to the new tasks.
		ignore = append(ignore, "taskDefinition", "loadBalancers")
		if !p.bridge() {
			ignore = append(ignore, "networkConfiguration")
		}
		ignore = append(ignore, "capacityProviderStrategies")
	} else {
		// NOTE: without it the provider replaces the service when its
		// capacity strategy changes, and a new service cannot take the name
		// of the old one; with it ECS rolls the tasks onto the new strategy.
		args.ForceNewDeployment = pulumi.Bool(true)
	}
	if scales(svc) {
		// NOTE: Application Auto Scaling owns the running count.
		ignore = append(ignore, "desiredCount")
	}
	sopts := []pulumi.ResourceOption{opt, pulumi.DependsOn(append([]pulumi.Resource{d.cluster.providers}, d.lb.deps...)),
		// NOTE: what ECS cannot change in place (the deployment controller,
		// when the deploy strategy changes) needs a new service of the same
		// name, which can only exist once the old one is gone.
		pulumi.DeleteBeforeReplace(true)}
	if len(ignore) > 0 {
		sopts = append(sopts, pulumi.IgnoreChanges(ignore))
	}
	service, err := ecs.NewService(p.ctx, string(r)+"-service", args, sopts...)
	if err != nil {
		return nil, err
	}
	c.Name, c.ARN = service.Name, service.ID().ToStringOutput()
	if err := p.autoscaling(c, svc, d.cluster.Name, service.Name); err != nil {
		return nil, err
	}
	if p.blueGreen(r) {
		if err := p.codeDeploy(c, d); err != nil {
			return nil, err
		}
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"name": c.Name, "url": c.URL})
}

// scales says whether a service has autoscaling: max above min.
func scales(svc *profiles.Service) bool { return svc.Autoscaling.Max > svc.Autoscaling.Min }

// Predefined target-tracking metrics. NOTE: they live in the AWS/ECS
// namespace; a custom alarm in another namespace never fires.
const (
	MetricCPU    = "ECSServiceAverageCPUUtilization"
	MetricMemory = "ECSServiceAverageMemoryUtilization"
)

// autoscaling keeps a service's average CPU (and memory, when asked) at its
// target between min and max tasks.
func (p *platform) autoscaling(c *Service, svc *profiles.Service, cluster, service pulumi.StringOutput) error {
	if !scales(svc) {
		return nil
	}
	a := svc.Autoscaling
	r := string(c.Role)
	resourceID := pulumi.Sprintf("service/%s/%s", cluster, service)
	target, err := appautoscaling.NewTarget(p.ctx, r+"-scaling-target", &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        resourceID,
		MinCapacity:       pulumi.Int(a.Min),
		MaxCapacity:       pulumi.Int(a.Max),
		Tags:              p.tags(p.n.service(c.Role)),
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	policies := []struct {
		suffix, metric string
		value          int
	}{{"cpu", MetricCPU, a.CPUTarget}}
	if a.MemoryTarget > 0 {
		policies = append(policies, struct {
			suffix, metric string
			value          int
		}{"memory", MetricMemory, a.MemoryTarget})
	}
	for _, pol := range policies {
		if _, err := appautoscaling.NewPolicy(p.ctx, fmt.Sprintf("%s-scale-on-%s", r, pol.suffix), &appautoscaling.PolicyArgs{
			Name:              pulumi.String(p.n.of(r, pol.suffix)),
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String(pol.metric),
				},
				TargetValue:      pulumi.Float64(float64(pol.value)),
				ScaleInCooldown:  pulumi.Int(a.ScaleInCooldown),
				ScaleOutCooldown: pulumi.Int(a.ScaleOutCooldown),
			},
		}, pulumi.Parent(c)); err != nil {
			return err
		}
	}
	return nil
}

// logGroupARN is the ARN of a log group's streams.
func (p *platform) logGroupARN(name string) pulumi.StringInput {
	return pulumi.String(p.n.arn("logs", "log-group:"+name+":*"))
}

// executionStatements is what ECS needs to start a tier's tasks: pull its
// images, write its logs, read its environment file and secrets.
func (p *platform) executionStatements(r profiles.Role, d serviceDeps, envARN, dbSecret pulumi.StringOutput, params pulumi.StringMap) []statement {
	var out []statement
	var repos []pulumi.StringInput
	for _, kind := range []string{"", NginxContainer} {
		if repo := d.reg.repo(r, kind); repo != nil {
			repos = append(repos, repo.Arn)
		}
	}
	if p.isJob(r) && p.spec.JobImage(p.extra[r].job) == "" {
		// NOTE: a job without an image of its own runs the backend's.
		repos = append(repos, d.reg.repo(profiles.RoleBackend, "").Arn)
	}
	if len(repos) > 0 {
		out = append(out,
			statement{Sid: "RegistryLogin", Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []pulumi.StringInput{anyResource}},
			statement{Sid: "PullImages", Actions: []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, Resources: repos},
		)
	}
	out = append(out, statement{Sid: "WriteLogs", Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []pulumi.StringInput{p.logGroupARN(p.n.logGroup(string(r)))}})
	if _, ok := d.cfg.envKeys[r]; ok {
		out = append(out,
			statement{Sid: "ReadEnvironmentFile", Actions: []string{"s3:GetObject"}, Resources: []pulumi.StringInput{envARN}},
			statement{Sid: "LocateEnvironmentBucket", Actions: []string{"s3:GetBucketLocation"}, Resources: []pulumi.StringInput{d.cfg.BucketARN}},
		)
	}
	if d.db != nil && p.usesDatabase(r) {
		out = append(out, statement{Sid: "ReadDatabasePassword", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []pulumi.StringInput{dbSecret}})
	}
	if len(params) > 0 {
		var arns []pulumi.StringInput
		for _, k := range sortedKeys(params) {
			arns = append(arns, params[k])
		}
		out = append(out, statement{Sid: "ReadParameters", Actions: []string{"ssm:GetParameters"}, Resources: arns})
	}
	return out
}

// taskStatements is what a tier's application itself may do: answer ECS
// Exec sessions and log them, and mount its EFS file system.
func (p *platform) taskStatements(r profiles.Role, fs *fileSystem) []statement {
	var out []statement
	if p.spec.Cluster.ExecEnabled {
		out = append(out,
			statement{Sid: "ExecSessions", Actions: []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, Resources: []pulumi.StringInput{anyResource}},
			statement{Sid: "ExecLogGroups", Actions: []string{"logs:DescribeLogGroups"}, Resources: []pulumi.StringInput{anyResource}},
			statement{Sid: "ExecLogs", Actions: []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}, Resources: []pulumi.StringInput{p.logGroupARN(p.n.logGroup("exec"))}},
		)
	}
	if fs != nil {
		out = append(out, statement{Sid: "MountFileSystem", Actions: []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
			Resources: []pulumi.StringInput{fs.ARN}})
	}
	return out
}

package program

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codedeploy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// codeDeploy creates a blue/green tier's CodeDeploy application, its
// deployment group (the chosen configuration, automatic rollback, a wait
// before the blue tasks go) and the role CodeDeploy acts with.
func (p *platform) codeDeploy(c *Service, d serviceDeps) error {
	s := p.spec
	r := string(c.Role)
	name := p.n.service(c.Role)
	cluster := p.n.cluster()
	role, err := p.role(c, roleSpec{
		logical: r + "-codedeploy-role", name: p.n.global(r, "deploy"), service: "codedeploy",
		desc: "ecsdeck " + p.n.prefix + ": CodeDeploy shifts the " + r + " service blue/green",
		statements: []statement{
			{Sid: "TaskSets", Actions: []string{"ecs:CreateTaskSet", "ecs:DeleteTaskSet", "ecs:DescribeServices", "ecs:UpdateServicePrimaryTaskSet"},
				Resources: strs(p.n.arn("ecs", "service/"+cluster+"/"+name), p.n.arn("ecs", "task-set/"+cluster+"/"+name+"/*"))},
			{Sid: "ReadLoadBalancer", Actions: []string{"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"},
				Resources: []pulumi.StringInput{anyResource}},
			{Sid: "ShiftListeners", Actions: []string{"elasticloadbalancing:ModifyListener"}, Resources: append(append([]pulumi.StringInput{}, d.lb.ProdListeners...), d.lb.TestListener)},
			{Sid: "ShiftRules", Actions: []string{"elasticloadbalancing:ModifyRule"}, Resources: append([]pulumi.StringInput{}, d.lb.Rules...)},
			passRole("ecs-tasks.amazonaws.com", c.ExecRoleARN, c.TaskRoleARN),
		},
	})
	if err != nil {
		return err
	}
	app, err := codedeploy.NewApplication(p.ctx, r+"-codedeploy-app", &codedeploy.ApplicationArgs{
		Name:            pulumi.String(name),
		ComputePlatform: pulumi.String("ECS"),
		Tags:            p.tags(name),
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	pair := &codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoArgs{
		ProdTrafficRoute: &codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRouteArgs{
			ListenerArns: d.lb.ProdListeners,
		},
		TargetGroups: codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArray{
			&codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArgs{Name: c.TargetGroups[0].Name},
			&codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArgs{Name: c.TargetGroups[1].Name},
		},
	}
	if s.LoadBalancer.Existing == nil || s.LoadBalancer.Existing.TestListenerARN != "" {
		pair.TestTrafficRoute = &codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTestTrafficRouteArgs{
			ListenerArns: pulumi.StringArray{d.lb.TestListener},
		}
	}
	group, err := codedeploy.NewDeploymentGroup(p.ctx, r+"-deployment-group", &codedeploy.DeploymentGroupArgs{
		AppName:              app.Name,
		DeploymentGroupName:  pulumi.String(name),
		ServiceRoleArn:       role.Arn,
		DeploymentConfigName: pulumi.String(s.Pipeline.CodeDeployConfig),
		DeploymentStyle: &codedeploy.DeploymentGroupDeploymentStyleArgs{
			DeploymentType:   pulumi.String("BLUE_GREEN"),
			DeploymentOption: pulumi.String("WITH_TRAFFIC_CONTROL"),
		},
		BlueGreenDeploymentConfig: &codedeploy.DeploymentGroupBlueGreenDeploymentConfigArgs{
			DeploymentReadyOption: &codedeploy.DeploymentGroupBlueGreenDeploymentConfigDeploymentReadyOptionArgs{
				ActionOnTimeout: pulumi.String("CONTINUE_DEPLOYMENT"),
			},
			TerminateBlueInstancesOnDeploymentSuccess: &codedeploy.DeploymentGroupBlueGreenDeploymentConfigTerminateBlueInstancesOnDeploymentSuccessArgs{
				Action:                       pulumi.String("TERMINATE"),
				TerminationWaitTimeInMinutes: pulumi.Int(s.Pipeline.BlueTerminationMinutes),
			},
		},
		AutoRollbackConfiguration: &codedeploy.DeploymentGroupAutoRollbackConfigurationArgs{
			Enabled: pulumi.Bool(true),
			Events:  pulumi.ToStringArray([]string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"}),
		},
		EcsService: &codedeploy.DeploymentGroupEcsServiceArgs{
			ClusterName: d.cluster.Name,
			ServiceName: c.Name,
		},
		LoadBalancerInfo: &codedeploy.DeploymentGroupLoadBalancerInfoArgs{TargetGroupPairInfo: pair},
		Tags:             p.tags(name),
	}, pulumi.Parent(c), role.ready())
	if err != nil {
		return err
	}
	c.CodeDeployApp, c.CodeDeployGroup = app.Name, group.DeploymentGroupName
	return nil
}

package mototest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"ecsdeck/stack"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// ClusterSeed is what Seed creates in moto.
type ClusterSeed struct {
	Name      string
	Services  []ServiceSeed
	Pipelines []string // pipeline names for Outputs (moto runs no pipelines)
	Jobs      []JobSeed
}

// ServiceSeed is one ECS service to create.
type ServiceSeed struct {
	Name      string
	Container string // default "app"
	Image     string // default public.ecr.aws/nginx/nginx:1.27
	Desired   int32
	LogGroup  string // default /ecs/<cluster>/<service>
	LogPrefix string // awslogs-stream-prefix, default "ecs"
	// Revisions is how many task definition revisions to register (the
	// service runs the last); default 1.
	Revisions int
	// TargetGroup creates a target group (in a VPC) and attaches it;
	// Targets are registered in it (moto reports them healthy).
	TargetGroup bool
	Targets     []string
	// BlueGreen makes the service CODE_DEPLOY-controlled, with a CodeDeploy
	// application and deployment group (needs TargetGroup).
	BlueGreen bool
}

// Seeded is what Seed created.
type Seeded struct {
	Region     string
	Cluster    string
	ClusterARN string
	VPC        string
	Services   []SeededService
	Pipelines  []string
	Jobs       []SeededJob
}

// SeededService is one created service.
type SeededService struct {
	ServiceSeed
	ARN             string
	TaskDefinitions []string // ARNs, oldest first
	TargetGroupARNs []string // blue (attached), then green for BlueGreen
	CodeDeployApp   string
	CodeDeployGroup string
}

// Seed creates a cluster with its services, task definitions (awslogs to
// each service's log group), log groups, target groups and CodeDeploy
// groups, in cfg's account and region.
func Seed(ctx context.Context, cfg aws.Config, c ClusterSeed) (*Seeded, error) {
	ec := ecs.NewFromConfig(cfg)
	lc := cloudwatchlogs.NewFromConfig(cfg)
	out := &Seeded{Region: cfg.Region, Cluster: c.Name, Pipelines: c.Pipelines}
	cl, err := ec.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(c.Name)})
	if err != nil {
		return nil, fmt.Errorf("seed cluster %s: %w", c.Name, err)
	}
	out.ClusterARN = aws.ToString(cl.Cluster.ClusterArn)
	ec2c := ec2.NewFromConfig(cfg)
	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		return nil, fmt.Errorf("seed vpc: %w", err)
	}
	out.VPC = aws.ToString(vpc.Vpc.VpcId)
	subnet, err := ec2c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.0.1.0/24")})
	if err != nil {
		return nil, fmt.Errorf("seed subnet: %w", err)
	}
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		VpcId: vpc.Vpc.VpcId, GroupName: aws.String(c.Name + "-tasks"), Description: aws.String("tasks"),
	})
	if err != nil {
		return nil, fmt.Errorf("seed security group: %w", err)
	}

	if err := seedJobs(ctx, cfg, out, c.Jobs, aws.ToString(subnet.Subnet.SubnetId), aws.ToString(sg.GroupId)); err != nil {
		return nil, err
	}
	for _, s := range c.Services {
		s = s.withDefaults(c.Name)
		ss := SeededService{ServiceSeed: s}
		if err := ensureLogGroup(ctx, lc, s.LogGroup); err != nil {
			return nil, err
		}
		for rev := 1; rev <= s.Revisions; rev++ {
			td, err := ec.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
				Family:                  aws.String(s.Name),
				NetworkMode:             ecstypes.NetworkModeAwsvpc,
				RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
				Cpu:                     aws.String("256"),
				Memory:                  aws.String("512"),
				ContainerDefinitions: []ecstypes.ContainerDefinition{{
					Name:      aws.String(s.Container),
					Image:     aws.String(fmt.Sprintf("%s-%d", s.Image, rev)),
					Memory:    aws.Int32(512),
					Essential: aws.Bool(true),
					PortMappings: []ecstypes.PortMapping{{
						ContainerPort: aws.Int32(80),
					}},
					LogConfiguration: &ecstypes.LogConfiguration{
						LogDriver: ecstypes.LogDriverAwslogs,
						Options: map[string]string{
							"awslogs-group":         s.LogGroup,
							"awslogs-region":        cfg.Region,
							"awslogs-stream-prefix": s.LogPrefix,
						},
					},
				}},
			})
			if err != nil {
				return nil, fmt.Errorf("seed task definition %s: %w", s.Name, err)
			}
			ss.TaskDefinitions = append(ss.TaskDefinitions, aws.ToString(td.TaskDefinition.TaskDefinitionArn))
		}
		if s.TargetGroup {
			n := 1
			if s.BlueGreen {
				n = 2
			}
			for i, color := range []string{"blue", "green"}[:n] {
				arn, err := seedTargetGroup(ctx, elbv2.NewFromConfig(cfg), out.VPC, shortName(s.Name+"-"+color), s.Targets, i == 0)
				if err != nil {
					return nil, err
				}
				ss.TargetGroupARNs = append(ss.TargetGroupARNs, arn)
			}
		}
		in := &ecs.CreateServiceInput{
			Cluster:        aws.String(c.Name),
			ServiceName:    aws.String(s.Name),
			TaskDefinition: aws.String(ss.TaskDefinitions[len(ss.TaskDefinitions)-1]),
			DesiredCount:   aws.Int32(s.Desired),
			LaunchType:     ecstypes.LaunchTypeFargate,
			NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
				Subnets: []string{aws.ToString(subnet.Subnet.SubnetId)}, SecurityGroups: []string{aws.ToString(sg.GroupId)},
			}},
		}
		if len(ss.TargetGroupARNs) > 0 {
			in.LoadBalancers = []ecstypes.LoadBalancer{{
				TargetGroupArn: aws.String(ss.TargetGroupARNs[0]),
				ContainerName:  aws.String(s.Container),
				ContainerPort:  aws.Int32(80),
			}}
		}
		if s.BlueGreen {
			in.DeploymentController = &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeCodeDeploy}
		}
		svc, err := ec.CreateService(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("seed service %s: %w", s.Name, err)
		}
		ss.ARN = aws.ToString(svc.Service.ServiceArn)
		if s.BlueGreen {
			if err := seedCodeDeploy(ctx, codedeploy.NewFromConfig(cfg), c.Name, &ss); err != nil {
				return nil, err
			}
		}
		out.Services = append(out.Services, ss)
	}
	return out, nil
}

func (s ServiceSeed) withDefaults(cluster string) ServiceSeed {
	if s.Container == "" {
		s.Container = "app"
	}
	if s.Image == "" {
		s.Image = "public.ecr.aws/nginx/nginx:1.27"
	}
	if s.LogGroup == "" {
		s.LogGroup = "/ecs/" + cluster + "/" + s.Name
	}
	if s.LogPrefix == "" {
		s.LogPrefix = "ecs"
	}
	if s.Revisions < 1 {
		s.Revisions = 1
	}
	if s.BlueGreen {
		s.TargetGroup = true
	}
	return s
}

func shortName(s string) string {
	// Target group names are at most 32 characters.
	if len(s) > 32 {
		return s[len(s)-32:]
	}
	return s
}

func seedTargetGroup(ctx context.Context, c *elbv2.Client, vpc, name string, targets []string, register bool) (string, error) {
	tg, err := c.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
		Name:       aws.String(name),
		Protocol:   elbtypes.ProtocolEnumHttp,
		Port:       aws.Int32(80),
		VpcId:      aws.String(vpc),
		TargetType: elbtypes.TargetTypeEnumIp,
	})
	if err != nil {
		return "", fmt.Errorf("seed target group %s: %w", name, err)
	}
	arn := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	if register && len(targets) > 0 {
		var ds []elbtypes.TargetDescription
		for _, ip := range targets {
			ds = append(ds, elbtypes.TargetDescription{Id: aws.String(ip), Port: aws.Int32(80)})
		}
		if _, err := c.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(arn), Targets: ds}); err != nil {
			return "", fmt.Errorf("seed targets of %s: %w", name, err)
		}
	}
	return arn, nil
}

func seedCodeDeploy(ctx context.Context, c *codedeploy.Client, cluster string, s *SeededService) error {
	s.CodeDeployApp = cluster + "-" + s.Name
	s.CodeDeployGroup = s.Name
	if _, err := c.CreateApplication(ctx, &codedeploy.CreateApplicationInput{
		ApplicationName: aws.String(s.CodeDeployApp),
		ComputePlatform: cdtypes.ComputePlatformEcs,
	}); err != nil {
		return fmt.Errorf("seed codedeploy application: %w", err)
	}
	var tgs []cdtypes.TargetGroupInfo
	for _, arn := range s.TargetGroupARNs {
		name := arn[strings.Index(arn, "targetgroup/")+len("targetgroup/"):]
		name = name[:strings.Index(name, "/")]
		tgs = append(tgs, cdtypes.TargetGroupInfo{Name: aws.String(name)})
	}
	_, err := c.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName:     aws.String(s.CodeDeployApp),
		DeploymentGroupName: aws.String(s.CodeDeployGroup),
		ServiceRoleArn:      aws.String("arn:aws:iam::123456789012:role/codedeploy"),
		DeploymentStyle: &cdtypes.DeploymentStyle{
			DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl,
			DeploymentType:   cdtypes.DeploymentTypeBlueGreen,
		},
		BlueGreenDeploymentConfiguration: &cdtypes.BlueGreenDeploymentConfiguration{
			DeploymentReadyOption: &cdtypes.DeploymentReadyOption{ActionOnTimeout: cdtypes.DeploymentReadyActionContinueDeployment},
			TerminateBlueInstancesOnDeploymentSuccess: &cdtypes.BlueInstanceTerminationOption{
				Action: cdtypes.InstanceActionTerminate, TerminationWaitTimeInMinutes: 5,
			},
		},
		AutoRollbackConfiguration: &cdtypes.AutoRollbackConfiguration{
			Enabled: true, Events: []cdtypes.AutoRollbackEvent{cdtypes.AutoRollbackEventDeploymentFailure},
		},
		EcsServices: []cdtypes.ECSService{{ClusterName: aws.String(cluster), ServiceName: aws.String(s.Name)}},
		LoadBalancerInfo: &cdtypes.LoadBalancerInfo{TargetGroupPairInfoList: []cdtypes.TargetGroupPairInfo{{
			TargetGroups:     tgs,
			ProdTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/1/1"}},
		}}},
	})
	if err != nil {
		return fmt.Errorf("seed codedeploy deployment group: %w", err)
	}
	return nil
}

// CreateDeployment starts a (never progressing) CodeDeploy deployment of a
// seeded blue/green service and returns its id.
func CreateDeployment(ctx context.Context, cfg aws.Config, s SeededService) (string, error) {
	out, err := codedeploy.NewFromConfig(cfg).CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{
		ApplicationName:     aws.String(s.CodeDeployApp),
		DeploymentGroupName: aws.String(s.CodeDeployGroup),
		Revision: &cdtypes.RevisionLocation{
			RevisionType: cdtypes.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(
				`{"version":1,"Resources":[{"TargetService":{"Type":"AWS::ECS::Service","Properties":{"TaskDefinition":"` +
					s.TaskDefinitions[len(s.TaskDefinitions)-1] + `","LoadBalancerInfo":{"ContainerName":"` + s.Container + `","ContainerPort":80}}}}]}`)},
		},
	})
	if err != nil {
		return "", fmt.Errorf("create deployment: %w", err)
	}
	return aws.ToString(out.DeploymentId), nil
}

// Outputs returns stack outputs naming what Seed created, as a provisioned
// platform would report them.
func (s *Seeded) Outputs() *stack.Outputs {
	o := &stack.Outputs{
		Region:      s.Region,
		ClusterName: s.Cluster,
		ClusterARN:  s.ClusterARN,
		Endpoints:   map[string]string{},
	}
	for i, svc := range s.Services {
		role := "backend"
		if i > 0 {
			role = svc.Name
		}
		so := stack.ServiceOutput{
			Role:             role,
			Name:             svc.Name,
			TaskFamily:       svc.Name,
			Container:        svc.Container,
			LogGroup:         svc.LogGroup,
			LogStreamPrefix:  svc.LogPrefix,
			DeployController: "ECS",
			TargetGroups:     svc.TargetGroupARNs,
		}
		if svc.BlueGreen {
			so.DeployController = "CODE_DEPLOY"
			so.CodeDeployApp, so.CodeDeployGroup = svc.CodeDeployApp, svc.CodeDeployGroup
		}
		o.Services = append(o.Services, so)
		o.LogGroups = append(o.LogGroups, svc.LogGroup)
	}
	for _, p := range s.Pipelines {
		o.Pipelines = append(o.Pipelines, stack.PipelineOutput{Role: p, Name: p, BuildProject: p + "-build", BuildLogGroup: "/codebuild/" + p})
	}
	o.Jobs = s.jobOutputs()
	return o
}

// Service returns the seeded service of that name, or nil.
func (s *Seeded) Service(name string) *SeededService {
	for i := range s.Services {
		if s.Services[i].Name == name {
			return &s.Services[i]
		}
	}
	return nil
}

// LogLine is one log event to put.
type LogLine struct {
	Time    time.Time
	Message string
}

// StreamName is the awslogs stream name of a task's container.
func (s SeededService) StreamName(taskID string) string {
	return s.LogPrefix + "/" + s.Container + "/" + taskID
}

// PutLogs writes lines to a log stream (creating the group and stream when
// missing). Lines must be in time order.
func PutLogs(ctx context.Context, cfg aws.Config, group, stream string, lines ...LogLine) error {
	c := cloudwatchlogs.NewFromConfig(cfg)
	if err := ensureLogGroup(ctx, c, group); err != nil {
		return err
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream),
	}); err != nil && !isCode(err, "ResourceAlreadyExistsException") {
		return fmt.Errorf("create log stream %s: %w", stream, err)
	}
	for start := 0; start < len(lines); start += 10000 {
		end := min(start+10000, len(lines))
		var evs []logtypes.InputLogEvent
		for _, l := range lines[start:end] {
			evs = append(evs, logtypes.InputLogEvent{Timestamp: aws.Int64(l.Time.UnixMilli()), Message: aws.String(l.Message)})
		}
		out, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs,
		})
		if err != nil {
			return fmt.Errorf("put log events to %s: %w", stream, err)
		}
		if r := out.RejectedLogEventsInfo; r != nil {
			return fmt.Errorf("put log events to %s: events rejected (too old before %v, too new after %v; CloudWatch keeps 14 days)",
				stream, aws.ToInt32(r.TooOldLogEventEndIndex), aws.ToInt32(r.TooNewLogEventStartIndex))
		}
	}
	return nil
}

func ensureLogGroup(ctx context.Context, c *cloudwatchlogs.Client, group string) error {
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)})
	if err != nil && !isCode(err, "ResourceAlreadyExistsException") {
		return fmt.Errorf("create log group %s: %w", group, err)
	}
	return nil
}

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// PutMetric writes one CloudWatch data point (namespace, metric name,
// dimensions as name, value, name, value …).
// NOTE: moto matches a query's dimensions to the data's in the order given,
// so a test puts them in the order the code under test asks for them.
func PutMetric(ctx context.Context, cfg aws.Config, namespace, name string, dims []string, at time.Time, v float64) error {
	var d []cwtypes.Dimension
	for i := 0; i+1 < len(dims); i += 2 {
		d = append(d, cwtypes.Dimension{Name: aws.String(dims[i]), Value: aws.String(dims[i+1])})
	}
	_, err := cloudwatch.NewFromConfig(cfg).PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String(name), Dimensions: d, Value: aws.Float64(v), Timestamp: aws.Time(at)}}})
	return err
}

package ops

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Client is the set of readers and actions for one Target, each holding
// only the interface it calls. New wires them to the SDK; tests may build
// any of them alone.
type Client struct {
	Target     *Target
	Services   *Services
	Tasks      *Tasks
	Health     *Health
	BlueGreens *BlueGreens
	Pipelines  *Pipelines
	Logs       *Logs
	Actions    *Actions
	Runs       *Runs
	Metrics    *Metrics
	Execs      *Execs
	Sessions   SessionAPI
	Jobs       *Jobs
}

// New returns a Client for the target with SDK clients built from cfg.
func New(cfg aws.Config, t *Target) *Client {
	ec := ecs.NewFromConfig(cfg)
	lc := cloudwatchlogs.NewFromConfig(cfg)
	bgs := &BlueGreens{API: codedeploy.NewFromConfig(cfg), Cluster: t.Cluster}
	pipes := &Pipelines{API: codepipeline.NewFromConfig(cfg), Builds: codebuild.NewFromConfig(cfg), Logs: lc}
	jobs := &Jobs{Scheduler: scheduler.NewFromConfig(cfg), ECS: ec, Logs: lc, Target: t}
	return &Client{
		Target:     t,
		Services:   NewServices(ec, t),
		Tasks:      &Tasks{API: ec, Cluster: t.Cluster},
		Health:     &Health{API: elbv2.NewFromConfig(cfg)},
		BlueGreens: bgs,
		Pipelines:  pipes,
		Logs:       &Logs{API: lc, TaskDefs: ec},
		Actions:    &Actions{ECS: ec, BlueGreens: bgs, Pipelines: pipes, Jobs: jobs, Target: t},
		Runs:       &Runs{API: ec, Cluster: t.Cluster},
		Execs:      &Execs{API: ec, Cluster: t.Cluster},
		Sessions:   ssm.NewFromConfig(cfg),
		Metrics:    &Metrics{API: cloudwatch.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg), Cluster: t.Cluster},
		Jobs:       jobs,
	}
}

package ops

import (
	"errors"
	"fmt"
	"strings"

	"ecsdeck/stack"
)

// Target is the platform ops looks at: a cluster in a region, with the
// services and pipelines it is known to have.
//
// A Target from stack outputs names its services, so a refresh describes
// them directly. A Target for any cluster (--cluster) discovers them: every
// refresh lists the cluster's services first.
type Target struct {
	Region  string
	Cluster string
	// Discover lists the cluster's services on every refresh instead of
	// using Services.
	Discover  bool
	Services  []ServiceRef
	Pipelines []PipelineRef
	Jobs      []JobRef
}

// ServiceRef is what the stack outputs say about a service.
type ServiceRef struct {
	Name             string
	Role             string // backend, frontend, or a worker's name
	Kind             string // worker, or empty for a service behind the load balancer
	TaskFamily       string
	Container        string // the application container
	LogGroup         string
	LogStreamPrefix  string
	DeployController string // ECS or CODE_DEPLOY
	CodeDeployApp    string
	CodeDeployGroup  string
	TargetGroups     []string
}

// PipelineRef is what the stack outputs say about a pipeline.
type PipelineRef struct {
	Name          string
	Role          string
	BuildProject  string
	BuildLogGroup string
}

// FromOutputs returns the Target of a provisioned platform.
func FromOutputs(o *stack.Outputs) (*Target, error) {
	if o == nil || o.ClusterName == "" {
		return nil, errors.New("the stack outputs name no cluster (has the platform been created? ecsdeck up)")
	}
	t := &Target{Region: o.Region, Cluster: o.ClusterName}
	for _, s := range o.Services {
		t.Services = append(t.Services, ServiceRef{
			Name:             s.Name,
			Role:             s.Role,
			Kind:             s.Kind,
			TaskFamily:       s.TaskFamily,
			Container:        s.Container,
			LogGroup:         s.LogGroup,
			LogStreamPrefix:  s.LogStreamPrefix,
			DeployController: s.DeployController,
			CodeDeployApp:    s.CodeDeployApp,
			CodeDeployGroup:  s.CodeDeployGroup,
			TargetGroups:     append([]string(nil), s.TargetGroups...),
		})
	}
	for _, j := range o.Jobs {
		t.Jobs = append(t.Jobs, JobRef{Name: j.Name, Schedule: j.Schedule, Timezone: j.Timezone, ScheduleName: j.ScheduleName,
			ScheduleGroup: j.ScheduleGroup, TaskFamily: j.TaskFamily, Container: j.Container, LogGroup: j.LogGroup,
			LogStreamPrefix: j.LogStreamPrefix, TimeoutMinutes: j.TimeoutMinutes})
	}
	for _, p := range o.Pipelines {
		t.Pipelines = append(t.Pipelines, PipelineRef{Name: p.Name, Role: p.Role, BuildProject: p.BuildProject, BuildLogGroup: p.BuildLogGroup})
	}
	return t, nil
}

// ForCluster returns the Target of any existing cluster: its services are
// discovered, and it has no known pipelines.
func ForCluster(cluster, region string) (*Target, error) {
	if strings.TrimSpace(cluster) == "" {
		return nil, errors.New("--cluster: empty cluster name")
	}
	return &Target{Region: region, Cluster: cluster, Discover: true}, nil
}

// Service returns the known service with that name or role.
func (t *Target) Service(name string) (ServiceRef, bool) {
	for _, s := range t.Services {
		if s.Name == name {
			return s, true
		}
	}
	for _, s := range t.Services {
		if s.Role != "" && s.Role == name {
			return s, true
		}
	}
	return ServiceRef{}, false
}

// ServiceNames returns the known services' names, in the outputs' order.
func (t *Target) ServiceNames() []string {
	names := make([]string, 0, len(t.Services))
	for _, s := range t.Services {
		names = append(names, s.Name)
	}
	return names
}

// Pipeline returns the known pipeline with that name or role. A Target that
// discovers (any cluster) knows no pipelines and accepts any name.
func (t *Target) Pipeline(name string) (PipelineRef, error) {
	if strings.TrimSpace(name) == "" {
		return PipelineRef{}, errors.New("empty pipeline name")
	}
	for _, p := range t.Pipelines {
		if p.Name == name || (p.Role != "" && p.Role == name) {
			return p, nil
		}
	}
	if t.Discover {
		return PipelineRef{Name: name}, nil
	}
	known := make([]string, 0, len(t.Pipelines))
	for _, p := range t.Pipelines {
		known = append(known, p.Name)
	}
	return PipelineRef{}, &UnknownPipelineError{Name: name, Known: known}
}

// String names the target for people: "cluster prod (us-east-1)".
func (t *Target) String() string {
	if t.Region == "" {
		return fmt.Sprintf("cluster %s", t.Cluster)
	}
	return fmt.Sprintf("cluster %s (%s)", t.Cluster, t.Region)
}

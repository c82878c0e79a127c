package program_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/plan"
	"ecsdeck/stack/program"
)

func TestEveryExamplePlansWithTheExpectedComponents(t *testing.T) {
	want := map[string][]string{
		"single-fargate":            {"config", "network", "cluster", "load-balancer", "backend"},
		"two-tier-s3-bluegreen":     {"config", "network", "registry", "cluster", "load-balancer", "backend", "frontend", "source", "backend-pipeline", "frontend-pipeline"},
		"two-tier-ecs":              {"config", "network", "registry", "database", "cluster", "load-balancer", "backend", "frontend", "source", "backend-pipeline", "frontend-pipeline"},
		"existing-vpc-alb":          {"config", "network", "database", "cluster", "load-balancer", "backend"},
		"workers-and-jobs":          {"config", "network", "cluster", "load-balancer", "backend", "mailer", "jobs"},
		"ec2-arm64-service-connect": {"config", "network", "registry", "database", "cluster", "load-balancer", "backend", "frontend", "source", "backend-pipeline", "frontend-pipeline"},
	}
	specs := examples(t)
	for _, name := range sortedNames(specs) {
		t.Run(name, func(t *testing.T) {
			// GIVEN an example answers file WHEN its program runs offline
			p := planOf(t, specs[name])
			// THEN the provider and exactly the expected components are at the top
			var top []string
			for _, r := range p.Resources {
				if r.Parent != "" {
					continue
				}
				if r.Type == "pulumi:providers:aws" {
					continue
				}
				if !r.Component {
					t.Errorf("%s %s is at the top level, outside every component", r.Type, r.Name)
				}
				top = append(top, r.Name)
			}
			exp, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for example %s: add it to this test", name)
			}
			if !reflect.DeepEqual(top, exp) {
				t.Errorf("components:\n got %v\nwant %v", top, exp)
			}
		})
	}
}

func TestEveryComponentParentsItsChildrenAndRegistersOutputs(t *testing.T) {
	specs := examples(t)
	for _, name := range sortedNames(specs) {
		t.Run(name, func(t *testing.T) {
			// GIVEN an example's plan
			p := planOf(t, specs[name])
			byURN := map[string]plan.Resource{}
			names := map[string]string{}
			components := 0
			for _, r := range p.Resources {
				// THEN URNs and logical names are unique (a parent is found by name)
				if _, dup := byURN[r.URN]; dup {
					t.Errorf("duplicate URN %s", r.URN)
				}
				byURN[r.URN] = r
				if prev, dup := names[r.Name]; dup {
					t.Errorf("logical name %s used by %s and %s", r.Name, prev, r.Type)
				}
				names[r.Name] = r.Type
				if r.Component {
					components++
					if !strings.HasPrefix(r.Type, "ecsdeck:aws:") {
						t.Errorf("component %s has type %s (want ecsdeck:aws:...)", r.Name, r.Type)
					}
				}
			}
			for _, r := range p.Resources {
				if r.Type == "pulumi:providers:aws" {
					continue
				}
				// AND every AWS resource sits inside a component, which names it as its child
				if !r.Component {
					parent, ok := byURN[r.ParentURN]
					if !ok || !parent.Component {
						t.Errorf("%s %s has no component parent (parent %q)", r.Type, r.Name, r.Parent)
						continue
					}
					if r.Parent != parent.Name {
						t.Errorf("%s %s: parent name %q, parent URN names %q", r.Type, r.Name, r.Parent, parent.Name)
					}
				}
			}
			// AND each component, and the stack, registered its outputs once
			if p.OutputRegistrations != components+1 {
				t.Errorf("RegisterResourceOutputs called %d times, want %d (one per component and the stack)", p.OutputRegistrations, components+1)
			}
		})
	}
}

func TestComponentsHoldTheirConcern(t *testing.T) {
	// GIVEN the largest example
	p := planOf(t, examples(t)["ec2-arm64-service-connect"])
	// WHEN resources are grouped by their component
	holds := map[string][]string{
		"network":          {"aws:ec2/vpc:Vpc", tSubnet, tSG, "aws:ec2/keyPair:KeyPair"},
		"cluster":          {"aws:ecs/cluster:Cluster", "aws:ecs/capacityProvider:CapacityProvider", "aws:autoscaling/group:Group", "aws:ec2/launchTemplate:LaunchTemplate", "aws:servicediscovery/httpNamespace:HttpNamespace"},
		"load-balancer":    {"aws:lb/loadBalancer:LoadBalancer", tTargetGroup, tListener, tRule, tRecord},
		"backend":          {tService, tTaskDef, "aws:appautoscaling/target:Target"},
		"database":         {tRDS, "aws:rds/subnetGroup:SubnetGroup"},
		"registry":         {tRepository},
		"source":           {tConnection},
		"backend-pipeline": {tProject, tPipeline},
	}
	for comp, types := range holds {
		c := p.Get(componentType(comp), comp)
		if c == nil {
			t.Fatalf("no component %s", comp)
		}
		got := map[string]bool{}
		for _, r := range p.Children(c) {
			got[r.Type] = true
		}
		// THEN each concern's resources are children of its own component
		for _, typ := range types {
			if !got[typ] {
				t.Errorf("component %s holds no %s", comp, typ)
			}
		}
	}
}

func componentType(name string) string {
	switch {
	case name == "network":
		return program.TypeNetwork
	case name == "cluster":
		return program.TypeCluster
	case name == "load-balancer":
		return program.TypeLoadBalancer
	case name == "database":
		return program.TypeDatabase
	case name == "registry":
		return program.TypeRegistry
	case name == "source":
		return program.TypeSource
	case strings.HasSuffix(name, "-pipeline"):
		return program.TypePipeline
	}
	return program.TypeService
}

func TestOutputsFollowTheStackContract(t *testing.T) {
	known := map[string]bool{}
	for _, k := range []string{stack.OutRegion, stack.OutClusterName, stack.OutClusterARN, stack.OutServices, stack.OutJobs, stack.OutPipelines,
		stack.OutEndpoints, stack.OutLoadBalancerDNS, stack.OutDistributionID, stack.OutDistributionDomain, stack.OutFrontendBucket,
		stack.OutArtifactsBucket, stack.OutRepositories, stack.OutLogGroups, stack.OutDatabaseEndpoint, stack.OutDatabaseSecretARN, stack.OutDatabaseSnapshot,
		stack.OutConnectionARN, stack.OutConnectionARNs, stack.OutConnectionPending} {
		known[k] = true
	}
	specs := examples(t)
	for _, name := range sortedNames(specs) {
		t.Run(name, func(t *testing.T) {
			// GIVEN an example's plan WHEN its outputs are read as the console reads them
			s := specs[name]
			p := planOf(t, s)
			for k := range p.Outputs {
				if !known[k] {
					t.Errorf("output %s is not a stack.Out* key", k)
				}
			}
			out, err := stack.ParseOutputs(p.Outputs)
			if err != nil {
				t.Fatalf("ParseOutputs: %v", err)
			}
			// THEN every field the console needs is filled
			if out.Region != s.Region || out.ClusterName != s.Prefix() || !strings.HasPrefix(out.ClusterARN, "arn:aws:ecs:") {
				t.Errorf("region %q, cluster %q %q", out.Region, out.ClusterName, out.ClusterARN)
			}
			if len(out.Services) != len(s.Services()) || len(out.Jobs) != len(s.Jobs) {
				t.Fatalf("%d services, %d jobs, want %d and %d", len(out.Services), len(out.Jobs), len(s.Services()), len(s.Jobs))
			}
			for i, j := range s.Jobs {
				jo := out.Jobs[i]
				if jo.Name != j.Name || jo.Schedule != j.Schedule || jo.TaskFamily != s.Prefix()+"-"+j.Name || jo.ScheduleName != jo.TaskFamily ||
					jo.ScheduleGroup != s.Prefix() || jo.LogGroup != "/ecs/"+s.Prefix()+"/"+j.Name || jo.TimeoutMinutes != j.TimeoutMinutes {
					t.Errorf("job %d: %+v", i, jo)
				}
			}
			for i, tier := range s.Services() {
				if tier.Worker != nil && out.Services[i].Kind != "worker" {
					t.Errorf("worker %s has kind %q", tier.Role, out.Services[i].Kind)
				}
				sv := out.Services[i]
				if sv.Role != string(tier.Role) || sv.Name != s.Prefix()+"-"+string(tier.Role) || sv.TaskFamily != sv.Name ||
					sv.Container != program.AppContainer || sv.LogGroup != "/ecs/"+s.Prefix()+"/"+string(tier.Role) || sv.LogStreamPrefix != program.AppContainer {
					t.Errorf("service %d: %+v", i, sv)
				}
				if tier.Worker != nil {
					if len(sv.TargetGroups) != 0 || sv.URL != "" || out.Endpoints[sv.Role] != "" || sv.DeployController != program.ControllerECS {
						t.Errorf("worker %s: target groups %v, URL %q, deploys %s", sv.Role, sv.TargetGroups, sv.URL, sv.DeployController)
					}
					continue
				}
				if len(sv.TargetGroups) != 2 || sv.TargetGroups[0] == sv.TargetGroups[1] {
					t.Errorf("service %s target groups %v (want blue and green)", sv.Role, sv.TargetGroups)
				}
				if out.Endpoints[sv.Role] != sv.URL || sv.URL == "" {
					t.Errorf("service %s URL %q, endpoint %q", sv.Role, sv.URL, out.Endpoints[sv.Role])
				}
				wantController, wantApp := program.ControllerECS, ""
				if s.BlueGreen() {
					wantController, wantApp = program.ControllerCodeDeploy, sv.Name
				}
				if sv.DeployController != wantController || sv.CodeDeployApp != wantApp || sv.CodeDeployGroup != wantApp {
					t.Errorf("service %s deploy %s app %q group %q", sv.Role, sv.DeployController, sv.CodeDeployApp, sv.CodeDeployGroup)
				}
				if !contains(out.LogGroups, sv.LogGroup) {
					t.Errorf("log groups %v lack %s", out.LogGroups, sv.LogGroup)
				}
			}
			var roles []string
			for _, pl := range out.Pipelines {
				roles = append(roles, pl.Role)
				if pl.Name == "" || pl.BuildProject == "" || !contains(out.LogGroups, pl.BuildLogGroup) {
					t.Errorf("pipeline %+v", pl)
				}
			}
			var wantRoles []string
			if s.Backend.Repository.Name != "" {
				wantRoles = append(wantRoles, "backend")
			}
			if s.Tier == profiles.TierTwoTier && s.Frontend.Repository.Name != "" {
				wantRoles = append(wantRoles, "frontend")
			}
			if !reflect.DeepEqual(roles, wantRoles) {
				t.Errorf("pipelines %v, want %v", roles, wantRoles)
			}
			if (len(wantRoles) > 0) != (out.ConnectionARN != "") || (len(wantRoles) > 0) != out.ConnectionPending {
				t.Errorf("connection %q pending %v with pipelines %v", out.ConnectionARN, out.ConnectionPending, wantRoles)
			}
			if s.HasDatabase() != (out.DatabaseEndpoint != "" && strings.HasPrefix(out.DatabaseSecretARN, "arn:aws:secretsmanager:")) {
				t.Errorf("database %v: endpoint %q secret %q", s.HasDatabase(), out.DatabaseEndpoint, out.DatabaseSecretARN)
			}
			if s.FrontendOnS3() != (out.DistributionID != "" && out.FrontendBucket != "" && out.DistributionDomain != "") {
				t.Errorf("frontend on S3 %v: distribution %q bucket %q", s.FrontendOnS3(), out.DistributionID, out.FrontendBucket)
			}
			if out.ArtifactsBucket == "" || out.LoadBalancerDNS == "" {
				t.Errorf("artifacts bucket %q, load balancer %q", out.ArtifactsBucket, out.LoadBalancerDNS)
			}
			repos := append([]string(nil), out.Repositories...)
			sort.Strings(repos)
			var wantRepos []string
			for _, r := range p.Find(tRepository) {
				wantRepos = append(wantRepos, atString(r.Inputs, "name"))
			}
			sort.Strings(wantRepos)
			if !reflect.DeepEqual(repos, wantRepos) {
				t.Errorf("repositories output %v, resources %v", repos, wantRepos)
			}
		})
	}
}

func TestAnInvalidSpecRegistersNothing(t *testing.T) {
	// GIVEN a Spec that breaks a rule
	s := base()
	s.Backend.Port = 0
	// WHEN its program runs
	_, err := plan.Offline(context.Background(), s, plan.Options{})
	// THEN it fails with the validation problem
	if err == nil || !strings.Contains(err.Error(), "backend.port: 0 is out of range (1 to 65535)") {
		t.Fatalf("want the validation problem, got %v", err)
	}
}

func TestPluginVersionIsTheSDKs(t *testing.T) {
	// GIVEN a test binary built with the pinned pulumi-aws SDK
	// THEN the plugin version the engine installs is that SDK's version
	if got := program.PluginVersion(); got != "v6.83.4" {
		t.Fatalf("got %q", got)
	}
}

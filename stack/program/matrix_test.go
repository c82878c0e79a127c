package program_test

import (
	"fmt"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
	"ecsdeck/stack/program"
)

// choice is one point of the matrix of answers.
type choice struct {
	shape    string // single, s3, ecs (where the frontend runs)
	launch   profiles.LaunchType
	deploy   profiles.DeployStrategy
	sc       bool
	existing string // "", vpc, alb (an existing VPC and load balancer)
	nginx    bool
	volume   profiles.VolumeKind
	engine   profiles.Engine
	repo     bool
	workers  int // 0, 1 with an image, 2: and one with a repository
	jobs     int // 0, 1, 2
}

func (c choice) String() string {
	return fmt.Sprintf("%s/%s/%s/sc=%v/existing=%s/nginx=%v/%s/%s/repo=%v/workers=%d/jobs=%d", c.shape, c.launch, c.deploy, c.sc, c.existing, c.nginx, c.volume, c.engine, c.repo, c.workers, c.jobs)
}

const (
	exVPC     = "vpc-0a1b2c3d4e5f60718"
	exALB     = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/corp/50dc6c495c0c9188"
	exListen  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/corp/50dc6c495c0c9188/f2f7dc8efc522ab2"
	exTest    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/corp/50dc6c495c0c9188/0467ef3c8400ae65"
	exLBSG    = "sg-0fedcba9876543210"
	exBeBlue  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/be-blue/73e2d6bc24d8a067"
	exBeGreen = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/be-green/943f017f100becff"
	exFeBlue  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fe-blue/13e2d6bc24d8a067"
	exFeGreen = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fe-green/143f017f100becff"
)

var exSubnets = []string{"subnet-0aa11bb22cc33dd44", "subnet-0ee55ff6677889900"}

// spec turns a choice into answers.
func (c choice) spec() *profiles.Spec {
	s := base()
	s.LaunchType, s.Pipeline.Deploy, s.ServiceConnect = c.launch, c.deploy, c.sc
	if c.launch == profiles.LaunchEC2 {
		s.Backend.CPU, s.Backend.Memory = 512, 768
	}
	switch c.shape {
	case "s3", "ecs":
		s.Tier = profiles.TierTwoTier
		s.Frontend.Hosting = profiles.Hosting(c.shape)
		withDomain(s)
		s.Frontend.Image = "ghcr.io/acme/web:1.0"
		if c.repo {
			s.Frontend.Repository.Name = "acme/web"
		}
	}
	if c.repo {
		s.Backend.Repository.Name = "acme/api"
	}
	s.Backend.Nginx.Enabled = c.nginx
	vol := &s.Backend.Volume
	vol.Kind = c.volume
	if c.volume != profiles.VolumeNone {
		vol.ContainerPath = "/data"
	}
	switch c.volume {
	case profiles.VolumeEFS:
		vol.EFSID = "fs-0123456789abcdef0"
	case profiles.VolumeEBS:
		vol.SizeGiB = 40
	case profiles.VolumeBind:
		vol.HostPath = "/srv/data"
	case profiles.VolumeEphemeral:
		if c.launch == profiles.LaunchFargate {
			vol.SizeGiB = 30
		}
	}
	s.Database.Engine = c.engine
	for i := range c.workers {
		w := profiles.NewWorker()
		w.Name, w.Image, w.Command = fmt.Sprintf("worker%d", i), "ghcr.io/acme/worker:1", []string{"worker", "--queue", "mail"}
		w.Env = map[string]string{"QUEUE": "mail"}
		if i == 1 {
			w.Image, w.Repository.Name = "", "acme/worker"
			w.Autoscaling.Max, w.Autoscaling.MemoryTarget = 3, 80
			w.SSMPath, w.SSMPlaceholders = "/shop/prod/worker1", []string{"QUEUE_TOKEN"}
		}
		s.Workers = append(s.Workers, w)
	}
	for i := range c.jobs {
		j := profiles.NewJob()
		j.Name, j.Command = fmt.Sprintf("job%d", i), []string{"report", "--daily"}
		j.Schedule, j.Timezone = "cron(0 3 * * ? *)", "Europe/Berlin"
		if i == 1 {
			j.Schedule, j.Timezone, j.TimeoutMinutes, j.Image = "rate(2 hours)", "", 0, "ghcr.io/acme/report:2"
		}
		s.Jobs = append(s.Jobs, j)
	}
	if c.existing != "" {
		s.Network.VPCID, s.Network.SubnetIDs = exVPC, exSubnets
		if c.engine != profiles.EngineNone {
			s.Network.DatabaseSubnetIDs = []string{"subnet-01234567890abcdef", "subnet-0fedcba9876543210"}
		}
	}
	if c.existing == "alb" {
		s.LoadBalancer.Existing = &profiles.ExistingLoadBalancer{
			ARN: exALB, ListenerARN: exListen, TestListenerARN: exTest, SecurityGroupID: exLBSG,
			TargetGroups: profiles.TargetGroups{Backend: []string{exBeBlue, exBeGreen}},
		}
		if c.shape == "ecs" {
			s.LoadBalancer.Existing.TargetGroups.Frontend = []string{exFeBlue, exFeGreen}
		}
	}
	s.Complete()
	return s
}

// matrix lists every combination of the main choices; the others turn
// with the index so that each of their values meets many combinations.
func matrix() []choice {
	var out []choice
	i := 0
	volumes := profiles.VolumeKind("").Values()
	engines := []profiles.Engine{profiles.EngineNone, profiles.EngineMySQL, profiles.EnginePostgres}
	for _, shape := range []string{"single", "s3", "ecs"} {
		for _, launch := range []profiles.LaunchType{profiles.LaunchFargate, profiles.LaunchEC2} {
			for _, deploy := range []profiles.DeployStrategy{profiles.DeployRolling, profiles.DeployBlueGreen} {
				for _, sc := range []bool{false, true} {
					for _, existing := range []string{"", "vpc", "alb"} {
						for _, nginx := range []bool{false, true} {
							out = append(out, choice{
								shape: shape, launch: launch, deploy: deploy, sc: sc, existing: existing, nginx: nginx,
								volume:  profiles.VolumeKind(volumes[i%len(volumes)]),
								engine:  engines[(i/2)%len(engines)],
								repo:    (i/3)%2 == 0,
								workers: i % 3,
								jobs:    (i / 5) % 3,
							})
							i++
						}
					}
				}
			}
		}
	}
	return out
}

func TestMatrixOfAnswers(t *testing.T) {
	seen := map[string]int{}
	valid := 0
	for _, c := range matrix() {
		s := c.spec()
		if profiles.Validate(s).Err() != nil {
			continue // e.g. blue-green with Service Connect, EBS on Fargate
		}
		valid++
		for _, k := range []string{c.shape, string(c.launch), string(c.deploy), fmt.Sprint("sc", c.sc), "existing" + c.existing,
			fmt.Sprint("nginx", c.nginx), string(c.volume), string(c.engine), fmt.Sprint("repo", c.repo),
			fmt.Sprint("workers", c.workers), fmt.Sprint("jobs", c.jobs)} {
			seen[k]++
		}
		t.Run(c.String(), func(t *testing.T) {
			// GIVEN answers from the matrix WHEN the program runs offline
			p := planOf(t, s)
			// THEN the resource graph is what those answers ask for
			checkGraph(t, s, p)
		})
	}
	// AND every value of every choice was planned at least once
	for _, k := range []string{"single", "s3", "ecs", "fargate", "ec2", "rolling", "blue-green", "sctrue", "scfalse", "existing", "existingvpc", "existingalb",
		"nginxtrue", "nginxfalse", "none", "efs", "ebs", "bind", "ephemeral", "mysql", "postgres", "repotrue", "repofalse",
		"workers0", "workers1", "workers2", "jobs0", "jobs1", "jobs2"} {
		if seen[k] == 0 {
			t.Errorf("no valid matrix point has %s", k)
		}
	}
	t.Logf("%d valid points planned", valid)
}

func checkGraph(t *testing.T, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	tiers := s.Tiers()
	created := s.LoadBalancer.Existing == nil
	// Load balancer and target groups.
	if got := len(p.Find("aws:lb/loadBalancer:LoadBalancer")); got != map[bool]int{true: 1, false: 0}[created] {
		t.Errorf("%d load balancers (created: %v)", got, created)
	}
	if created {
		if got := len(p.Find(tTargetGroup)); got != 2*len(tiers) {
			t.Errorf("%d target groups for %d ECS tiers, want two per tier", got, len(tiers))
		}
	} else if n := len(p.Find(tTargetGroup)); n != 0 {
		t.Errorf("%d target groups created beside an existing load balancer", n)
	}
	// VPC.
	if got := len(p.Find("aws:ec2/vpc:Vpc")); (got == 1) != s.CreatesVPC() {
		t.Errorf("%d VPCs, creates VPC: %v", got, s.CreatesVPC())
	}
	for _, tier := range tiers {
		role := string(tier.Role)
		svc := named(t, p, tService, role+"-service")
		td := named(t, p, tTaskDef, role+"-task-definition")
		// Deploy controller.
		controller := atString(svc.Inputs, "deploymentController.type")
		groups := p.Find(tDeployGroup)
		if s.BlueGreen() {
			if controller != "CODE_DEPLOY" || at(svc.Inputs, "deploymentCircuitBreaker") != nil {
				t.Errorf("%s: blue-green wants CODE_DEPLOY and no circuit breaker, got %s %v", role, controller, at(svc.Inputs, "deploymentCircuitBreaker"))
			}
			if !contains(svc.IgnoreChanges, "taskDefinition") || !contains(svc.IgnoreChanges, "loadBalancers") {
				t.Errorf("%s: blue-green leaves taskDefinition and loadBalancers to CodeDeploy, ignores %v", role, svc.IgnoreChanges)
			}
			g := named(t, p, tDeployGroup, role+"-deployment-group")
			tgs := atList(g.Inputs, "loadBalancerInfo.targetGroupPairInfo.targetGroups")
			if len(tgs) != 2 || atString(tgs[0], "name") == atString(tgs[1], "name") {
				t.Errorf("%s: deployment group target groups %v (want blue and green)", role, tgs)
			}
			if atString(g.Inputs, "deploymentConfigName") != s.Pipeline.CodeDeployConfig || at(g.Inputs, "autoRollbackConfiguration.enabled") != true {
				t.Errorf("%s: deployment group config %v rollback %v", role, at(g.Inputs, "deploymentConfigName"), at(g.Inputs, "autoRollbackConfiguration"))
			}
		} else {
			if controller != "ECS" || at(svc.Inputs, "deploymentCircuitBreaker.enable") != true || at(svc.Inputs, "deploymentCircuitBreaker.rollback") != true {
				t.Errorf("%s: rolling wants ECS with circuit breaker and rollback, got %s %v", role, controller, at(svc.Inputs, "deploymentCircuitBreaker"))
			}
			if len(groups) != 0 || len(p.Find(tDeployApp)) != 0 {
				t.Errorf("%s: rolling has CodeDeploy resources %v", role, namesOf(groups))
			}
		}
		// Load balancer attachment.
		lbc, lbp := program.AppContainer, float64(tier.Service.Port)
		if tier.Service.Nginx.Enabled {
			lbc, lbp = program.NginxContainer, 80
		}
		if atString(svc.Inputs, "loadBalancers.0.containerName") != lbc || at(svc.Inputs, "loadBalancers.0.containerPort") != lbp {
			t.Errorf("%s: load balancer sends to %v:%v, want %s:%v", role, at(svc.Inputs, "loadBalancers.0.containerName"), at(svc.Inputs, "loadBalancers.0.containerPort"), lbc, lbp)
		}
		if (container(t, td, program.NginxContainer) != nil) != tier.Service.Nginx.Enabled {
			t.Errorf("%s: nginx container present %v, wanted %v", role, container(t, td, program.NginxContainer) != nil, tier.Service.Nginx.Enabled)
		}
		if !created {
			want := s.LoadBalancer.Existing.TargetGroups.Backend[0]
			if tier.Role == profiles.RoleFrontend {
				want = s.LoadBalancer.Existing.TargetGroups.Frontend[0]
			}
			if got := atString(svc.Inputs, "loadBalancers.0.targetGroupArn"); got != want {
				t.Errorf("%s: attached to %s, want the given blue target group %s", role, got, want)
			}
		}
		// Launch type.
		compat := strList(td.Inputs, "requiresCompatibilities")
		wantCompat, mode := "FARGATE", "awsvpc"
		if s.LaunchType == profiles.LaunchEC2 {
			wantCompat, mode = "EC2", "bridge"
		}
		if len(compat) != 1 || compat[0] != wantCompat || atString(td.Inputs, "networkMode") != mode {
			t.Errorf("%s: compatibilities %v mode %s, want [%s] %s", role, compat, atString(td.Inputs, "networkMode"), wantCompat, mode)
		}
		// Service Connect.
		if (at(svc.Inputs, "serviceConnectConfiguration.enabled") == true) != s.ServiceConnect {
			t.Errorf("%s: Service Connect %v, wanted %v", role, at(svc.Inputs, "serviceConnectConfiguration"), s.ServiceConnect)
		}
		// ECS Exec and grace period.
		if at(svc.Inputs, "enableExecuteCommand") != true || at(svc.Inputs, "healthCheckGracePeriodSeconds") != float64(tier.Service.HealthCheckGracePeriod) {
			t.Errorf("%s: exec %v grace %v", role, at(svc.Inputs, "enableExecuteCommand"), at(svc.Inputs, "healthCheckGracePeriodSeconds"))
		}
		checkVolume(t, s, tier, svc, td)
		// Database settings reach the application.
		app := container(t, td, program.AppContainer)
		hasDBSecret := false
		for _, sec := range atList(app, "secrets") {
			if atString(sec, "name") == "DB_PASSWORD" {
				hasDBSecret = true
			}
		}
		if hasDBSecret != s.HasDatabase() {
			t.Errorf("%s: DB_PASSWORD secret %v with database %v", role, hasDBSecret, s.HasDatabase())
		}
	}
	if got := len(p.Find("aws:servicediscovery/httpNamespace:HttpNamespace")); (got == 1) != s.ServiceConnect {
		t.Errorf("%d Service Connect namespaces, serviceConnect %v", got, s.ServiceConnect)
	}
	// Capacity.
	ec2 := s.LaunchType == profiles.LaunchEC2
	for _, typ := range []string{"aws:autoscaling/group:Group", "aws:ecs/capacityProvider:CapacityProvider", "aws:ec2/launchTemplate:LaunchTemplate"} {
		if got := len(p.Find(typ)); (got == 1) != ec2 {
			t.Errorf("%d %s with launch type %s", got, typ, s.LaunchType)
		}
	}
	// Database.
	if got := len(p.Find(tRDS)); (got == 1) != s.HasDatabase() {
		t.Errorf("%d databases with engine %s", got, s.Database.Engine)
	} else if got == 1 && atString(one(t, p, tRDS).Inputs, "engine") != string(s.Database.Engine) {
		t.Errorf("database engine %s, want %s", atString(one(t, p, tRDS).Inputs, "engine"), s.Database.Engine)
	}
	// Frontend.
	if got := len(p.Find(tDistrib)); (got == 1) != s.FrontendOnS3() {
		t.Errorf("%d distributions, frontend on S3 %v", got, s.FrontendOnS3())
	}
	if got := p.Get(tService, "frontend-service") != nil; got != s.FrontendOnECS() {
		t.Errorf("frontend service %v, frontend on ECS %v", got, s.FrontendOnECS())
	}
	checkPipelines(t, s, p)
	checkWorkers(t, s, p)
	checkJobs(t, s, p)
}

func checkWorkers(t *testing.T, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	for _, w := range s.Workers {
		svc := named(t, p, tService, w.Name+"-service")
		td := named(t, p, tTaskDef, w.Name+"-task-definition")
		// A service without a load balancer, rolling with its circuit breaker.
		if at(svc.Inputs, "loadBalancers") != nil || at(svc.Inputs, "healthCheckGracePeriodSeconds") != nil {
			t.Errorf("%s: a worker has load balancers %v, grace %v", w.Name, at(svc.Inputs, "loadBalancers"), at(svc.Inputs, "healthCheckGracePeriodSeconds"))
		}
		if atString(svc.Inputs, "deploymentController.type") != "ECS" || at(svc.Inputs, "deploymentCircuitBreaker.rollback") != true {
			t.Errorf("%s: a worker deploys rolling with rollback, got %v %v", w.Name, at(svc.Inputs, "deploymentController"), at(svc.Inputs, "deploymentCircuitBreaker"))
		}
		if at(svc.Inputs, "enableExecuteCommand") != true || len(atList(svc.Inputs, "capacityProviderStrategies")) == 0 {
			t.Errorf("%s: exec %v strategy %v", w.Name, at(svc.Inputs, "enableExecuteCommand"), at(svc.Inputs, "capacityProviderStrategies"))
		}
		// Its command, no port.
		app := container(t, td, program.AppContainer)
		if fmt.Sprint(at(app, "command")) != fmt.Sprint(toAny(w.Command)) || at(app, "portMappings") != nil {
			t.Errorf("%s: command %v ports %v, want %v and none", w.Name, at(app, "command"), at(app, "portMappings"), w.Command)
		}
		if got := hasSecret(app, "DB_PASSWORD"); got != s.WorkerUsesDatabase(&w) {
			t.Errorf("%s: DB_PASSWORD %v, wanted %v", w.Name, got, s.WorkerUsesDatabase(&w))
		}
		// A Service Connect client, serving nothing.
		if s.ServiceConnect && (at(svc.Inputs, "serviceConnectConfiguration.enabled") != true || at(svc.Inputs, "serviceConnectConfiguration.services") != nil) {
			t.Errorf("%s: Service Connect %v, want a client", w.Name, at(svc.Inputs, "serviceConnectConfiguration"))
		}
		// Autoscaling when max > min; a rolling pipeline with a repository.
		if got := p.Get("aws:appautoscaling/target:Target", w.Name+"-scaling-target") != nil; got != (w.Autoscaling.Max > w.Autoscaling.Min) {
			t.Errorf("%s: scaling target %v, max %d min %d", w.Name, got, w.Autoscaling.Max, w.Autoscaling.Min)
		}
		pl := p.Get(tPipeline, w.Name+"-codepipeline")
		if (pl != nil) != (w.Repository.Name != "") {
			t.Errorf("%s: pipeline %v with repository %q", w.Name, pl != nil, w.Repository.Name)
		} else if pl != nil {
			if st := atList(pl.Inputs, "stages"); len(st) != 3 || atString(st[2], "actions.0.provider") != "ECS" {
				t.Errorf("%s: a worker's pipeline deploys with ECS, got %v", w.Name, st)
			}
		}
	}
}

func checkJobs(t *testing.T, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	if got := len(p.Find("aws:scheduler/scheduleGroup:ScheduleGroup")); got != min(len(s.Jobs), 1) {
		t.Errorf("%d schedule groups for %d jobs", got, len(s.Jobs))
	}
	if got := len(p.Find(tSchedule)); got != len(s.Jobs) {
		t.Errorf("%d schedules for %d jobs", got, len(s.Jobs))
	}
	for _, j := range s.Jobs {
		td := named(t, p, tTaskDef, j.Name+"-task-definition")
		sc := named(t, p, tSchedule, j.Name+"-schedule")
		app := container(t, td, program.AppContainer)
		if fmt.Sprint(at(app, "command")) != fmt.Sprint(toAny(j.Command)) {
			t.Errorf("%s: command %v, want %v", j.Name, at(app, "command"), j.Command)
		}
		if got := hasSecret(app, "DB_PASSWORD"); got != s.JobUsesDatabase(&j) {
			t.Errorf("%s: DB_PASSWORD %v, wanted %v", j.Name, got, s.JobUsesDatabase(&j))
		}
		wantImage := s.JobImage(&j)
		if got := atString(app, "image"); wantImage != "" && got != wantImage {
			t.Errorf("%s: image %s, want %s", j.Name, got, wantImage)
		}
		// The timeout: an essential container that sleeps that long.
		dl := container(t, td, program.DeadlineContainer)
		switch {
		case j.TimeoutMinutes == 0 && dl != nil:
			t.Errorf("%s: no timeout, but a deadline container %v", j.Name, dl)
		case j.TimeoutMinutes > 0 && (dl == nil || at(dl, "essential") != true || fmt.Sprint(at(dl, "command")) != fmt.Sprintf("[sleep %d]", j.TimeoutMinutes*60) ||
			at(dl, "linuxParameters.initProcessEnabled") != true || at(dl, "stopTimeout") != float64(2)):
			t.Errorf("%s: timeout %d min, deadline container %v", j.Name, j.TimeoutMinutes, dl)
		}
		// The schedule runs that task definition on the cluster.
		tz := j.Timezone
		if tz == "" {
			tz = "UTC"
		}
		if atString(sc.Inputs, "scheduleExpression") != j.Schedule || atString(sc.Inputs, "scheduleExpressionTimezone") != tz {
			t.Errorf("%s: schedule %v %v", j.Name, at(sc.Inputs, "scheduleExpression"), at(sc.Inputs, "scheduleExpressionTimezone"))
		}
		if atString(sc.Inputs, "target.arn") == "" || atString(sc.Inputs, "target.roleArn") == "" || at(sc.Inputs, "target.ecsParameters.taskCount") != float64(1) ||
			len(atList(sc.Inputs, "target.ecsParameters.capacityProviderStrategies")) == 0 {
			t.Errorf("%s: target %v", j.Name, at(sc.Inputs, "target"))
		}
		awsvpc := s.LaunchType == profiles.LaunchFargate
		if got := at(sc.Inputs, "target.ecsParameters.networkConfiguration.assignPublicIp") == true; got != awsvpc {
			t.Errorf("%s: network configuration %v on %s", j.Name, at(sc.Inputs, "target.ecsParameters.networkConfiguration"), s.LaunchType)
		}
		if at(sc.Inputs, "target.retryPolicy.maximumRetryAttempts") != float64(program.JobRetries) {
			t.Errorf("%s: retry policy %v", j.Name, at(sc.Inputs, "target.retryPolicy"))
		}
	}
}

// hasSecret says whether a container definition has a secret of that name.
func hasSecret(c any, name string) bool {
	for _, sec := range atList(c, "secrets") {
		if atString(sec, "name") == name {
			return true
		}
	}
	return false
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func checkVolume(t *testing.T, s *profiles.Spec, tier profiles.TierService, svc, td plan.Resource) {
	t.Helper()
	vol := tier.Service.Volume
	vols := atList(td.Inputs, "volumes")
	if vol.Kind == profiles.VolumeNone {
		if len(vols) != 0 {
			t.Errorf("%s: volumes %v without a volume", tier.Role, vols)
		}
		return
	}
	if len(vols) != 1 || atString(vols[0], "name") != program.VolumeName {
		t.Fatalf("%s: volumes %v, want one named %s", tier.Role, vols, program.VolumeName)
	}
	v := vols[0]
	switch vol.Kind {
	case profiles.VolumeEFS:
		if atString(v, "efsVolumeConfiguration.fileSystemId") != vol.EFSID || atString(v, "efsVolumeConfiguration.transitEncryption") != "ENABLED" {
			t.Errorf("efs volume %v", v)
		}
	case profiles.VolumeEBS:
		if at(v, "configureAtLaunch") != true || atString(svc.Inputs, "volumeConfiguration.name") != program.VolumeName ||
			at(svc.Inputs, "volumeConfiguration.managedEbsVolume.sizeInGb") != float64(vol.SizeGiB) ||
			at(svc.Inputs, "volumeConfiguration.managedEbsVolume.encrypted") != true ||
			atString(svc.Inputs, "volumeConfiguration.managedEbsVolume.roleArn") == "" {
			t.Errorf("ebs volume %v, service volume configuration %v", v, at(svc.Inputs, "volumeConfiguration"))
		}
	case profiles.VolumeBind:
		if atString(v, "hostPath") != vol.HostPath {
			t.Errorf("bind volume %v", v)
		}
	case profiles.VolumeEphemeral:
		if s.LaunchType == profiles.LaunchFargate && at(td.Inputs, "ephemeralStorage.sizeInGib") != float64(vol.SizeGiB) {
			t.Errorf("ephemeral storage %v, want %d GiB", at(td.Inputs, "ephemeralStorage"), vol.SizeGiB)
		}
	}
	app := container(t, td, program.AppContainer)
	if atString(app, "mountPoints.0.containerPath") != vol.ContainerPath || atString(app, "mountPoints.0.sourceVolume") != program.VolumeName {
		t.Errorf("%s: mount points %v", tier.Role, at(app, "mountPoints"))
	}
}

func checkPipelines(t *testing.T, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	roles := map[profiles.Role]bool{profiles.RoleBackend: s.Backend.Repository.Name != ""}
	if s.Tier == profiles.TierTwoTier {
		roles[profiles.RoleFrontend] = s.Frontend.Repository.Name != ""
	}
	for role, want := range roles {
		r := p.Get(tPipeline, string(role)+"-codepipeline")
		if (r != nil) != want {
			t.Errorf("%s pipeline present %v, wanted %v", role, r != nil, want)
			continue
		}
		if r == nil {
			continue
		}
		stages := atList(r.Inputs, "stages")
		site := role == profiles.RoleFrontend && s.FrontendOnS3()
		if site {
			if len(stages) != 2 {
				t.Errorf("%s: a static site deploys in its build (Source, Build), got %d stages", role, len(stages))
			}
			continue
		}
		if len(stages) != 3 {
			t.Fatalf("%s: %d stages, want Source, Build, Deploy", role, len(stages))
		}
		provider := atString(stages[2], "actions.0.provider")
		want := "ECS"
		if s.BlueGreen() {
			want = "CodeDeployToECS"
		}
		if provider != want || atString(r.Inputs, "pipelineType") != "V2" {
			t.Errorf("%s: deploy action %s (want %s), pipeline type %s", role, provider, want, atString(r.Inputs, "pipelineType"))
		}
	}
}

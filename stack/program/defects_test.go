package program_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
	"ecsdeck/stack/program"
)

// One test per defect of the reference Terraform project
// (reference/terraform-variables.md): each runs the program over the
// matching answers and shows the right behaviour.

func TestDefectTyposBreakingOptions(t *testing.T) {
	t.Run("task definition compatibilities", func(t *testing.T) {
		for _, launch := range []profiles.LaunchType{profiles.LaunchFargate, profiles.LaunchEC2} {
			// GIVEN a launch type WHEN planned
			s := base()
			s.LaunchType = launch
			p := planOf(t, s)
			// THEN the task definition requires exactly that compatibility
			want := map[profiles.LaunchType]string{profiles.LaunchFargate: "FARGATE", profiles.LaunchEC2: "EC2"}[launch]
			got := strList(one(t, p, tTaskDef).Inputs, "requiresCompatibilities")
			if !reflect.DeepEqual(got, []string{want}) {
				t.Errorf("%s: requiresCompatibilities %v, want [%s]", launch, got, want)
			}
		}
	})
	t.Run("EBS volume names", func(t *testing.T) {
		// GIVEN an EBS volume on EC2
		s := base()
		s.LaunchType, s.Backend.CPU, s.Backend.Memory = profiles.LaunchEC2, 512, 512
		s.Backend.Volume = profiles.Volume{Kind: profiles.VolumeEBS, SizeGiB: 25, ContainerPath: "/data"}
		p := planOf(t, s)
		svc := named(t, p, tService, "backend-service")
		// THEN the service configures the volume the task definition names, tagged with the platform's name
		if atString(svc.Inputs, "volumeConfiguration.name") != atString(atList(one(t, p, tTaskDef).Inputs, "volumes")[0], "name") {
			t.Errorf("service volume %v does not match the task definition's", at(svc.Inputs, "volumeConfiguration.name"))
		}
		if got := atString(svc.Inputs, "volumeConfiguration.managedEbsVolume.tagSpecifications.0.tags.Name"); got != "app-prod-backend-data" {
			t.Errorf("volume Name tag %q, want app-prod-backend-data", got)
		}
		if role := atString(named(t, p, "aws:iam/role:Role", "backend-volume-role").Inputs, "name"); role != "app-prod-us-east-1-backend-ebs" {
			t.Errorf("volume role %q", role)
		}
	})
	t.Run("CloudFront only for the S3 frontend", func(t *testing.T) {
		for hosting, want := range map[profiles.Hosting]int{profiles.HostingNone: 0, profiles.HostingS3: 1, profiles.HostingECS: 0} {
			// GIVEN a frontend hosting
			s := base()
			if hosting != profiles.HostingNone {
				s.Tier, s.Frontend.Hosting, s.Frontend.Image = profiles.TierTwoTier, hosting, "ghcr.io/acme/web:1"
				withDomain(s)
			}
			// THEN a distribution exists only for hosting s3
			if got := len(planOf(t, s).Find(tDistrib)); got != want {
				t.Errorf("hosting %s: %d distributions, want %d", hosting, got, want)
			}
		}
	})
}

func TestDefectDatabaseOffPlansCleanly(t *testing.T) {
	// GIVEN no database, even with the database ACL asked for
	s := base()
	s.Network.DatabaseACL.Enabled = true
	p := planOf(t, s)
	// THEN nothing of a database exists, and no output refers to one
	for _, typ := range []string{tRDS, "aws:rds/subnetGroup:SubnetGroup", "aws:ec2/networkAcl:NetworkAcl"} {
		if n := len(p.Find(typ)); n != 0 {
			t.Errorf("%d %s without a database", n, typ)
		}
	}
	for _, name := range []string{"database-sg", "database-a", "database-b", "database-routes"} {
		for _, r := range p.Resources {
			if r.Name == name {
				t.Errorf("%s %s exists without a database", r.Type, name)
			}
		}
	}
	for _, k := range []string{"databaseEndpoint", "databaseSecretArn"} {
		if _, ok := p.Outputs[k]; ok {
			t.Errorf("output %s exists without a database", k)
		}
	}
	if env := at(container(t, one(t, p, tTaskDef), program.AppContainer), "environment"); env != nil {
		t.Errorf("database settings reach the task without a database: %v", env)
	}
	// WHEN the database is turned on THEN its parts appear, the ACL on its subnets
	s.Database.Engine = profiles.EngineMySQL
	p = planOf(t, s)
	acl := one(t, p, "aws:ec2/networkAcl:NetworkAcl")
	if len(strList(acl.Inputs, "subnetIds")) != 2 || at(acl.Inputs, "ingress.0.fromPort") != float64(3306) {
		t.Errorf("database ACL %v", acl.Inputs)
	}
}

func TestDefectAutoscalingTracksECSMetrics(t *testing.T) {
	// GIVEN autoscaling on CPU and memory
	s := base()
	s.Backend.Autoscaling = profiles.Autoscaling{Min: 2, Max: 8, CPUTarget: 65, MemoryTarget: 80, ScaleInCooldown: 300, ScaleOutCooldown: 45}
	s.Backend.DesiredCount = 2
	p := planOf(t, s)
	// THEN target tracking uses the predefined ECS metrics (namespace AWS/ECS) on the service itself
	target := one(t, p, "aws:appautoscaling/target:Target")
	if got := atString(target.Inputs, "resourceId"); got != "service/app-prod/app-prod-backend" {
		t.Errorf("scalable target %q, want service/<cluster>/<service>", got)
	}
	if at(target.Inputs, "minCapacity") != float64(2) || at(target.Inputs, "maxCapacity") != float64(8) {
		t.Errorf("capacity %v..%v", at(target.Inputs, "minCapacity"), at(target.Inputs, "maxCapacity"))
	}
	got := map[string]float64{}
	for _, pol := range p.Find(tScaling) {
		cfg := at(pol.Inputs, "targetTrackingScalingPolicyConfiguration")
		got[atString(cfg, "predefinedMetricSpecification.predefinedMetricType")] = at(cfg, "targetValue").(float64)
		if at(cfg, "scaleInCooldown") != float64(300) || at(cfg, "scaleOutCooldown") != float64(45) || atString(pol.Inputs, "policyType") != "TargetTrackingScaling" {
			t.Errorf("policy %s: %v", pol.Name, pol.Inputs)
		}
	}
	want := map[string]float64{"ECSServiceAverageCPUUtilization": 65, "ECSServiceAverageMemoryUtilization": 80}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("policies %v, want %v", got, want)
	}
	// AND no hand-made alarm (the reference's used the wrong namespace)
	if n := len(p.Find("aws:cloudwatch/metricAlarm:MetricAlarm")); n != 0 {
		t.Errorf("%d metric alarms", n)
	}
	// AND min equal to max means no scaling at all
	s.Backend.Autoscaling.Max, s.Backend.DesiredCount = 2, 2
	if n := len(planOf(t, s).Find(tScaling)); n != 0 {
		t.Errorf("%d scaling policies with min = max", n)
	}
}

func TestDefectHostNamesAgree(t *testing.T) {
	t.Run("listener rules and DNS records", func(t *testing.T) {
		// GIVEN two ECS tiers on the default hosts of a domain
		s := base()
		s.Tier, s.Frontend.Hosting, s.Frontend.Image = profiles.TierTwoTier, profiles.HostingECS, "ghcr.io/acme/web:1"
		withDomain(s)
		p := planOf(t, s)
		// THEN the names the rules route are exactly the names DNS creates
		var ruled, records []string
		for _, r := range p.Find(tRule) {
			if !strings.Contains(r.Name, "test") {
				ruled = append(ruled, strList(r.Inputs, "conditions.0.hostHeader.values")...)
			}
		}
		for _, r := range p.Find(tRecord) {
			records = append(records, atString(r.Inputs, "name"))
		}
		sort.Strings(ruled)
		sort.Strings(records)
		want := []string{"api.example.com", "example.com", "www.example.com"}
		if !reflect.DeepEqual(ruled, want) || !reflect.DeepEqual(records, want) {
			t.Errorf("rules route %v, DNS has %v, want both %v", ruled, records, want)
		}
	})
	t.Run("CloudFront aliases and DNS records", func(t *testing.T) {
		// GIVEN a static frontend on the domain
		s := base()
		s.Tier, s.Frontend.Hosting = profiles.TierTwoTier, profiles.HostingS3
		withDomain(s)
		p := planOf(t, s)
		aliases := strList(one(t, p, tDistrib).Inputs, "aliases")
		var records []string
		for _, r := range p.Find(tRecord) {
			if r.Parent == "frontend" {
				records = append(records, atString(r.Inputs, "name"))
			}
		}
		sort.Strings(aliases)
		records = uniq(records)
		// THEN each alias has its records and no record lacks an alias
		if !reflect.DeepEqual(aliases, records) || len(aliases) != 2 {
			t.Errorf("aliases %v, records %v", aliases, records)
		}
	})
	t.Run("the application port is used everywhere", func(t *testing.T) {
		// GIVEN an application on port 8081 without nginx
		s := base()
		s.Backend.Port = 8081
		p := planOf(t, s)
		// THEN the service registers its targets, the container listens and the
		// tasks' group admits on 8081, and the target groups check that port
		for _, tg := range p.Find(tTargetGroup) {
			if atString(tg.Inputs, "healthCheck.port") != "traffic-port" {
				t.Errorf("target group %s checks port %v", tg.Name, at(tg.Inputs, "healthCheck.port"))
			}
		}
		if at(one(t, p, tService).Inputs, "loadBalancers.0.containerPort") != float64(8081) {
			t.Errorf("service container port %v", at(one(t, p, tService).Inputs, "loadBalancers.0.containerPort"))
		}
		if at(container(t, one(t, p, tTaskDef), program.AppContainer), "portMappings.0.containerPort") != float64(8081) {
			t.Errorf("container port mapping wrong")
		}
		if !ingressAllows(named(t, p, tSG, "tasks-sg"), 8081) {
			t.Errorf("tasks' group does not admit 8081 from the load balancer")
		}
	})
}

func uniq(ss []string) []string {
	sort.Strings(ss)
	var out []string
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func ingressAllows(sg plan.Resource, port int) bool {
	for _, in := range atList(sg.Inputs, "ingress") {
		from, _ := at(in, "fromPort").(float64)
		to, _ := at(in, "toPort").(float64)
		if float64(port) >= from && float64(port) <= to {
			return true
		}
	}
	return false
}

// physicalNames collects every name-like input of a plan.
func physicalNames(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Resources {
		for _, k := range []string{"name", "bucket", "identifier", "family", "keyName", "deploymentGroupName"} {
			if v, ok := r.Inputs[k].(string); ok && v != "" && r.Type != tRolePolicy && r.Type != tRecord && r.Type != tParameter {
				if r.Type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" || strings.HasPrefix(r.Type, "aws:s3/bucket") && r.Type != tBucket {
					continue // these name the bucket they configure
				}
				out = append(out, r.Type+" "+k+"="+v)
			}
		}
	}
	return out
}

func TestDefectNoFixedGlobalNames(t *testing.T) {
	// GIVEN two platforms in one account and region, every option on
	mk := func(name, env string) *plan.Plan {
		s := examples(t)["ec2-arm64-service-connect"]
		s.Name, s.Environment = name, env
		return planOf(t, s)
	}
	a, b := mk("ledger", "staging"), mk("ledger", "prod")
	// THEN no physical name of one is a name of the other
	seen := map[string]bool{}
	for _, n := range physicalNames(a) {
		seen[n] = true
		if !strings.Contains(n, "ledger-staging") {
			t.Errorf("%s does not carry the platform's name and environment", n)
		}
	}
	for _, n := range physicalNames(b) {
		if seen[n] {
			t.Errorf("both platforms create %s", n)
		}
	}
	// AND account-wide names carry the region, bucket names the account and region
	for _, r := range a.Find("aws:iam/role:Role") {
		if !strings.HasPrefix(atString(r.Inputs, "name"), "ledger-staging-eu-west-1-") {
			t.Errorf("role %s lacks the region", atString(r.Inputs, "name"))
		}
	}
	for _, r := range a.Find(tBucket) {
		if n := atString(r.Inputs, "bucket"); !strings.HasSuffix(n, "-"+plan.DefaultAccount+"-eu-west-1") {
			t.Errorf("bucket %s lacks the account and region", n)
		}
	}
	// AND target group names stay within 32 characters at the longest prefix
	s := base()
	s.Name, s.Environment = "abcdefghijklm", "staging" // 21 characters
	s.Tier, s.Frontend.Hosting, s.Frontend.Image = profiles.TierTwoTier, profiles.HostingECS, "ghcr.io/acme/web:1"
	withDomain(s)
	for _, tg := range planOf(t, s).Find(tTargetGroup) {
		if n := atString(tg.Inputs, "name"); len(n) > 32 {
			t.Errorf("target group name %s is %d characters", n, len(n))
		}
	}
}

func TestDefectDatabaseIsPrivate(t *testing.T) {
	// GIVEN a database in a created VPC
	s := base()
	s.Database.Engine = profiles.EnginePostgres
	p := planOf(t, s)
	db := one(t, p, tRDS)
	// THEN it is not publicly accessible, encrypted, and its password is RDS's, never ours
	if at(db.Inputs, "publiclyAccessible") != false || at(db.Inputs, "storageEncrypted") != true || at(db.Inputs, "manageMasterUserPassword") != true {
		t.Errorf("database inputs %v", db.Inputs)
	}
	if _, ok := db.Inputs["password"]; ok {
		t.Errorf("the database has a password input")
	}
	// AND its group admits only the tasks' group, on its port
	dbsg := named(t, p, tSG, "database-sg")
	tasks := named(t, p, tSG, "tasks-sg")
	ingress := atList(dbsg.Inputs, "ingress")
	if len(ingress) != 1 || at(ingress[0], "cidrBlocks") != nil || at(ingress[0], "fromPort") != float64(5432) {
		t.Errorf("database group ingress %v", ingress)
	}
	tasksID := tasksGroupID(t, p, tasks)
	if got := strList(ingress[0], "securityGroups"); !reflect.DeepEqual(got, []string{tasksID}) {
		t.Errorf("database group admits %v, want only the tasks' group %s", got, tasksID)
	}
	// AND its subnets are private: not public on launch, on a route table without an internet route
	for _, r := range []string{"database-a", "database-b"} {
		if at(named(t, p, tSubnet, r).Inputs, "mapPublicIpOnLaunch") != false {
			t.Errorf("%s maps public IPs", r)
		}
	}
	for _, route := range p.Find("aws:ec2/route:Route") {
		if strings.Contains(route.Name, "database") {
			t.Errorf("database subnets have route %v", route.Inputs)
		}
	}
	if n := len(p.Find("aws:ec2/routeTableAssociation:RouteTableAssociation")); n != 4 {
		t.Errorf("%d route table associations, want 4 (two public, two database)", n)
	}
	// AND the task gets the password from the managed secret only
	app := container(t, one(t, p, tTaskDef), program.AppContainer)
	secret := atString(app, "secrets.0.valueFrom")
	if atString(app, "secrets.0.name") != "DB_PASSWORD" || !strings.HasPrefix(secret, p.Outputs["databaseSecretArn"].(string)) || !strings.HasSuffix(secret, ":password::") {
		t.Errorf("DB_PASSWORD from %q", secret)
	}
}

// tasksGroupID finds the mocked id of the tasks' security group through the
// service that uses it.
func tasksGroupID(t *testing.T, p *plan.Plan, _ plan.Resource) string {
	t.Helper()
	ids := strList(one(t, p, tService).Inputs, "networkConfiguration.securityGroups")
	if len(ids) != 1 {
		t.Fatalf("service security groups %v", ids)
	}
	return ids[0]
}

func TestDefectDriftIsNotHidden(t *testing.T) {
	for _, deploy := range []profiles.DeployStrategy{profiles.DeployRolling, profiles.DeployBlueGreen} {
		t.Run(string(deploy), func(t *testing.T) {
			// GIVEN a platform deployed rolling or blue/green, with autoscaling
			s := base()
			withDomain(s)
			s.Pipeline.Deploy = deploy
			s.Backend.Autoscaling.Max = 3
			p := planOf(t, s)
			// THEN only what another owner changes is ignored, property by property
			want := map[string][]string{
				tService: {"desiredCount"},
			}
			if deploy == profiles.DeployBlueGreen {
				want[tService] = []string{"taskDefinition", "loadBalancers", "networkConfiguration", "capacityProviderStrategies", "desiredCount"}
				want[tListener] = []string{"defaultActions"}
			}
			for _, r := range p.Resources {
				if len(r.IgnoreChanges) == 0 {
					continue
				}
				for _, prop := range r.IgnoreChanges {
					if prop == "*" || prop == "" {
						t.Errorf("%s %s ignores everything", r.Type, r.Name)
					}
				}
				switch r.Type {
				case "aws:ssm/parameter:Parameter", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:autoscaling/group:Group":
					continue // a person's value; the build's file; managed scaling's capacity
				}
				if !reflect.DeepEqual(r.IgnoreChanges, want[r.Type]) {
					t.Errorf("%s %s ignores %v, want %v", r.Type, r.Name, r.IgnoreChanges, want[r.Type])
				}
			}
			if deploy == profiles.DeployRolling {
				for _, typ := range []string{tTaskDef, tListener, tRule} {
					for _, r := range p.Find(typ) {
						if len(r.IgnoreChanges) > 0 {
							t.Errorf("rolling: %s %s ignores %v", typ, r.Name, r.IgnoreChanges)
						}
					}
				}
			}
			// AND the redirect listener is never ignored
			if r := named(t, p, tListener, "http-listener"); len(r.IgnoreChanges) != 0 {
				t.Errorf("the HTTP redirect ignores %v", r.IgnoreChanges)
			}
		})
	}
}

func TestDefectCircuitBreakerRetentionAndExec(t *testing.T) {
	// GIVEN the two-tier ECS example (rolling) with a 14-day retention
	s := examples(t)["two-tier-ecs"]
	s.Cluster.LogRetentionDays = 14
	p := planOf(t, s)
	// THEN every service rolls back a failed deployment and allows ECS Exec
	for _, svc := range p.Find(tService) {
		if at(svc.Inputs, "deploymentCircuitBreaker.enable") != true || at(svc.Inputs, "deploymentCircuitBreaker.rollback") != true {
			t.Errorf("%s circuit breaker %v", svc.Name, at(svc.Inputs, "deploymentCircuitBreaker"))
		}
		if at(svc.Inputs, "enableExecuteCommand") != true {
			t.Errorf("%s without ECS Exec", svc.Name)
		}
	}
	// AND every log group, including those AWS would create itself, keeps 14 days
	var groups []string
	for _, lg := range p.Find(tLogGroup) {
		groups = append(groups, atString(lg.Inputs, "name"))
		if at(lg.Inputs, "retentionInDays") != float64(14) {
			t.Errorf("log group %s retention %v", atString(lg.Inputs, "name"), at(lg.Inputs, "retentionInDays"))
		}
	}
	for _, g := range []string{"/aws/ecs/containerinsights/notes-prod/performance", "/aws/rds/instance/notes-prod-db/error", "/ecs/notes-prod/exec"} {
		if !contains(groups, g) {
			t.Errorf("no log group %s with retention (have %v)", g, groups)
		}
	}
	// AND the task role may open Exec sessions
	for _, docs := range allowedStatements(t, p)["notes-prod-us-east-1-backend-task"] {
		found := false
		for _, st := range docs.Statement {
			if contains(anyList(st.Action), "ssmmessages:OpenDataChannel") {
				found = true
			}
		}
		if !found {
			t.Errorf("the task role cannot answer ECS Exec")
		}
	}
}

func TestDefectNginxIsBuiltByThePipeline(t *testing.T) {
	// GIVEN nginx in front of a tier that has a pipeline
	s := base()
	s.Backend.Image = ""
	s.Backend.Repository.Name = "acme/api"
	s.Backend.Nginx.Enabled = true
	p := planOf(t, s)
	// THEN an nginx repository exists and the task runs its image
	repo := named(t, p, tRepository, "backend-nginx-repository")
	ngx := container(t, one(t, p, tTaskDef), program.NginxContainer)
	if !strings.HasSuffix(atString(ngx, "image"), "/"+atString(repo.Inputs, "name")+":latest") {
		t.Errorf("nginx runs %v, not the built image", ngx["image"])
	}
	if _, ok := ngx["command"]; ok {
		t.Errorf("a built nginx image carries its configuration; got a command %v", ngx["command"])
	}
	// AND the build builds and pushes it, and deploys it with the application
	spec, err := program.Buildspec(s, profiles.RoleBackend)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"${TMPDIR:-/tmp}/nginx/default.conf"`, `docker build --pull -t "$NGINX_REPOSITORY_URI:$IMAGE_TAG"`, `docker push --all-tags "$NGINX_REPOSITORY_URI"`, `{"name":"nginx","imageUri":"%s"}`} {
		if !strings.Contains(spec, want) {
			t.Errorf("buildspec lacks %s", want)
		}
	}
	vars := map[string]string{}
	for _, v := range atList(one(t, p, tProject).Inputs, "environment.environmentVariables") {
		vars[atString(v, "name")] = atString(v, "value")
	}
	if !strings.HasSuffix(vars[program.EnvNginxRepository], "/app-prod/backend-nginx") || !strings.Contains(vars[program.EnvNginxConf], "proxy_pass http://127.0.0.1:8080;") {
		t.Errorf("build variables %v", vars)
	}
}

func TestDefectSourceConnectionIsReported(t *testing.T) {
	// GIVEN a pipeline and no connection
	s := base()
	s.Backend.Repository.Name = "acme/api"
	p := planOf(t, s)
	// THEN ecsdeck creates one and says it waits for activation
	conn := one(t, p, tConnection)
	if p.Outputs["connectionPending"] != true || p.Outputs["connectionArn"] == "" || atString(conn.Inputs, "providerType") != "GitHub" {
		t.Errorf("connection %v, outputs pending %v arn %v", conn.Inputs, p.Outputs["connectionPending"], p.Outputs["connectionArn"])
	}
	// WHEN a connection is given THEN it is used as is and nothing is pending
	given := "arn:aws:codeconnections:us-east-1:123456789012:connection/aa11bb22-cc33-dd44-ee55-ff6677889900"
	s.Pipeline.ConnectionARN = given
	p = planOf(t, s)
	if n := len(p.Find(tConnection)); n != 0 || p.Outputs["connectionPending"] != false || p.Outputs["connectionArn"] != given {
		t.Errorf("%d connections, pending %v, arn %v", n, p.Outputs["connectionPending"], p.Outputs["connectionArn"])
	}
	src := at(one(t, p, tPipeline).Inputs, "stages.0.actions.0.configuration")
	if atString(src, "ConnectionArn") != given || atString(src, "FullRepositoryId") != "acme/api" || atString(src, "BranchName") != "main" {
		t.Errorf("source action %v", src)
	}
}

func TestDefectZonesAreDiscovered(t *testing.T) {
	// GIVEN a region whose first zones are not a and b
	s := valid(t, base())
	p, err := plan.Offline(context.Background(), s, plan.Options{Zones: []string{"us-east-1f", "us-east-1c", "us-east-1d"}})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the subnets use the zones the region offers
	var zones []string
	for _, sn := range p.Find(tSubnet) {
		zones = append(zones, atString(sn.Inputs, "availabilityZone"))
	}
	sort.Strings(zones)
	if want := []string{"us-east-1c", "us-east-1d"}; !reflect.DeepEqual(zones, want) {
		t.Errorf("subnets in %v, want %v", zones, want)
	}
	// AND zones given in the answers win
	s.Network.AvailabilityZones = []string{"us-east-1e", "us-east-1a"}
	zones = nil
	for _, sn := range planOf(t, s).Find(tSubnet) {
		zones = append(zones, atString(sn.Inputs, "availabilityZone"))
	}
	if want := []string{"us-east-1e", "us-east-1a"}; !reflect.DeepEqual(zones, want) {
		t.Errorf("subnets in %v, want %v", zones, want)
	}
}

func TestDefectSecretsStayOutOfThePlan(t *testing.T) {
	// GIVEN SSM placeholders and a local environment file
	s := base()
	s.Backend.SSMPath, s.Backend.SSMPlaceholders = "/app/prod/backend", []string{"API_TOKEN"}
	p := planOf(t, s)
	param := named(t, p, tParameter, "backend-param-API_TOKEN")
	// THEN the placeholder is a SecureString whose value is a secret, left alone once set
	if atString(param.Inputs, "type") != "SecureString" || param.Inputs["value"] != plan.Secret || !reflect.DeepEqual(param.IgnoreChanges, []string{"value"}) {
		t.Errorf("placeholder %v ignore %v", param.Inputs, param.IgnoreChanges)
	}
	raw, _ := json.Marshal(p)
	if strings.Contains(string(raw), program.PlaceholderValue) {
		t.Errorf("the placeholder value appears in the plan")
	}
	// AND without a pipeline it reaches the task as a secret from SSM
	app := container(t, one(t, p, tTaskDef), program.AppContainer)
	if atString(app, "secrets.0.name") != "API_TOKEN" || !strings.HasSuffix(atString(app, "secrets.0.valueFrom"), ":parameter/app/prod/backend/API_TOKEN") {
		t.Errorf("secrets %v", app["secrets"])
	}
	// WHEN the settings come from a local file THEN it is uploaded from the file, never inline
	s = base()
	s.Backend.EnvFile = "testdata/app.env"
	p = planOf(t, s)
	obj := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2")
	if _, inline := obj.Inputs["content"]; inline {
		t.Errorf("the environment file is inline content")
	}
	if f := atString(obj.Inputs, "source.file"); !strings.HasSuffix(f, "/stack/program/testdata/app.env") {
		t.Errorf("environment file source %v", obj.Inputs["source"])
	}
	if fmt.Sprint(atList(container(t, one(t, p, tTaskDef), program.AppContainer), "environmentFiles")) == "[]" {
		t.Errorf("the task does not read the file")
	}
}

func TestNamesFitAWSLimitsAtTheLongestPrefix(t *testing.T) {
	// GIVEN the longest name and environment in the longest region, every option on
	s := examples(t)["ec2-arm64-service-connect"]
	s.Name, s.Environment, s.Region = "abcdefghijklm", "staging", "ap-southeast-2"
	s.Domain = profiles.Domain{}
	s.Tier, s.Frontend.Hosting = profiles.TierSingle, profiles.HostingNone
	p := planOf(t, s)
	limits := map[string]int{
		tTargetGroup: 32, "aws:lb/loadBalancer:LoadBalancer": 32, "aws:iam/role:Role": 64, tBucket: 63, tConnection: 32,
		tRDS: 63, "aws:cloudfront/originAccessControl:OriginAccessControl": 64, tDeployApp: 100, tPipeline: 100, tProject: 150,
		"aws:ec2/launchTemplate:LaunchTemplate": 128, "aws:iam/instanceProfile:InstanceProfile": 128,
	}
	// THEN every physical name fits its limit
	checked := 0
	for _, r := range p.Resources {
		limit, ok := limits[r.Type]
		if !ok {
			continue
		}
		name := atString(r.Inputs, "name")
		if r.Type == tBucket {
			name = atString(r.Inputs, "bucket")
		}
		if r.Type == tRDS {
			name = atString(r.Inputs, "identifier")
		}
		checked++
		if len(name) > limit || len(name) == 0 {
			t.Errorf("%s name %q is %d characters (at most %d)", r.Type, name, len(name), limit)
		}
	}
	if checked < 15 {
		t.Errorf("only %d names checked", checked)
	}
}

func TestReservedPrefixesOfAWSNames(t *testing.T) {
	// GIVEN a platform named internal, on EC2, whose names would start with reserved words
	s := base()
	s.Name, s.Environment = "internal", "ecs"
	s.LaunchType, s.Backend.CPU, s.Backend.Memory = profiles.LaunchEC2, 256, 256
	p := planOf(t, s)
	s.Name = "ecsapp"
	q := planOf(t, s)
	// THEN the load balancer does not start with internal- and the capacity provider not with ecs
	if n := atString(one(t, p, "aws:lb/loadBalancer:LoadBalancer").Inputs, "name"); n != "alb-internal-ecs" {
		t.Errorf("load balancer %q", n)
	}
	if n := atString(one(t, q, "aws:ecs/capacityProvider:CapacityProvider").Inputs, "name"); n != "cp-ecsapp-ecs-ec2" {
		t.Errorf("capacity provider %q", n)
	}
	// GIVEN platforms named sg and sthree, with a database
	s = base()
	s.Name, s.Database.Engine = "sg", profiles.EngineMySQL
	p = planOf(t, s)
	s.Name = "sthree"
	q = planOf(t, s)
	// THEN no security group starts with sg- and no bucket with sthree-
	var groups []string
	for _, g := range p.Find(tSG) {
		groups = append(groups, atString(g.Inputs, "name"))
	}
	sort.Strings(groups)
	if want := []string{"group-sg-prod-db", "group-sg-prod-lb", "group-sg-prod-tasks"}; !reflect.DeepEqual(groups, want) {
		t.Errorf("security groups %v, want %v", groups, want)
	}
	if n := atString(one(t, q, tBucket).Inputs, "bucket"); n != "s3-sthree-prod-artifacts-123456789012-us-east-1" {
		t.Errorf("bucket %q", n)
	}
}

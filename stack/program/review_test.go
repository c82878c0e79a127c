package program_test

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

// The defects an independent review of the plans found in platforms that
// AWS would accept: each test shows the behaviour that is safe once created.

// twoTiersWithPipelines is a two-tier platform whose tiers both build from a
// repository and read settings from SSM.
func twoTiersWithPipelines(hosting profiles.Hosting) *profiles.Spec {
	s := base()
	s.Tier, s.Frontend.Hosting = profiles.TierTwoTier, hosting
	withDomain(s)
	s.Backend.Image, s.Frontend.Image = "", ""
	s.Backend.Repository.Name, s.Frontend.Repository.Name = "acme/api", "acme/web"
	s.Backend.SSMPath, s.Frontend.SSMPath = "/app/prod/backend", "/app/prod/frontend"
	return s
}

// glob says whether an IAM resource pattern (with * and ?) matches a name.
func glob(pattern, name string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(name)
}

// s3Grants lists the S3 object patterns a role's policies allow.
func s3Grants(docs []policyDoc) []string {
	var out []string
	for _, d := range docs {
		for _, st := range d.Statement {
			for _, a := range anyList(st.Action) {
				if strings.HasPrefix(a, "s3:") && strings.Contains(a, "Object") {
					out = append(out, anyList(st.Resource)...)
					break
				}
			}
		}
	}
	return out
}

func TestReviewTiersReachOnlyTheirOwnObjects(t *testing.T) {
	for _, hosting := range []profiles.Hosting{profiles.HostingS3, profiles.HostingECS} {
		for _, name := range []string{"app", "a-long-platform"} {
			t.Run(string(hosting)+"/"+name, func(t *testing.T) {
				// GIVEN two tiers with pipelines and settings (and a name long
				// enough for CodePipeline's 20-character artifact folders to meet)
				s := twoTiersWithPipelines(hosting)
				s.Name = name
				p := planOf(t, s)
				bucket := "arn:aws:s3:::" + atString(named(t, p, tBucket, "artifacts-bucket").Inputs, "bucket")
				folders := map[string]string{}
				for _, pl := range p.Find(tPipeline) {
					n := atString(pl.Inputs, "name")
					folders[strings.TrimSuffix(pl.Name, "-codepipeline")] = n[:min(20, len(n))]
				}
				if folders["backend"] == folders["frontend"] {
					t.Fatalf("both pipelines keep their artifacts in the folder %q", folders["backend"])
				}
				objects := func(tier string) []string {
					return []string{bucket + "/env/" + tier + ".env", bucket + "/" + folders[tier] + "/source/a1b2c3"}
				}
				// WHEN the S3 grants of every role are read
				for role, docs := range allowedStatements(t, p) {
					tier, other := "backend", "frontend"
					if strings.Contains(role, "-frontend-") {
						tier, other = "frontend", "backend"
					}
					// THEN no role reaches the other tier's environment file or artifacts
					for _, g := range s3Grants(docs) {
						for _, obj := range objects(other) {
							if glob(g, obj) {
								t.Errorf("%s (%s) reaches %s through %s", role, tier, obj, g)
							}
						}
					}
				}
				// AND the bucket policy denies each tier's objects to the other tier's roles
				pol := parsePolicy(t, "artifacts-policy", atString(named(t, p, "aws:s3/bucketPolicy:BucketPolicy", "artifacts-policy").Inputs, "policy"))
				denied := map[string][]string{}
				for _, st := range pol.Statement {
					if st.Effect != "Deny" || st.Condition["ArnLike"] == nil {
						continue
					}
					for _, who := range anyList(st.Condition["ArnLike"]["aws:PrincipalArn"]) {
						denied[who] = append(denied[who], anyList(st.Resource)...)
					}
				}
				want := map[string][]string{
					"arn:aws:iam::123456789012:role/" + s.Prefix() + "-us-east-1-frontend-*": {bucket + "/" + folders["backend"] + "/*", bucket + "/env/backend.env"},
					"arn:aws:iam::123456789012:role/" + s.Prefix() + "-us-east-1-backend-*":  {bucket + "/" + folders["frontend"] + "/*", bucket + "/env/frontend.env"},
				}
				if !reflect.DeepEqual(denied, want) {
					t.Errorf("bucket policy denies\n  %v\nwant\n  %v", denied, want)
				}
			})
		}
	}
}

func TestReviewProductionDatabaseKeepsAFinalSnapshot(t *testing.T) {
	for _, protect := range []bool{false, true} {
		// GIVEN a prod database, with or without deletion protection, and no word on snapshots
		s := base()
		s.Database.Engine, s.Database.DeletionProtection = profiles.EnginePostgres, protect
		p := planOf(t, s)
		db := one(t, p, tRDS)
		// THEN deleting it leaves a final snapshot
		if db.Inputs["skipFinalSnapshot"] != false {
			t.Errorf("deletionProtection %v: skipFinalSnapshot %v", protect, db.Inputs["skipFinalSnapshot"])
		}
		// AND the outputs name that snapshot, so that destroy can say where the data went
		if got, want := p.Outputs["databaseFinalSnapshot"], atString(db.Inputs, "finalSnapshotIdentifier"); got != want || want == "" {
			t.Errorf("output databaseFinalSnapshot %v, want %q", got, want)
		}
	}
	// WHEN the answers skip it explicitly THEN the instance goes without one, and no snapshot is named
	s := base()
	s.Database.Engine, s.Database.SkipFinalSnapshot = profiles.EnginePostgres, true
	p := planOf(t, s)
	if db := one(t, p, tRDS); db.Inputs["skipFinalSnapshot"] != true || p.Outputs["databaseFinalSnapshot"] != "" {
		t.Errorf("skipFinalSnapshot %v, output %v", db.Inputs["skipFinalSnapshot"], p.Outputs["databaseFinalSnapshot"])
	}
}

func TestReviewSettingsOfAnImageWithoutRepositoryReachTheTask(t *testing.T) {
	// GIVEN a public image, no repository, and settings under an SSM path
	s := base()
	s.Backend.SSMPath = "/app/prod/backend"
	// WHEN no parameter is named THEN the answers are refused, saying why
	s.Complete()
	err := profiles.Validate(s).Err()
	want := "backend.ssmPath: set, but backend.repository.name is empty and backend.ssmPlaceholders names no parameter: without a pipeline no build writes the environment file, and ECS reads SSM parameters only by name (list the names in backend.ssmPlaceholders to get them as secrets, or set backend.repository)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("validation: %v\nwant: %s", err, want)
	}
	// WHEN the parameters are named
	s.Backend.SSMPlaceholders = []string{"API_KEY", "DB_URL"}
	p := planOf(t, s)
	// THEN each reaches the application as an ECS secret from its parameter
	app := container(t, one(t, p, tTaskDef), "app")
	var got []string
	for _, sec := range atList(app, "secrets") {
		got = append(got, atString(sec, "name")+"="+atString(sec, "valueFrom"))
	}
	wantSecrets := []string{
		"API_KEY=arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/backend/API_KEY",
		"DB_URL=arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/backend/DB_URL",
	}
	if !reflect.DeepEqual(got, wantSecrets) {
		t.Errorf("secrets %v, want %v", got, wantSecrets)
	}
	// AND the execution role may read exactly those parameters
	var reads []string
	for _, d := range allowedStatements(t, p)["app-prod-us-east-1-backend-exec"] {
		for _, st := range d.Statement {
			for _, a := range anyList(st.Action) {
				if strings.HasPrefix(a, "ssm:") {
					reads = append(reads, a+" "+strings.Join(anyList(st.Resource), ","))
				}
			}
		}
	}
	if want := []string{"ssm:GetParameters " + strings.Join([]string{
		"arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/backend/API_KEY",
		"arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/backend/DB_URL"}, ",")}; !reflect.DeepEqual(reads, want) {
		t.Errorf("execution role reads %v, want %v", reads, want)
	}
}

// statementsOf returns a role's statements by Sid.
func statementsOf(t *testing.T, p *plan.Plan, role string) map[string]struct {
	Actions, Resources []string
	Condition          map[string]map[string]any
} {
	t.Helper()
	out := map[string]struct {
		Actions, Resources []string
		Condition          map[string]map[string]any
	}{}
	docs, ok := allowedStatements(t, p)[role]
	if !ok {
		t.Fatalf("no policy for role %s", role)
	}
	for _, d := range docs {
		for _, st := range d.Statement {
			out[st.Sid] = struct {
				Actions, Resources []string
				Condition          map[string]map[string]any
			}{anyList(st.Action), anyList(st.Resource), st.Condition}
		}
	}
	return out
}

func TestReviewPipelinePermissionsAreTheDeploysOwn(t *testing.T) {
	// GIVEN a rolling pipeline of an EC2 service with a managed EBS volume
	s := base()
	s.LaunchType, s.Backend.CPU, s.Backend.Memory = profiles.LaunchEC2, 512, 512
	s.Backend.Image, s.Backend.Repository.Name = "", "acme/api"
	s.Backend.Volume = profiles.Volume{Kind: profiles.VolumeEBS, SizeGiB: 20, ContainerPath: "/data"}
	p := planOf(t, s)
	st := statementsOf(t, p, "app-prod-us-east-1-backend-pipeline")
	// THEN the deploy may hand the volume role to ECS (UpdateService passes it), and nothing else
	pass := st["PassVolumeRole"]
	if !reflect.DeepEqual(pass.Resources, []string{"arn:aws:iam::123456789012:role/app-prod-us-east-1-backend-ebs"}) ||
		pass.Condition["StringEquals"]["iam:PassedToService"] != "ecs.amazonaws.com" {
		t.Errorf("volume role pass %+v", pass)
	}
	// AND it registers task definitions of its own family only, and watches tasks of its own cluster only
	wants := map[string][]string{
		"RegisterTaskDefinition": {"arn:aws:ecs:us-east-1:123456789012:task-definition/app-prod-backend:*"},
		"WatchTasks":             {"arn:aws:ecs:us-east-1:123456789012:task/app-prod/*"},
		"ListTasks":              {"*"},
	}
	for sid, want := range wants {
		if !reflect.DeepEqual(st[sid].Resources, want) {
			t.Errorf("%s on %v, want %v", sid, st[sid].Resources, want)
		}
	}
	if got := st["ListTasks"].Condition["ArnEquals"]["ecs:cluster"]; got != "arn:aws:ecs:us-east-1:123456789012:cluster/app-prod" {
		t.Errorf("ListTasks is not held to the cluster: %v", st["ListTasks"].Condition)
	}
	// AND every role that a service assumes on the account's behalf is held to the account
	var unheld []string
	for _, r := range p.Find("aws:iam/role:Role") {
		doc := parsePolicy(t, r.Name, atString(r.Inputs, "assumeRolePolicy"))
		for _, st := range doc.Statement {
			svc := atString(st.Principal, "Service")
			if st.Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccount {
				unheld = append(unheld, svc)
			}
		}
	}
	sort.Strings(unheld)
	// NOTE: EC2 instance roles and the ECS infrastructure role are assumed
	// without a source account in the request (AWS's documented trust
	// policies for them carry no condition).
	if want := []string{"ec2.amazonaws.com", "ecs.amazonaws.com"}; !reflect.DeepEqual(unheld, want) {
		t.Errorf("roles without aws:SourceAccount: %v, want only %v", unheld, want)
	}
}

func TestReviewEachProviderGetsItsOwnConnection(t *testing.T) {
	// GIVEN tiers on GitHub and Bitbucket, and a connection given for GitHub only
	const given = "arn:aws:codeconnections:us-east-1:123456789012:connection/aa11bb22-cc33-dd44-ee55-ff6677889900"
	s := twoTiersWithPipelines(profiles.HostingECS)
	s.Frontend.Repository.Provider = profiles.ProviderBitbucket
	s.Pipeline.Connections.GitHub = given
	p := planOf(t, s)
	// THEN ecsdeck creates the Bitbucket connection only
	conn := one(t, p, tConnection)
	if atString(conn.Inputs, "providerType") != "Bitbucket" {
		t.Errorf("created connection %v", conn.Inputs)
	}
	// AND each source action reads through its own provider's connection
	source := func(tier string) string {
		return atString(named(t, p, tPipeline, tier+"-codepipeline").Inputs, "stages.0.actions.0.configuration.ConnectionArn")
	}
	if source("backend") != given || source("frontend") == given || source("frontend") == "" {
		t.Errorf("backend reads through %s, frontend through %s", source("backend"), source("frontend"))
	}
	if arns := reflect.ValueOf(p.Outputs["connectionArns"]); p.Outputs["connectionPending"] != true || arns.Kind() != reflect.Slice || arns.Len() != 2 {
		t.Errorf("outputs pending %v arns %v", p.Outputs["connectionPending"], p.Outputs["connectionArns"])
	}
}

// existingALB is a single-tier platform behind an existing load balancer.
func existingALB() *profiles.Spec {
	s := base()
	s.Network.VPCID, s.Network.SubnetIDs = exVPC, exSubnets
	s.LoadBalancer.Existing = &profiles.ExistingLoadBalancer{ARN: exALB, ListenerARN: exListen,
		TargetGroups: profiles.TargetGroups{Backend: []string{exBeBlue, exBeGreen}}}
	return s
}

func TestReviewExistingLoadBalancerNeedsNoGuessing(t *testing.T) {
	// GIVEN an existing load balancer without its security group in the answers
	p := planOf(t, existingALB())
	// THEN the tasks admit the groups AWS reports for that load balancer
	var from []string
	for _, in := range atList(named(t, p, tSG, "tasks-sg").Inputs, "ingress") {
		from = append(from, strList(in, "securityGroups")...)
	}
	if len(from) == 0 || !strings.HasPrefix(from[0], "sg-") {
		t.Errorf("tasks admit %v", from)
	}
	for _, sg := range from {
		if sg != from[0] {
			t.Errorf("tasks admit %v, want the load balancer's group", from)
		}
	}
	// GIVEN a blue target group attached to no listener, and no domain for a host rule
	s := existingALB()
	_, err := plan.Offline(t.Context(), valid(t, s), plan.Options{TargetGroupLoadBalancers: map[string][]string{exBeBlue: nil}})
	// THEN the plan stops before anything is created, saying what to do
	want := "loadBalancer.existing.targetGroups.backend[0]: target group " + exBeBlue + " is attached to no listener of loadBalancer.existing.arn " + exALB +
		", and without domain.name ecsdeck adds no host rule to loadBalancer.existing.listenerArn, so no traffic would reach the backend: forward to it from that listener (its default action or a rule), or set domain.name"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("plan error %v\nwant %s", err, want)
	}
	// WHEN a domain gives ecsdeck a host rule to add THEN the plan goes ahead
	withDomain(s)
	if _, err := plan.Offline(t.Context(), valid(t, s), plan.Options{TargetGroupLoadBalancers: map[string][]string{exBeBlue: nil}}); err != nil {
		t.Errorf("with a host rule: %v", err)
	}
	// GIVEN a target group of another load balancer THEN the plan stops
	other := strings.Replace(exALB, "/corp/", "/other/", 1)
	_, err = plan.Offline(t.Context(), valid(t, s), plan.Options{TargetGroupLoadBalancers: map[string][]string{exBeGreen: {other}}})
	want = "loadBalancer.existing.targetGroups.backend[1]: target group " + exBeGreen + " belongs to the load balancer " + other + ", not to loadBalancer.existing.arn " + exALB + ": give target groups of that load balancer"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("plan error %v\nwant %s", err, want)
	}
}

func TestReviewEFSVolumeOutlivesTheTasks(t *testing.T) {
	for _, del := range []bool{false, true} {
		// GIVEN an efs volume without a file system id
		s := base()
		s.Backend.Volume = profiles.Volume{Kind: profiles.VolumeEFS, ContainerPath: "/data", DeleteOnDestroy: del}
		p := planOf(t, s)
		// THEN ecsdeck creates an encrypted file system, kept on destroy unless asked
		fs := one(t, p, "aws:efs/fileSystem:FileSystem")
		if fs.Inputs["encrypted"] != true || fs.RetainOnDelete == del {
			t.Errorf("deleteOnDestroy %v: encrypted %v, retained %v", del, fs.Inputs["encrypted"], fs.RetainOnDelete)
		}
		// AND a mount target in each task subnet, behind a group that admits NFS from the tasks only
		mts := p.Find("aws:efs/mountTarget:MountTarget")
		sg := named(t, p, tSG, "backend-efs-sg")
		in := atList(sg.Inputs, "ingress")
		if len(mts) != 2 || len(in) != 1 || at(in[0], "fromPort") != float64(2049) || at(in[0], "toPort") != float64(2049) ||
			len(strList(in[0], "securityGroups")) != 1 || len(strList(in[0], "cidrBlocks")) != 0 {
			t.Errorf("%d mount targets, NFS ingress %v", len(mts), in)
		}
		// AND the task mounts it through its access point, with IAM and TLS
		ap := one(t, p, "aws:efs/accessPoint:AccessPoint")
		v := atList(one(t, p, tTaskDef).Inputs, "volumes")[0]
		if atString(v, "efsVolumeConfiguration.authorizationConfig.accessPointId") == "" || atString(v, "efsVolumeConfiguration.authorizationConfig.iam") != "ENABLED" ||
			atString(v, "efsVolumeConfiguration.transitEncryption") != "ENABLED" || atString(v, "efsVolumeConfiguration.fileSystemId") == "" || atString(ap.Inputs, "rootDirectory.path") != "/data" {
			t.Errorf("task volume %v, access point %v", v, ap.Inputs)
		}
		st := statementsOf(t, p, "app-prod-us-east-1-backend-task")["MountFileSystem"]
		if len(st.Resources) != 1 || !strings.HasPrefix(st.Resources[0], "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-") {
			t.Errorf("task role mounts %v", st.Resources)
		}
	}
}

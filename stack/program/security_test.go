package program_test

import (
	"regexp"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

// unscopedActions may have Resource "*": AWS does not scope them to a resource.
var unscopedActions = map[string]bool{
	"ecr:GetAuthorizationToken":                 true,
	"ssmmessages:CreateControlChannel":          true,
	"ssmmessages:CreateDataChannel":             true,
	"ssmmessages:OpenControlChannel":            true,
	"ssmmessages:OpenDataChannel":               true,
	"logs:DescribeLogGroups":                    true,
	"ecs:DescribeTaskDefinition":                true,
	"ecs:ListTasks":                             true, // held to the cluster by its condition
	"elasticloadbalancing:DescribeListeners":    true,
	"elasticloadbalancing:DescribeRules":        true,
	"elasticloadbalancing:DescribeTargetGroups": true,
	"elasticloadbalancing:DescribeTargetHealth": true,
}

// awsManaged are the only AWS managed policies ecsdeck attaches: service
// roles' own policies, none of them *FullAccess.
var awsManaged = map[string]bool{
	"arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role":         true,
	"arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes": true,
}

// untagged are resource types AWS does not tag.
var untagged = map[string]bool{
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:ec2/route:Route":                                                                        true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
	tRolePolicy: true,
	tAttachment: true,
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                   true,
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": true,
	tScaling: true,
	tRecord:  true,
	"aws:cloudfront/originAccessControl:OriginAccessControl": true,
	"aws:autoscaling/group:Group":                            true, // tags as a list, checked below
	"aws:efs/mountTarget:MountTarget":                        true,
	"aws:scheduler/schedule:Schedule":                        true, // Scheduler tags only schedule groups
}

func TestSecurityOfEveryExample(t *testing.T) {
	specs := examples(t)
	for _, name := range sortedNames(specs) {
		t.Run(name, func(t *testing.T) {
			// GIVEN an example's plan WHEN every resource is walked
			s := specs[name]
			p := planOf(t, s)
			checkBuckets(t, p)
			checkNetworkExposure(t, p)
			checkIAM(t, p)
			checkEncryptionAndLogs(t, s, p)
			checkTags(t, s, p)
		})
	}
}

// checkBuckets: no bucket is public; every bucket blocks public access, is
// encrypted, and grants nothing to "*".
func checkBuckets(t *testing.T, p *plan.Plan) {
	t.Helper()
	blocked, encrypted := map[string]bool{}, map[string]bool{}
	for _, r := range p.Find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock") {
		all := true
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			all = all && r.Inputs[k] == true
		}
		if all {
			blocked[atString(r.Inputs, "bucket")] = true
		}
	}
	for _, r := range p.Find("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2") {
		if atString(r.Inputs, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm") != "" {
			encrypted[atString(r.Inputs, "bucket")] = true
		}
	}
	for _, b := range p.Find(tBucket) {
		name := atString(b.Inputs, "bucket")
		if !blocked[name] {
			t.Errorf("bucket %s does not block public access", name)
		}
		if !encrypted[name] {
			t.Errorf("bucket %s is not encrypted", name)
		}
		if acl := atString(b.Inputs, "acl"); acl != "" && acl != "private" {
			t.Errorf("bucket %s has ACL %s", name, acl)
		}
	}
	for _, r := range p.Find("aws:s3/bucketPolicy:BucketPolicy") {
		doc := parsePolicy(t, r.Name, atString(r.Inputs, "policy"))
		secure := false
		for _, st := range doc.Statement {
			if st.Effect == "Deny" && st.Condition["Bool"]["aws:SecureTransport"] == "false" {
				secure = true
			}
			if st.Effect == "Allow" {
				if st.Principal == "*" || at(st.Principal, "AWS") == "*" {
					t.Errorf("%s allows everyone: %+v", r.Name, st)
				}
				if at(st.Principal, "Service") == "cloudfront.amazonaws.com" && !strings.HasPrefix(atString(st.Condition["StringEquals"], "AWS:SourceArn"), "arn:aws:cloudfront::") {
					t.Errorf("%s lets any distribution read: %+v", r.Name, st)
				}
			}
		}
		if !secure {
			t.Errorf("%s accepts requests without TLS", r.Name)
		}
	}
}

// sgText is what EC2 accepts in a security group's and a rule's description.
var sgText = regexp.MustCompile(`^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*$`)

// checkNetworkExposure: only the load balancer is open to the world; the
// database is private.
func checkNetworkExposure(t *testing.T, p *plan.Plan) {
	t.Helper()
	for _, sg := range p.Find(tSG) {
		descs := []string{atString(sg.Inputs, "description")}
		for _, rule := range append(atList(sg.Inputs, "ingress"), atList(sg.Inputs, "egress")...) {
			descs = append(descs, atString(rule, "description"))
		}
		for _, d := range descs {
			if !sgText.MatchString(d) {
				t.Errorf("%s: EC2 refuses the description %q", sg.Name, d)
			}
		}
		for _, in := range atList(sg.Inputs, "ingress") {
			world := contains(strList(in, "cidrBlocks"), "0.0.0.0/0") || contains(strList(in, "ipv6CidrBlocks"), "::/0")
			if !world {
				continue
			}
			from := at(in, "fromPort")
			if sg.Name != "load-balancer-sg" || (from != float64(80) && from != float64(443)) {
				t.Errorf("%s admits the world on %v", sg.Name, from)
			}
		}
	}
	for _, db := range p.Find(tRDS) {
		if db.Inputs["publiclyAccessible"] != false {
			t.Errorf("database %s is publicly accessible", db.Name)
		}
		if _, ok := db.Inputs["password"]; ok {
			t.Errorf("database %s has a password input", db.Name)
		}
	}
	for _, lt := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
		if atString(lt.Inputs, "metadataOptions.httpTokens") != "required" {
			t.Errorf("instances accept IMDSv1")
		}
	}
}

// checkIAM: least privilege in every policy.
func checkIAM(t *testing.T, p *plan.Plan) {
	t.Helper()
	for role, docs := range allowedStatements(t, p) {
		for _, doc := range docs {
			for _, st := range doc.Statement {
				if st.Effect != "Allow" {
					continue
				}
				actions := anyList(st.Action)
				resources := anyList(st.Resource)
				for _, a := range actions {
					if a == "*" || strings.HasSuffix(a, ":*") || strings.HasSuffix(a, "*") {
						t.Errorf("%s: wildcard action %s", role, a)
					}
					if contains(resources, "*") && !unscopedActions[a] {
						t.Errorf("%s: %s on every resource", role, a)
					}
				}
				if contains(actions, "iam:PassRole") {
					for _, r := range resources {
						if !strings.HasPrefix(r, "arn:aws:iam::"+plan.DefaultAccount+":role/") {
							t.Errorf("%s passes %s", role, r)
						}
					}
					if st.Condition["StringEquals"]["iam:PassedToService"] == nil {
						t.Errorf("%s passes roles to any service", role)
					}
				}
			}
		}
	}
	for _, a := range p.Find(tAttachment) {
		arn := atString(a.Inputs, "policyArn")
		if strings.Contains(arn, "FullAccess") || !awsManaged[arn] {
			t.Errorf("%s attaches %s", a.Name, arn)
		}
	}
	for _, r := range p.Find("aws:iam/role:Role") {
		if _, inline := r.Inputs["inlinePolicies"]; inline {
			t.Errorf("role %s has inline policies outside the reviewed RolePolicy", r.Name)
		}
		if _, managed := r.Inputs["managedPolicyArns"]; managed {
			t.Errorf("role %s attaches managed policies outside the reviewed attachments", r.Name)
		}
	}
}

// checkEncryptionAndLogs: data at rest is encrypted, logs expire.
func checkEncryptionAndLogs(t *testing.T, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	for _, db := range p.Find(tRDS) {
		if db.Inputs["storageEncrypted"] != true {
			t.Errorf("database %s is not encrypted", db.Name)
		}
	}
	for _, lg := range p.Find(tLogGroup) {
		if at(lg.Inputs, "retentionInDays") != float64(s.Cluster.LogRetentionDays) {
			t.Errorf("log group %s keeps logs %v days", atString(lg.Inputs, "name"), at(lg.Inputs, "retentionInDays"))
		}
	}
	for _, repo := range p.Find(tRepository) {
		if at(repo.Inputs, "imageScanningConfiguration.scanOnPush") != true || atString(repo.Inputs, "encryptionConfigurations.0.encryptionType") == "" {
			t.Errorf("repository %s: scan %v encryption %v", repo.Name, repo.Inputs["imageScanningConfiguration"], repo.Inputs["encryptionConfigurations"])
		}
	}
	for _, lt := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
		if atString(lt.Inputs, "blockDeviceMappings.0.ebs.encrypted") != "true" {
			t.Errorf("instance volumes are not encrypted")
		}
	}
	for _, svc := range p.Find(tService) {
		if v := at(svc.Inputs, "volumeConfiguration"); v != nil && at(v, "managedEbsVolume.encrypted") != true {
			t.Errorf("%s EBS volumes are not encrypted", svc.Name)
		}
	}
	for _, prm := range p.Find(tParameter) {
		if atString(prm.Inputs, "type") != "SecureString" || prm.Inputs["value"] != plan.Secret {
			t.Errorf("parameter %s: %v", prm.Name, prm.Inputs)
		}
	}
	for _, d := range p.Find(tDistrib) {
		if atString(d.Inputs, "defaultCacheBehavior.viewerProtocolPolicy") != "redirect-to-https" {
			t.Errorf("distribution serves plain HTTP")
		}
	}
	if s.HTTPS() {
		for _, l := range p.Find(tListener) {
			if at(l.Inputs, "port") == float64(80) && atString(l.Inputs, "defaultActions.0.type") != "redirect" {
				t.Errorf("HTTP listener does not redirect to HTTPS")
			}
		}
	}
}

// checkTags: every taggable resource carries the Spec's tags and ecsdeck's.
func checkTags(t *testing.T, s *profiles.Spec, p *plan.Plan) {
	t.Helper()
	for _, r := range p.Resources {
		if r.Component || !strings.HasPrefix(r.Type, "aws:") || untagged[r.Type] {
			continue
		}
		tags, _ := r.Inputs["tags"].(map[string]any)
		if tags == nil {
			t.Errorf("%s %s has no tags", r.Type, r.Name)
			continue
		}
		if tags["Environment"] != s.Environment || tags["ManagedBy"] != "ecsdeck" || tags["Name"] == nil || tags["Name"] == "" {
			t.Errorf("%s %s tags %v", r.Type, r.Name, tags)
		}
		for k, v := range s.Tags {
			if tags[k] != v {
				t.Errorf("%s %s lacks tag %s=%s", r.Type, r.Name, k, v)
			}
		}
	}
	for _, asg := range p.Find("aws:autoscaling/group:Group") {
		keys := map[string]bool{}
		for _, tag := range atList(asg.Inputs, "tags") {
			if at(tag, "propagateAtLaunch") == true {
				keys[atString(tag, "key")] = true
			}
		}
		for _, k := range []string{"Name", "Environment", "ManagedBy", "AmazonECSManaged"} {
			if !keys[k] {
				t.Errorf("auto scaling group does not propagate %s", k)
			}
		}
	}
}

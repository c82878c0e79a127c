package program

import (
	"fmt"
	"sort"
	"strings"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// names derives every physical name of a platform from its prefix
// (name-environment), so two platforms in one account never collide. Names
// that AWS keeps account-wide (IAM roles, CloudFront origin access controls)
// also carry the region; bucket names, which are global, carry the account
// and the region.
type names struct {
	prefix    string
	region    string
	account   string
	partition string
	dnsSuffix string
}

// of joins the prefix and parts with dashes: shop-prod-backend.
func (n names) of(parts ...string) string {
	return strings.Join(append([]string{n.prefix}, parts...), "-")
}

// global is a name unique in the account across regions: shop-prod-us-east-1-backend-task.
func (n names) global(parts ...string) string {
	return n.of(append([]string{n.region}, parts...)...)
}

// bucket is a globally unique bucket name: shop-prod-artifacts-123456789012-us-east-1.
// S3 refuses names that start with prefixes it reserves, which a platform
// name may do.
func (n names) bucket(kind string) string {
	name := n.of(kind, n.account, n.region)
	for _, reserved := range []string{"sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, reserved) {
			return "s3-" + name
		}
	}
	return name
}

// securityGroup names a security group; EC2 refuses names that start with
// sg-, as a platform named sg would.
func (n names) securityGroup(kind string) string {
	name := n.of(kind)
	if strings.HasPrefix(name, "sg-") {
		return "group-" + name
	}
	return name
}

// short is the two-letter form of a role, for names with tight limits.
func short(r profiles.Role) string {
	if r == profiles.RoleFrontend {
		return "fe"
	}
	return "be"
}

// targetGroup is shop-prod-be-blue: 32 characters at most (profiles.MaxPrefixLen).
func (n names) targetGroup(r profiles.Role, color string) string { return n.of(short(r), color) }

// loadBalancer names the ALB, which AWS refuses to start with "internal-".
func (n names) loadBalancer() string {
	if strings.HasPrefix(n.prefix, "internal-") {
		return "alb-" + n.prefix
	}
	return n.of("alb")
}

// cluster is the ECS cluster name.
func (n names) cluster() string { return n.prefix }

// service is the ECS service (and task family, CodeBuild project) of a role.
func (n names) service(r profiles.Role) string { return n.of(string(r)) }

// pipeline is a role's pipeline (profiles.PipelineName).
func (n names) pipeline(r profiles.Role) string { return profiles.PipelineName(n.prefix, r) }

// artifactFolder is the folder of a role's pipeline artifacts in the
// artifacts bucket.
func (n names) artifactFolder(r profiles.Role) string { return profiles.ArtifactFolder(n.prefix, r) }

// roleARNPattern matches every IAM role of a tier: the build, pipeline,
// execution, task, CodeDeploy and volume roles.
func (n names) roleARNPattern(r profiles.Role) string {
	return n.globalARN("iam", "role/"+n.global(string(r))+"-*")
}

// capacityProvider names the EC2 capacity provider; AWS refuses names that
// start with aws, ecs or fargate, which a platform name may do.
func (n names) capacityProvider() string {
	name := n.of("ec2")
	for _, reserved := range []string{"aws", "ecs", "fargate"} {
		if strings.HasPrefix(name, reserved) {
			return "cp-" + name
		}
	}
	return name
}

// repository is the ECR repository of a role's image (kind "" for the
// application, "nginx" for its proxy): shop-prod/backend, shop-prod/backend-nginx.
func (n names) repository(r profiles.Role, kind string) string {
	if kind == "" {
		return n.prefix + "/" + string(r)
	}
	return n.prefix + "/" + string(r) + "-" + kind
}

// logGroup is a CloudWatch log group of the platform: /ecs/shop-prod/backend.
func (n names) logGroup(parts ...string) string {
	return "/ecs/" + n.prefix + "/" + strings.Join(parts, "/")
}

// arn builds an ARN of this account and region.
func (n names) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", n.partition, service, n.region, n.account, resource)
}

// globalARN builds an ARN without a region (IAM, CloudFront).
func (n names) globalARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", n.partition, service, n.account, resource)
}

// s3ARN is the ARN of a bucket or of a key pattern in it.
func (n names) s3ARN(bucketAndKey string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", n.partition, bucketAndKey)
}

// managedPolicy is the ARN of an AWS managed policy.
func (n names) managedPolicy(path string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", n.partition, path)
}

// servicePrincipal is the principal of an AWS service, e.g. ecs-tasks.amazonaws.com.
func (n names) servicePrincipal(service string) string { return service + ".amazonaws.com" }

// hosts lists the host names a tier answers on, exactly as both its listener
// rule and its DNS records use them. A frontend on www.<domain> also serves
// the apex, unless the backend lives there.
func hosts(s *profiles.Spec, r profiles.Role) []string {
	h := s.Host(r)
	if h == "" {
		return nil
	}
	out := []string{h}
	domain := strings.TrimSuffix(s.Domain.Name, ".")
	if r == profiles.RoleFrontend && h == "www."+domain && s.Domain.BackendHost != domain {
		out = append(out, domain)
	}
	return out
}

// tagsFor returns the tags of a resource: the Spec's tags, then Name,
// Environment and ManagedBy, which ecsdeck always sets.
func tagsFor(s *profiles.Spec, name string) map[string]string {
	t := make(map[string]string, len(s.Tags)+3)
	for k, v := range s.Tags {
		t[k] = v
	}
	t["Name"] = name
	t["Environment"] = s.Environment
	t["ManagedBy"] = "ecsdeck"
	return t
}

// tags is tagsFor as a Pulumi input.
func (p *platform) tags(name string) pulumi.StringMap {
	return pulumi.ToStringMap(tagsFor(p.spec, name))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package program

import (
	"encoding/json"
	"slices"
	"strings"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PlaceholderValue is the value of a SecureString placeholder until someone
// sets the real one by hand (ecsdeck never overwrites it afterwards).
const PlaceholderValue = "set-me"

// Config is the artifacts bucket, the tiers' environment files and the SSM
// placeholders.
type Config struct {
	pulumi.ResourceState

	Bucket    pulumi.StringOutput // artifacts bucket name
	BucketARN pulumi.StringOutput
	// envKeys holds the object key of each tier's environment file.
	envKeys map[profiles.Role]string
	// params holds the ARNs of each tier's placeholder parameters by name.
	params map[profiles.Role]map[string]pulumi.StringOutput
}

// configRoles lists the services that may carry settings: the backend, any
// frontend and the workers.
func (p *platform) configRoles() []profiles.Role {
	out := []profiles.Role{profiles.RoleBackend}
	if p.spec.FrontendOnECS() || p.spec.FrontendOnS3() {
		out = append(out, profiles.RoleFrontend)
	}
	for _, w := range p.spec.Workers {
		out = append(out, w.Role())
	}
	return out
}

// sidWord turns a role into a word for a policy statement id, which takes
// letters and digits only: mailer-eu gives MailerEu.
func sidWord(r string) string {
	var b strings.Builder
	up := true
	for _, c := range r {
		switch {
		case c >= 'a' && c <= 'z' && up:
			b.WriteRune(c - 'a' + 'A')
			up = false
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteRune(c)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// envKey is the key of a tier's environment file in the artifacts bucket.
func envKey(r profiles.Role) string { return "env/" + string(r) + ".env" }

// artifacts is the key pattern of a tier's pipeline artifacts: the folder
// CodePipeline names after the tier's pipeline.
func (c *Config) artifacts(p *platform, r profiles.Role) pulumi.StringOutput {
	return pulumi.Sprintf("%s/%s/*", c.BucketARN, p.n.artifactFolder(r))
}

// tierIsolation denies each tier's objects (its pipeline artifacts and its
// environment file) to the roles of the other tier, whatever their identity
// policies say. Operators and ecsdeck itself keep their access.
func (p *platform) tierIsolation(b *bucket) []pulumi.Output {
	roles := p.configRoles()
	everyone := slices.Clone(roles)
	for _, j := range p.spec.Jobs {
		everyone = append(everyone, profiles.Role(j.Name))
	}
	if len(everyone) < 2 {
		return nil
	}
	var out []pulumi.Output
	for _, r := range roles {
		var others []string
		for _, o := range everyone {
			if o != r {
				others = append(others, p.n.roleARNPattern(o))
			}
		}
		// NOTE: a service without a pipeline has no artifact folder: its
		// statement guards its environment file only.
		folder := ""
		if p.hasPipeline(r) {
			folder = p.n.artifactFolder(r)
		}
		key := envKey(r)
		sid := "Only" + sidWord(string(r)) + "Objects"
		out = append(out, b.Arn.ApplyT(func(arn string) map[string]any {
			res := []string{arn + "/" + key}
			if folder != "" {
				res = []string{arn + "/" + folder + "/*", arn + "/" + key}
			}
			return map[string]any{
				"Sid":       sid,
				"Effect":    "Deny",
				"Principal": "*",
				"Action":    "s3:*",
				"Resource":  res,
				"Condition": map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": others}},
			}
		}))
	}
	return out
}

func (p *platform) newConfig() (*Config, error) {
	c := &Config{envKeys: map[profiles.Role]string{}, params: map[profiles.Role]map[string]pulumi.StringOutput{}}
	if err := p.component(TypeConfig, "config", c); err != nil {
		return nil, err
	}
	if name := p.spec.Artifacts.Bucket; name != "" {
		c.Bucket = pulumi.String(name).ToStringOutput()
		c.BucketARN = pulumi.String(p.n.s3ARN(name)).ToStringOutput()
	} else {
		b, err := p.privateBucket(c, "artifacts", p.n.bucket("artifacts"))
		if err != nil {
			return nil, err
		}
		if err := p.bucketPolicy(c, "artifacts", b, p.tierIsolation(b)); err != nil {
			return nil, err
		}
		c.Bucket, c.BucketARN = b.Bucket, b.Arn
	}
	for _, r := range p.configRoles() {
		svc := p.service(r)
		if len(svc.SSMPlaceholders) > 0 {
			c.params[r] = map[string]pulumi.StringOutput{}
		}
		for _, name := range svc.SSMPlaceholders {
			full := svc.SSMPath + "/" + name
			prm, err := ssm.NewParameter(p.ctx, string(r)+"-param-"+name, &ssm.ParameterArgs{
				Name:        pulumi.String(full),
				Type:        pulumi.String("SecureString"),
				Value:       pulumi.ToSecret(pulumi.String(PlaceholderValue)).(pulumi.StringOutput),
				Description: pulumi.String("Placeholder created by ecsdeck: set the real value by hand; ecsdeck never overwrites it."),
				Tags:        p.tags(full),
			}, pulumi.Parent(c),
				// NOTE: the value belongs to whoever sets it by hand.
				pulumi.IgnoreChanges([]string{"value"}))
			if err != nil {
				return nil, err
			}
			c.params[r][name] = prm.Arn
		}
		if r == profiles.RoleFrontend && p.spec.FrontendOnS3() {
			continue // a static site has no task to read an environment file
		}
		switch {
		case svc.EnvFile != "":
			path, err := absPath(svc.EnvFile)
			if err != nil {
				return nil, err
			}
			// NOTE: a FileAsset, never inline content: the file's values stay
			// out of the Pulumi state.
			if _, err := s3.NewBucketObjectv2(p.ctx, string(r)+"-env-file", &s3.BucketObjectv2Args{
				Bucket:               c.Bucket,
				Key:                  pulumi.String(envKey(r)),
				Source:               pulumi.NewFileAsset(path),
				ServerSideEncryption: pulumi.String("AES256"),
				ContentType:          pulumi.String("text/plain"),
				Tags:                 p.tags(envKey(r)),
			}, pulumi.Parent(c)); err != nil {
				return nil, err
			}
			c.envKeys[r] = envKey(r)
		case svc.SSMPath != "" && p.hasPipeline(r):
			// NOTE: the build writes this file from the SSM path; ecsdeck only
			// creates it empty so that tasks start before the first build.
			if _, err := s3.NewBucketObjectv2(p.ctx, string(r)+"-env-file", &s3.BucketObjectv2Args{
				Bucket:               c.Bucket,
				Key:                  pulumi.String(envKey(r)),
				Content:              pulumi.String(""),
				ServerSideEncryption: pulumi.String("AES256"),
				ContentType:          pulumi.String("text/plain"),
				Tags:                 p.tags(envKey(r)),
			}, pulumi.Parent(c), pulumi.IgnoreChanges([]string{"content", "etag", "versionId"})); err != nil {
				return nil, err
			}
			c.envKeys[r] = envKey(r)
		}
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"bucket": c.Bucket})
}

// bucket is a private bucket and the public access block its policy waits for.
type bucket struct {
	*s3.BucketV2
	pab pulumi.Resource
}

// privateBucket creates a bucket that nobody outside the account can read:
// public access blocked, owner-enforced objects, encrypted at rest. Its
// policy (bucketPolicy) comes after whatever it grants access to.
func (p *platform) privateBucket(parent pulumi.Resource, logical, name string) (*bucket, error) {
	b, err := s3.NewBucketV2(p.ctx, logical+"-bucket", &s3.BucketV2Args{
		Bucket: pulumi.String(name),
		// NOTE: build artifacts and a built site are rebuilt, not kept:
		// destroying the platform empties the bucket.
		ForceDestroy: pulumi.Bool(true),
		Tags:         p.tags(name),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(p.ctx, logical+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(p.ctx, logical+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: b.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, pulumi.Parent(parent)); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(p.ctx, logical+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, pulumi.Parent(parent)); err != nil {
		return nil, err
	}
	return &bucket{BucketV2: b, pab: pab}, nil
}

// bucketPolicy refuses requests without TLS and adds the extra statements
// (a CloudFront read grant).
func (p *platform) bucketPolicy(parent pulumi.Resource, logical string, b *bucket, extra []pulumi.Output) error {
	stmts := []pulumi.Output{b.Arn.ApplyT(func(arn string) map[string]any {
		return map[string]any{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}
	})}
	stmts = append(stmts, extra...)
	ins := make([]any, len(stmts))
	for i, s := range stmts {
		ins[i] = s
	}
	doc := pulumi.All(ins...).ApplyT(func(vals []any) (string, error) {
		out, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": vals})
		return string(out), err
	}).(pulumi.StringOutput)
	// NOTE: the policy waits for the public access block, so it is never
	// evaluated against a bucket that still allows public policies.
	_, err := s3.NewBucketPolicy(p.ctx, logical+"-policy", &s3.BucketPolicyArgs{
		Bucket: b.ID(),
		Policy: doc,
	}, pulumi.Parent(parent), pulumi.DependsOn([]pulumi.Resource{b.pab}))
	return err
}

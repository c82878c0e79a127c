package program

import (
	"encoding/json"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Registry holds the ECR repositories of the images the platform builds.
type Registry struct {
	pulumi.ResourceState

	repos map[repoKey]*ecr.Repository
	Names []string // repository names, in creation order
}

type repoKey struct {
	role profiles.Role
	kind string // "" for the application, "nginx" for its proxy
}

// repo returns the repository of a tier's image, or nil.
func (r *Registry) repo(role profiles.Role, kind string) *ecr.Repository {
	return r.repos[repoKey{role, kind}]
}

// needsAppRepo says whether a tier's application image lives in ECR: it has
// no image of its own (another CI pushes), or a pipeline builds it.
func (p *platform) needsAppRepo(r profiles.Role) bool {
	return p.service(r).Image == "" || p.hasPipeline(r)
}

// buildsNginx says whether a tier's pipeline builds its nginx image.
func (p *platform) buildsNginx(r profiles.Role) bool {
	n := p.service(r).Nginx
	return n.Enabled && n.Image == "" && p.hasPipeline(r)
}

// lifecyclePolicy keeps the registry small: untagged layers go after a
// week, and only the 30 newest images stay.
var lifecyclePolicy = func() string {
	b, _ := json.Marshal(map[string]any{"rules": []map[string]any{
		{
			"rulePriority": 1,
			"description":  "expire untagged images after 7 days",
			"selection":    map[string]any{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7},
			"action":       map[string]any{"type": "expire"},
		},
		{
			"rulePriority": 2,
			"description":  "keep the 30 newest images",
			"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
			"action":       map[string]any{"type": "expire"},
		},
	}})
	return string(b)
}()

func (p *platform) newRegistry() (*Registry, error) {
	c := &Registry{repos: map[repoKey]*ecr.Repository{}}
	var keys []repoKey
	for _, t := range p.spec.Services() {
		if p.needsAppRepo(t.Role) {
			keys = append(keys, repoKey{t.Role, ""})
		}
		if p.buildsNginx(t.Role) {
			keys = append(keys, repoKey{t.Role, NginxContainer})
		}
	}
	if len(keys) == 0 {
		return c, nil // every image comes from elsewhere
	}
	if err := p.component(TypeRegistry, "registry", c); err != nil {
		return nil, err
	}
	for _, k := range keys {
		name := p.n.repository(k.role, k.kind)
		logical := string(k.role) + "-repository"
		if k.kind != "" {
			logical = string(k.role) + "-" + k.kind + "-repository"
		}
		repo, err := ecr.NewRepository(p.ctx, logical, &ecr.RepositoryArgs{
			Name:                       pulumi.String(name),
			ImageTagMutability:         pulumi.String("MUTABLE"),
			ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
			EncryptionConfigurations:   ecr.RepositoryEncryptionConfigurationArray{&ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")}},
			// NOTE: the images are rebuilt by the pipeline; destroying the
			// platform removes them with the repository.
			ForceDelete: pulumi.Bool(true),
			Tags:        p.tags(name),
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		if _, err := ecr.NewLifecyclePolicy(p.ctx, logical+"-lifecycle", &ecr.LifecyclePolicyArgs{
			Repository: repo.Name,
			Policy:     pulumi.String(lifecyclePolicy),
		}, pulumi.Parent(c)); err != nil {
			return nil, err
		}
		c.repos[k] = repo
		c.Names = append(c.Names, name)
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"repositories": pulumi.ToStringArray(c.Names)})
}

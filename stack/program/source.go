package program

import (
	"fmt"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codeconnections"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Source holds the CodeConnections connections the pipelines read their
// repositories through, one per repository provider: the one the answers
// give for it, or one that ecsdeck creates (to be activated once in the AWS
// console).
type Source struct {
	pulumi.ResourceState

	byProvider map[profiles.RepoProvider]pulumi.StringOutput
	ARNs       []pulumi.StringOutput
	// Created says whether ecsdeck created a connection, which starts PENDING.
	Created bool
}

// arn is the connection of a repository provider.
func (s *Source) arn(p profiles.RepoProvider) pulumi.StringOutput { return s.byProvider[p] }

// connectionTypes maps providers to CodeConnections provider types, with
// the short form used in connection names (32 characters at most).
var connectionTypes = map[profiles.RepoProvider][2]string{
	profiles.ProviderGitHub:    {"GitHub", "gh"},
	profiles.ProviderBitbucket: {"Bitbucket", "bb"},
	profiles.ProviderGitLab:    {"GitLab", "gl"},
}

func (p *platform) newSource(roles []profiles.Role) (*Source, error) {
	src := &Source{byProvider: map[profiles.RepoProvider]pulumi.StringOutput{}}
	var providers []profiles.RepoProvider
	for _, r := range roles {
		pr := p.service(r).Repository.Provider
		if _, ok := src.byProvider[pr]; !ok {
			src.byProvider[pr] = pulumi.StringOutput{}
			providers = append(providers, pr)
		}
	}
	given := func(pr profiles.RepoProvider) string {
		if arn := p.spec.Pipeline.Connections.For(pr); arn != "" {
			return arn
		}
		// NOTE: validation accepts connectionArn only when the tiers share a provider.
		return p.spec.Pipeline.ConnectionARN
	}
	var create []profiles.RepoProvider
	for _, pr := range providers {
		if arn := given(pr); arn != "" {
			out := pulumi.String(arn).ToStringOutput()
			src.byProvider[pr] = out
			src.ARNs = append(src.ARNs, out)
		} else {
			create = append(create, pr)
		}
	}
	if len(create) == 0 {
		return src, nil
	}
	if err := p.component(TypeSource, "source", src); err != nil {
		return nil, err
	}
	for _, pr := range create {
		t, ok := connectionTypes[pr]
		if !ok {
			return nil, fmt.Errorf("a %s repository needs pipeline.connections.%s: a connection to your server's host, created once in the AWS console", pr, pr)
		}
		name := p.n.of(t[1])
		conn, err := codeconnections.NewConnection(p.ctx, "connection-"+string(pr), &codeconnections.ConnectionArgs{
			Name:         pulumi.String(name),
			ProviderType: pulumi.String(t[0]),
			Tags:         p.tags(name),
		}, pulumi.Parent(src))
		if err != nil {
			return nil, err
		}
		src.byProvider[pr] = conn.Arn
		src.ARNs = append(src.ARNs, conn.Arn)
	}
	src.Created = true
	arns := pulumi.StringArray{}
	for _, a := range src.ARNs {
		arns = append(arns, a)
	}
	return src, p.ctx.RegisterResourceOutputs(src, pulumi.Map{"connectionArns": arns})
}

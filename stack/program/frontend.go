package program

import (
	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Frontend is a static site: a private bucket that only its CloudFront
// distribution may read (origin access control), and the site's DNS names.
type Frontend struct {
	pulumi.ResourceState

	Bucket             pulumi.StringOutput
	BucketARN          pulumi.StringOutput
	DistributionID     pulumi.StringOutput
	DistributionARN    pulumi.StringOutput
	DistributionDomain pulumi.StringOutput
	URL                pulumi.StringOutput
}

// CachingOptimized is CloudFront's managed cache policy for static content.
const CachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"

func (p *platform) newFrontend() (*Frontend, error) {
	s := p.spec
	c := &Frontend{}
	if err := p.component(TypeFrontend, "frontend", c); err != nil {
		return nil, err
	}
	opt := pulumi.Parent(c)
	b, err := p.privateBucket(c, "site", p.n.bucket("web"))
	if err != nil {
		return nil, err
	}
	c.Bucket, c.BucketARN = b.Bucket, b.Arn
	oacName := p.n.global("web")
	oac, err := cloudfront.NewOriginAccessControl(p.ctx, "origin-access-control", &cloudfront.OriginAccessControlArgs{
		Name:                          pulumi.String(oacName),
		Description:                   pulumi.String("ecsdeck " + p.n.prefix + ": CloudFront reads the site bucket"),
		OriginAccessControlOriginType: pulumi.String("s3"),
		SigningBehavior:               pulumi.String("always"),
		SigningProtocol:               pulumi.String("sigv4"),
	}, opt)
	if err != nil {
		return nil, err
	}
	aliases := hosts(s, profiles.RoleFrontend)
	cert := &cloudfront.DistributionViewerCertificateArgs{CloudfrontDefaultCertificate: pulumi.Bool(true)}
	if len(aliases) > 0 {
		cert = &cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn:      pulumi.String(s.Domain.CloudFrontCertificateARN),
			SslSupportMethod:       pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String("TLSv1.2_2021"),
		}
	}
	spa := cloudfront.DistributionCustomErrorResponseArray{}
	for _, code := range []int{403, 404} {
		// NOTE: a single-page application routes on the client: unknown paths
		// get index.html (a private bucket answers 403 for a missing key).
		spa = append(spa, &cloudfront.DistributionCustomErrorResponseArgs{
			ErrorCode: pulumi.Int(code), ResponseCode: pulumi.Int(200), ResponsePagePath: pulumi.String("/index.html"),
			ErrorCachingMinTtl: pulumi.Int(10),
		})
	}
	name := p.n.of("web")
	dist, err := cloudfront.NewDistribution(p.ctx, "distribution", &cloudfront.DistributionArgs{
		Enabled:           pulumi.Bool(true),
		Comment:           pulumi.String("ecsdeck " + p.n.prefix + " frontend"),
		IsIpv6Enabled:     pulumi.Bool(true),
		HttpVersion:       pulumi.String("http2and3"),
		PriceClass:        pulumi.String("PriceClass_100"),
		DefaultRootObject: pulumi.String("index.html"),
		Aliases:           pulumi.ToStringArray(aliases),
		Origins: cloudfront.DistributionOriginArray{&cloudfront.DistributionOriginArgs{
			OriginId:              pulumi.String("site"),
			DomainName:            b.BucketRegionalDomainName,
			OriginAccessControlId: oac.ID(),
		}},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:       pulumi.String("site"),
			ViewerProtocolPolicy: pulumi.String("redirect-to-https"),
			AllowedMethods:       pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS"}),
			CachedMethods:        pulumi.ToStringArray([]string{"GET", "HEAD"}),
			CachePolicyId:        pulumi.String(CachingOptimized),
			Compress:             pulumi.Bool(true),
		},
		CustomErrorResponses: spa,
		Restrictions: &cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{RestrictionType: pulumi.String("none")},
		},
		ViewerCertificate: cert,
		Tags:              p.tags(name),
	}, opt)
	if err != nil {
		return nil, err
	}
	c.DistributionID, c.DistributionARN, c.DistributionDomain = dist.ID().ToStringOutput(), dist.Arn, dist.DomainName
	// NOTE: the bucket admits this distribution only, by its ARN.
	grant := pulumi.All(b.Arn, dist.Arn).ApplyT(func(v []any) map[string]any {
		return map[string]any{
			"Sid":       "CloudFrontReadsSite",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
			"Action":    "s3:GetObject",
			"Resource":  v[0].(string) + "/*",
			"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": v[1].(string)}},
		}
	})
	if err := p.bucketPolicy(c, "site", b, []pulumi.Output{grant}); err != nil {
		return nil, err
	}
	if s.Domain.HostedZoneID != "" {
		for _, h := range aliases {
			for _, typ := range []string{"A", "AAAA"} {
				if _, err := route53.NewRecord(p.ctx, "dns-"+h+"-"+typ, &route53.RecordArgs{
					ZoneId: pulumi.String(s.Domain.HostedZoneID),
					Name:   pulumi.String(h),
					Type:   pulumi.String(typ),
					Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
						Name: dist.DomainName, ZoneId: dist.HostedZoneId, EvaluateTargetHealth: pulumi.Bool(false),
					}},
				}, opt); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(aliases) > 0 {
		c.URL = pulumi.String("https://" + aliases[0]).ToStringOutput()
	} else {
		c.URL = pulumi.Sprintf("https://%s", dist.DomainName)
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"bucket": c.Bucket, "distributionId": c.DistributionID, "url": c.URL})
}

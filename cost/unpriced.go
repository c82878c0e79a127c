package cost

import "strings"

// parts name what a price key prices, by the key's start, for saying which
// parts an estimate leaves out; the first match wins.
var parts = []struct{ prefix, name string }{
	{"fargate.storage.", "Fargate storage"},
	{"fargate.", "Fargate"},
	{"rds.storage.", "RDS storage"},
	{"ebs.", "EBS"},
	{"alb.", "load balancer"},
	{"ipv4.", "public IPv4"},
	{"codebuild.", "CodeBuild"},
	{"codepipeline.", "CodePipeline"},
	{"logs.", "CloudWatch Logs"},
	{"cloudwatch.", "CloudWatch metrics"},
	{"s3.", "S3"},
	{"ecr.", "ECR"},
	{"cloudfront.", "CloudFront"},
	{"route53.", "Route 53"},
	{"secretsmanager.", "Secrets Manager"},
}

// partOf is the short name of what key prices: "Fargate", "EC2 m6g.large",
// "RDS db.t4g.micro", "CodeBuild".
func partOf(key string) string {
	switch {
	case strings.HasPrefix(key, "ec2."):
		return "EC2 " + strings.TrimSuffix(strings.TrimPrefix(key, "ec2."), ".hour")
	case strings.HasPrefix(key, "rds.") && strings.HasSuffix(key, ".hour"):
		// rds.<engine>.<class>.hour
		_, class, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(key, "rds."), ".hour"), ".")
		return "RDS " + class
	}
	for _, p := range parts {
		if strings.HasPrefix(key, p.prefix) {
			return p.name
		}
	}
	return key
}

// UnpricedParts names the parts of the lines that have no price, once each,
// in the lines' order.
func UnpricedParts(lines []Line) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		if l.NoPrice == "" {
			continue
		}
		if p := partOf(l.PriceKey); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// NotPriced says which parts the totals leave out for want of a price in
// region, to show next to a total: "not priced in eu-south-2: RDS
// db.t4g.micro, CodeBuild"; empty when every line has a price.
func NotPriced(region string, lines []Line) string {
	p := UnpricedParts(lines)
	if len(p) == 0 {
		return ""
	}
	return "not priced in " + orQuoted(region) + ": " + strings.Join(p, ", ")
}

// NotPriced says which parts the totals leave out (see NotPriced).
func (b *Breakdown) NotPriced() string { return NotPriced(b.Region, b.Lines) }

package describe

import (
	"fmt"
	"io"
	"strings"

	"ecsdeck/stack"
)

func Outputs(w io.Writer, o *stack.Outputs) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-20s %s\n", k, v)
		}
	}
	line("region", o.Region)
	line("cluster", o.ClusterName)
	for _, sv := range o.Services {
		line("service "+sv.Role, fmt.Sprintf("%s (%s, logs %s)", sv.Name, strings.ToLower(sv.DeployController), sv.LogGroup))
	}
	for _, p := range o.Pipelines {
		line("pipeline "+p.Role, p.Name)
	}
	line("load balancer", o.LoadBalancerDNS)
	line("cloudfront", o.DistributionDomain)
	line("frontend bucket", o.FrontendBucket)
	line("artifacts bucket", o.ArtifactsBucket)
	line("database", o.DatabaseEndpoint)
	line("database secret", o.DatabaseSecretARN)
	Endpoints(w, o)
}

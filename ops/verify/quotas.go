package verify

import (
	"context"
	"fmt"
	"math"
	"strings"

	"ecsdeck/cost"
	"ecsdeck/profiles"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
)

// Quotas the platform counts against (Service Quotas codes).
const (
	quotaFargateOnDemand = "L-3032A538" // Fargate On-Demand vCPU resource count
	quotaFargateSpot     = "L-36FBB829" // Fargate Spot vCPU resource count
	quotaEC2OnDemand     = "L-1216C47A" // Running On-Demand Standard instances (vCPU)
	quotaEC2Spot         = "L-34B43A08" // All Standard Spot Instance Requests (vCPU)
	quotaVPCs            = "L-F678F1CE" // VPCs per Region
	quotaALBs            = "L-53DA6B97" // Application Load Balancers per Region
)

// need is what the platform would use of one quota at its largest.
type need struct {
	service, code, what string
	amount              float64
	// inUse counts what the account uses already, when AWS can say.
	inUse func(ctx context.Context) (float64, error)
}

// quotas: the platform at its autoscaling maximum fits the account's
// Fargate or EC2 vCPU quotas, and its VPC and load balancer fit their
// per-region quotas.
func (v *Verifier) quotas(ctx context.Context, s *profiles.Spec) []Check {
	var needs []need
	var out []Check
	switch s.LaunchType {
	case profiles.LaunchEC2:
		n, c := v.ec2Need(ctx, s)
		if c != nil {
			out = append(out, *c)
		}
		if n != nil {
			needs = append(needs, *n)
		}
	default:
		var spot, onDemand float64
		fc := s.Capacity.Fargate
		for _, t := range s.Services() {
			tasks := max(t.Service.DesiredCount, t.Service.Autoscaling.Max)
			sp, od := cost.SpotSplit(tasks, fc.SpotBase, fc.SpotWeight, fc.OnDemandWeight)
			vcpu := float64(t.Service.CPU) / 1024
			spot += float64(sp) * vcpu
			onDemand += float64(od) * vcpu
		}
		if onDemand > 0 {
			needs = append(needs, need{service: "fargate", code: quotaFargateOnDemand, what: "Fargate On-Demand vCPUs", amount: onDemand})
		}
		if spot > 0 {
			needs = append(needs, need{service: "fargate", code: quotaFargateSpot, what: "Fargate Spot vCPUs", amount: spot})
		}
	}
	if s.CreatesVPC() {
		needs = append(needs, need{service: "vpc", code: quotaVPCs, what: "VPCs", amount: 1, inUse: func(ctx context.Context) (float64, error) {
			n := 0
			p := ec2.NewDescribeVpcsPaginator(v.EC2, &ec2.DescribeVpcsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return 0, err
				}
				n += len(page.Vpcs)
			}
			return float64(n), nil
		}})
	}
	if s.LoadBalancer.Existing == nil {
		needs = append(needs, need{service: "elasticloadbalancing", code: quotaALBs, what: "Application Load Balancers", amount: 1, inUse: func(ctx context.Context) (float64, error) {
			n := 0
			p := elb.NewDescribeLoadBalancersPaginator(v.ELB, &elb.DescribeLoadBalancersInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return 0, err
				}
				for _, lb := range page.LoadBalancers {
					if lb.Type == "application" {
						n++
					}
				}
			}
			return float64(n), nil
		}})
	}
	for _, n := range needs {
		out = append(out, v.quota(ctx, n))
	}
	return out
}

// ec2Need is the vCPUs of the Auto Scaling group at its maximum, counted
// against the standard instance quota (on-demand or Spot).
func (v *Verifier) ec2Need(ctx context.Context, s *profiles.Spec) (*need, *Check) {
	ec := s.Capacity.EC2
	it := ec.InstanceType
	if it == "" || ec.Max == 0 {
		return nil, nil
	}
	family := strings.ToLower(it[:1])
	if !strings.Contains("acdhimrtz", family) {
		c := Check{Name: "quota", Subject: it, Status: Unchecked, Detail: "only the standard instance families' vCPU quota is checked; " + it + " counts against another"}
		return nil, &c
	}
	out, err := v.EC2.DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{ec2types.InstanceType(it)}})
	if err != nil || len(out.InstanceTypes) == 0 || out.InstanceTypes[0].VCpuInfo == nil {
		if err == nil {
			c := failed("instance type", it, "not offered in "+s.Region, "choose an instance type this region offers (aws ec2 describe-instance-type-offerings)")
			return nil, &c
		}
		c := unchecked("quota", it, err)
		return nil, &c
	}
	vcpus := float64(aws.ToInt32(out.InstanceTypes[0].VCpuInfo.DefaultVCpus)) * float64(ec.Max)
	n := &need{service: "ec2", code: quotaEC2OnDemand, what: "On-Demand standard instance vCPUs", amount: vcpus}
	if ec.Spot {
		n.code, n.what = quotaEC2Spot, "Spot standard instance vCPUs"
	}
	return n, nil
}

func (v *Verifier) quota(ctx context.Context, n need) Check {
	const name = "quota"
	subject := n.what + " (" + n.code + ")"
	qo, err := v.Quotas.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(n.service), QuotaCode: aws.String(n.code)})
	if err != nil || qo.Quota == nil || qo.Quota.Value == nil {
		if err == nil {
			err = fmt.Errorf("no value")
		}
		return unchecked(name, subject, err)
	}
	limit := aws.ToFloat64(qo.Quota.Value)
	used := 0.0
	if n.inUse != nil {
		u, err := n.inUse(ctx)
		if err != nil {
			return unchecked(name, subject, err)
		}
		used = u
	}
	total := used + n.amount
	detail := fmt.Sprintf("the platform needs %s of %s", num(n.amount), num(limit))
	if n.inUse != nil {
		detail = fmt.Sprintf("%s in use, the platform adds %s, of %s", num(used), num(n.amount), num(limit))
	}
	fix := fmt.Sprintf("ask for more in Service Quotas (aws service-quotas request-service-quota-increase --service-code %s --quota-code %s --desired-value %s), or make the platform smaller",
		n.service, n.code, num(math.Ceil(total)))
	switch {
	case total > limit:
		return failed(name, subject, detail+": over the quota", fix)
	case n.inUse == nil && total > 0.8*limit:
		return warned(name, subject, detail+"; other workloads in the account count too", fix)
	}
	return passed(name, subject, detail)
}

// num prints a count without a needless fraction.
func num(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.2f", f)
}

package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// TargetHealthAPI is what Health calls; *elasticloadbalancingv2.Client
// satisfies it.
type TargetHealthAPI interface {
	DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
}

// TargetGroupHealth is the health of the targets in one target group.
type TargetGroupHealth struct {
	ARN     string        `json:"arn"`
	Name    string        `json:"name"`
	Healthy int           `json:"healthy"`
	Targets []TargetState `json:"targets"`
}

// TargetState is one registered target (a task's IP and port, or an
// instance) as the load balancer sees it.
type TargetState struct {
	ID          string `json:"id"`
	Port        int32  `json:"port,omitempty"`
	State       string `json:"state"` // healthy, unhealthy, initial, draining, unused, unavailable
	Reason      string `json:"reason,omitempty"`
	Description string `json:"description,omitempty"`
}

// Health reads target health from the load balancer.
type Health struct {
	API TargetHealthAPI
}

// TargetGroups returns the health of each target group, in the order given.
func (h *Health) TargetGroups(ctx context.Context, arns []string) ([]TargetGroupHealth, error) {
	out := make([]TargetGroupHealth, 0, len(arns))
	for _, arn := range arns {
		res, err := h.API.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
		if err != nil {
			return nil, fmt.Errorf("describe target health of %s: %w", TargetGroupName(arn), err)
		}
		tg := TargetGroupHealth{ARN: arn, Name: TargetGroupName(arn), Targets: []TargetState{}}
		for _, d := range res.TargetHealthDescriptions {
			ts := TargetState{}
			if d.Target != nil {
				ts.ID = aws.ToString(d.Target.Id)
				ts.Port = aws.ToInt32(d.Target.Port)
			}
			if d.TargetHealth != nil {
				ts.State = string(d.TargetHealth.State)
				ts.Reason = string(d.TargetHealth.Reason)
				ts.Description = aws.ToString(d.TargetHealth.Description)
			}
			if ts.State == "healthy" {
				tg.Healthy++
			}
			tg.Targets = append(tg.Targets, ts)
		}
		out = append(out, tg)
	}
	return out, nil
}

// TargetGroupName is the name part of a target group ARN
// (…:targetgroup/NAME/ID).
func TargetGroupName(arn string) string {
	i := strings.Index(arn, "targetgroup/")
	if i < 0 {
		return arn
	}
	name := arn[i+len("targetgroup/"):]
	if j := strings.Index(name, "/"); j >= 0 {
		name = name[:j]
	}
	return name
}

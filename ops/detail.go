package ops

import (
	"context"
	"fmt"
)

// ServiceDetail is one service with what the list leaves out: its tasks,
// the health of its targets and, for blue/green services, the latest
// CodeDeploy deployment.
type ServiceDetail struct {
	Service
	Tasks        []Task              `json:"tasks"`
	TargetHealth []TargetGroupHealth `json:"targetHealth"`
	BlueGreen    *BlueGreen          `json:"blueGreen,omitempty"`
}

// Detail reads one service in full.
func (c *Client) Detail(ctx context.Context, name string) (*ServiceDetail, error) {
	svc, err := c.Services.Lookup(ctx, name)
	if err != nil {
		return nil, err
	}
	d := &ServiceDetail{Service: svc}
	if d.Tasks, err = c.Tasks.List(ctx, svc.Name); err != nil {
		return nil, err
	}
	tgs := svc.TargetGroups
	if ref, ok := c.Target.Service(svc.Name); ok && len(ref.TargetGroups) > 0 {
		tgs = ref.TargetGroups
	}
	if d.TargetHealth, err = c.Health.TargetGroups(ctx, tgs); err != nil {
		return nil, err
	}
	if svc.Controller == "CODE_DEPLOY" {
		if d.BlueGreen, err = c.BlueGreenOf(ctx, svc.Name); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// BlueGreenOf returns the latest CodeDeploy deployment of a blue/green
// service (nil when its group has none, or no group deploys it).
func (c *Client) BlueGreenOf(ctx context.Context, service string) (*BlueGreen, error) {
	app, group, err := c.Actions.codeDeployGroup(ctx, service)
	if err != nil || app == "" {
		return nil, err
	}
	bg, err := c.BlueGreens.Latest(ctx, app, group, service)
	if err != nil {
		return nil, fmt.Errorf("blue/green deployment of %s: %w", service, err)
	}
	return bg, nil
}

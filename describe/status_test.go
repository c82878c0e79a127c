package describe

import (
	"encoding/json"
	"testing"
	"time"

	"ecsdeck/ops"
)

func TestStatusJSONGolden(t *testing.T) {
	// GIVEN a steady service and a missing one
	tg := &ops.Target{Cluster: "shop", Region: "eu-west-1"}
	rows := []ops.Service{
		{Name: "web", Role: "backend", Cluster: "shop", Status: "ACTIVE", Desired: 2, Running: 2, Controller: "ECS",
			TaskDefinition: ops.TaskDef{Family: "web", Revision: 3}, Rollout: "COMPLETED",
			Deployments: []ops.Deployment{{ID: "ecs-svc/1", Status: "PRIMARY", TaskDefinition: ops.TaskDef{Family: "web", Revision: 3}, Desired: 2, Running: 2, Rollout: "COMPLETED"}},
			Events:      []ops.Event{}},
		{Name: "gone", Cluster: "shop", Status: ops.StatusMissing, Problem: "not found in cluster shop (MISSING)", Deployments: []ops.Deployment{}, Events: []ops.Event{}},
	}
	// WHEN it is the JSON of status
	b, err := json.MarshalIndent(NewStatusJSON(tg, rows, time.Date(2026, 11, 26, 10, 0, 0, 500, time.UTC)), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// THEN each row carries the table's state word
	golden(t, "status-json.golden", string(b)+"\n")
}

package ops

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/stack"
)

func manyServices(n int) []mototest.ServiceSeed {
	var out []mototest.ServiceSeed
	for i := range n {
		// Names out of alphabetical order, so "outputs order" and "sorted" differ.
		out = append(out, svc(fmt.Sprintf("svc-%02d", (i*7)%n), 1))
	}
	return out
}

func names(rows []Service) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

func TestRefreshFromOutputsCallsOnlyDescribeServicesInBatchesOfTen(t *testing.T) {
	// GIVEN 23 services named by the stack outputs
	w := newWorld(t, seedOf("batch", manyServices(23)...))
	// WHEN the services are refreshed
	rows, err := w.client.Services.Refresh(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// THEN three DescribeServices calls were made and nothing else
	if got := w.front.CallCounts(); !reflect.DeepEqual(got, []string{"ecs.DescribeServices=3"}) {
		t.Fatalf("calls = %v, want [ecs.DescribeServices=3]", got)
	}
	// AND the rows come in the outputs' order
	if want := w.target.ServiceNames(); !reflect.DeepEqual(names(rows), want) {
		t.Fatalf("rows = %v, want %v", names(rows), want)
	}
	if rows[0].Status != "ACTIVE" || rows[0].Desired != 1 || rows[0].TaskDefinition.Family != rows[0].Name || rows[0].Role != "backend" {
		t.Fatalf("first row = %+v", rows[0])
	}
}

func TestRefreshOfAClusterListsItsServicesFirstAndSortsByName(t *testing.T) {
	// GIVEN a cluster of 12 services, targeted by name only
	w := newWorld(t, seedOf("disc", manyServices(12)...))
	c := w.clusterClient()
	// WHEN the services are refreshed
	rows, err := c.Services.Refresh(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// THEN one ListServices page and two DescribeServices calls were made
	if got := w.front.CallCounts(); !reflect.DeepEqual(got, []string{"ecs.DescribeServices=2", "ecs.ListServices=1"}) {
		t.Fatalf("calls = %v", got)
	}
	// AND the rows are sorted by name
	var want []string
	for i := range 12 {
		want = append(want, fmt.Sprintf("svc-%02d", i))
	}
	if !reflect.DeepEqual(names(rows), want) {
		t.Fatalf("rows = %v, want %v", names(rows), want)
	}
}

func TestRowsKeepTheirOrderWhenAWSAnswersInAnotherOrder(t *testing.T) {
	// GIVEN DescribeServices answers with the services reversed
	w := newWorld(t, seedOf("order", manyServices(5)...))
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Patch(func(out map[string]any) {
		list, _ := out["services"].([]any)
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	})))
	// WHEN refreshed twice
	first, err := w.client.Services.Refresh(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.client.Services.Refresh(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// THEN both keep the outputs' order
	want := w.target.ServiceNames()
	if !reflect.DeepEqual(names(first), want) || !reflect.DeepEqual(names(second), want) {
		t.Fatalf("rows = %v then %v, want %v", names(first), names(second), want)
	}
}

func TestAServiceMissingFromTheClusterIsAMissingRow(t *testing.T) {
	// GIVEN outputs that name a service the cluster does not have
	w := newWorld(t, seedOf("gone", svc("web", 1)))
	w.target.Services = append(w.target.Services, ServiceRef{Name: "worker"})
	// WHEN refreshed
	rows, err := w.client.Services.Refresh(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// THEN the row says so
	if len(rows) != 2 || rows[1].Status != StatusMissing || rows[1].State() != "missing" {
		t.Fatalf("rows = %+v", rows)
	}
	if want := "not found in cluster gone (MISSING)"; rows[1].Problem != want {
		t.Fatalf("problem = %q, want %q", rows[1].Problem, want)
	}
	// AND looking it up says so too
	_, err = w.client.Services.Lookup(w.ctx, "worker")
	if err == nil || err.Error() != "service worker not found in cluster gone (MISSING)" {
		t.Fatalf("lookup error = %v", err)
	}
}

func TestAnUnknownClusterIsClusterNotFound(t *testing.T) {
	// GIVEN a cluster name that does not exist
	w := newWorld(t, nil)
	tg, _ := ForCluster("nope", w.cfg.Region)
	c := New(w.cfg, tg)
	// WHEN refreshed
	_, err := c.Services.Refresh(w.ctx)
	// THEN the error names the cluster and region
	var cnf *ClusterNotFoundError
	if !errors.As(err, &cnf) || err.Error() != "cluster nope not found in us-east-1 (check --cluster and --region)" {
		t.Fatalf("error = %v", err)
	}
}

func TestLookupOfAnUnknownNameListsTheKnownOnes(t *testing.T) {
	w := newWorld(t, seedOf("known", svc("web", 1), svc("api", 1)))
	// GIVEN outputs naming web and api
	// WHEN an unknown name is looked up
	_, err := w.client.Services.Lookup(w.ctx, "wbe")
	// THEN the known names are listed, without calling AWS
	if err == nil || err.Error() != `unknown service "wbe" in cluster known (known: web, api)` {
		t.Fatalf("error = %v", err)
	}
	if n := w.front.Calls(""); n != 0 {
		t.Fatalf("%d AWS calls for an unknown name", n)
	}
	// AND a role finds its service
	s, err := w.client.Services.Lookup(w.ctx, "backend")
	if err != nil || s.Name != "web" {
		t.Fatalf("lookup backend = %v, %v", s.Name, err)
	}
	// AND for a discovered cluster the names come from the cluster
	_, err = w.clusterClient().Services.Lookup(w.ctx, "wbe")
	if err == nil || err.Error() != `unknown service "wbe" in cluster known (known: api, web)` {
		t.Fatalf("cluster lookup error = %v", err)
	}
}

func TestDeploymentsEventsAndCircuitBreakerAreRead(t *testing.T) {
	// GIVEN a service in the middle of a rolling deployment with 8 events
	w := newWorld(t, seedOf("roll", svc("web", 2)))
	now := time.Now().Unix()
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Patch(func(out map[string]any) {
		s := out["services"].([]any)[0].(map[string]any)
		s["deploymentConfiguration"] = map[string]any{"deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": true}}
		s["deployments"] = []any{
			map[string]any{"id": "ecs-svc/old", "status": "ACTIVE", "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:1",
				"desiredCount": 2, "runningCount": 2, "pendingCount": 0, "rolloutState": "COMPLETED", "createdAt": now - 600},
			map[string]any{"id": "ecs-svc/new", "status": "PRIMARY", "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:2",
				"desiredCount": 2, "runningCount": 1, "pendingCount": 1, "failedTasks": 3, "rolloutState": "IN_PROGRESS",
				"rolloutStateReason": "ECS deployment ecs-svc/new in progress.", "createdAt": now - 60},
		}
		var evs []any
		for i := range 8 {
			evs = append(evs, map[string]any{"id": fmt.Sprint(i), "createdAt": now - int64(i), "message": fmt.Sprintf("(service web) event %d", i)})
		}
		s["events"] = evs
	})))
	// WHEN refreshed
	rows, err := w.client.Services.Refresh(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := rows[0]
	// THEN the primary deployment comes first with its counts and rollout
	if len(s.Deployments) != 2 {
		t.Fatalf("deployments = %+v", s.Deployments)
	}
	p := s.Deployments[0]
	if p.ID != "ecs-svc/new" || p.Status != "PRIMARY" || p.TaskDefinition.String() != "web:2" || p.Running != 1 || p.Pending != 1 || p.Failed != 3 || p.Done() {
		t.Fatalf("primary = %+v", p)
	}
	if s.Rollout != "IN_PROGRESS" || s.RolloutReason != "ECS deployment ecs-svc/new in progress." || !s.Deploying() || s.State() != "deploying" {
		t.Fatalf("service rollout = %q %q deploying=%v state=%s", s.Rollout, s.RolloutReason, s.Deploying(), s.State())
	}
	if s.Deployments[1].TaskDefinition.String() != "web:1" || !s.Deployments[1].Done() {
		t.Fatalf("active = %+v", s.Deployments[1])
	}
	if s.CircuitBreaker == nil || !s.CircuitBreaker.Enabled || !s.CircuitBreaker.Rollback {
		t.Fatalf("circuit breaker = %+v", s.CircuitBreaker)
	}
	// AND the five newest events are kept
	if len(s.Events) != 5 || s.Events[0].Message != "(service web) event 0" || s.Events[4].Message != "(service web) event 4" {
		t.Fatalf("events = %+v", s.Events)
	}
}

func TestAThrottledRefreshIsRetriedAndSucceeds(t *testing.T) {
	// GIVEN adaptive retries with a short backoff, and DescribeServices
	// throttled once
	w := newWorld(t, seedOf("thr", svc("web", 1)))
	cfg, err := LoadConfig(w.ctx, ConfigOptions{Region: w.front.Region, Endpoint: w.front.URL,
		Credentials: w.cfg.Credentials, MaxAttempts: 3, MaxBackoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w.front.Handle("ecs.DescribeServices", mototest.ThrottleFirst(1, nil))
	// WHEN refreshed
	rows, err := New(cfg, w.target).Services.Refresh(w.ctx)
	// THEN the refresh succeeds after a second call
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "web" {
		t.Fatalf("rows = %+v", rows)
	}
	if n := w.front.Calls("ecs.DescribeServices"); n != 2 {
		t.Fatalf("DescribeServices calls = %d, want 2", n)
	}
}

func TestFromOutputs(t *testing.T) {
	// GIVEN outputs with no cluster THEN they are refused with a hint
	if _, err := FromOutputs(&stack.Outputs{}); err == nil || err.Error() != "the stack outputs name no cluster (has the platform been created? ecsdeck up)" {
		t.Fatalf("error = %v", err)
	}
	// GIVEN outputs with a pipeline THEN it is found by name or role, and an
	// unknown one lists the known
	tg, err := FromOutputs(&stack.Outputs{ClusterName: "c", Pipelines: []stack.PipelineOutput{{Role: "backend", Name: "app-backend"}}})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := tg.Pipeline("backend"); err != nil || p.Name != "app-backend" {
		t.Fatalf("pipeline by role = %+v, %v", p, err)
	}
	if _, err := tg.Pipeline("frontend"); err == nil || err.Error() != `unknown pipeline "frontend" (known: app-backend)` {
		t.Fatalf("error = %v", err)
	}
	// GIVEN a discovered cluster THEN any pipeline name is taken as given
	dc, _ := ForCluster("c", "eu-west-1")
	if p, err := dc.Pipeline("any"); err != nil || p.Name != "any" {
		t.Fatalf("pipeline = %+v, %v", p, err)
	}
	if _, err := ForCluster(" ", "eu-west-1"); err == nil || err.Error() != "--cluster: empty cluster name" {
		t.Fatalf("error = %v", err)
	}
}

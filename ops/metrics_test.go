package ops

import (
	"context"
	"math"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// oneLB answers every target group with the same load balancer.
type oneLB struct{ calls int }

func (l *oneLB) DescribeTargetGroups(_ context.Context, in *elbv2.DescribeTargetGroupsInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error) {
	l.calls++
	return &elbv2.DescribeTargetGroupsOutput{TargetGroups: []elbtypes.TargetGroup{{TargetGroupArn: aws.String(in.TargetGroupArns[0]),
		LoadBalancerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"}}}}, nil
}

func TestMetricsOfEveryServiceInOneCall(t *testing.T) {
	w := newWorld(t, seedOf("metrics", svc("web", 1), svc("worker", 1)))
	cw := cloudwatch.NewFromConfig(w.cfg)
	now := time.Now().UTC().Truncate(time.Minute)
	put := func(ns, name string, dims []string, ago int, v float64) {
		t.Helper()
		if err := mototest.PutMetric(w.ctx, w.cfg, ns, name, dims, now.Add(-time.Duration(ago)*time.Minute+time.Second), v); err != nil {
			t.Fatal(err)
		}
	}
	// GIVEN CPU and memory of both services over the last minutes, and web's
	// requests through its target group
	ecsDims := func(s string) []string { return []string{"ClusterName", "metrics", "ServiceName", s} }
	for ago, v := range []float64{30, 20, 10} {
		put("AWS/ECS", "CPUUtilization", ecsDims("web"), ago+1, v)
		put("AWS/ECS", "MemoryUtilization", ecsDims("web"), ago+1, 50)
	}
	put("AWS/ECS", "CPUUtilization", ecsDims("worker"), 5, 90)
	tg := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/73e2d6bc24d8a067"
	albDims := []string{"LoadBalancer", "app/shop/50dc6c495c0c9188", "TargetGroup", "targetgroup/shop-web/73e2d6bc24d8a067"}
	put("AWS/ApplicationELB", "RequestCount", albDims, 1, 120)
	put("AWS/ApplicationELB", "RequestCount", albDims, 1, 30)
	put("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", albDims, 1, 2)
	lbs := &oneLB{}
	m := &Metrics{API: cw, ELB: lbs, Cluster: "metrics"}
	services := []Service{{Name: "web", TargetGroups: []string{tg}}, {Name: "worker"}}
	w.front.ResetCalls()
	// WHEN the metrics are read, twice
	var got []ServiceMetrics
	for range 2 {
		var err error
		got, err = m.Read(w.ctx, services, now)
		if err != nil {
			t.Fatal(err)
		}
	}
	// THEN each refresh was one GetMetricData call, and the load balancer
	// was looked up once
	if n := w.front.Calls("monitoring.GetMetricData"); n != 2 {
		t.Fatalf("GetMetricData calls = %d, want 1 a refresh (%v)", n, w.front.CallCounts())
	}
	if lbs.calls != 1 {
		t.Fatalf("DescribeTargetGroups calls = %d", lbs.calls)
	}
	// AND the series are a value a minute, the newest last, gaps NaN
	web, worker := got[0], got[1]
	if len(web.CPU.Values) != 60 || !web.CPU.HasData || web.CPU.Last != 30 || web.CPU.Values[57] != 10 || !math.IsNaN(web.CPU.Values[0]) {
		t.Fatalf("web CPU = %+v", web.CPU)
	}
	if web.Memory.Last != 50 || web.Requests == nil || web.Requests.Last != 150 || web.Errors == nil || web.Errors.Last != 2 {
		t.Fatalf("web = mem %+v req %+v err %+v", web.Memory, web.Requests, web.Errors)
	}
	if worker.CPU.Last != 90 || worker.Memory.HasData || worker.Requests != nil {
		t.Fatalf("worker = %+v", worker)
	}
}

package ops

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// MetricsAPI is what Metrics calls; *cloudwatch.Client satisfies it.
type MetricsAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// TargetGroupsAPI finds the load balancer of a target group (the ALB
// metrics are kept per load balancer and target group).
type TargetGroupsAPI interface {
	DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error)
}

// Series is one metric over the window, a value a minute (NaN where
// CloudWatch has none).
type Series struct {
	Values []float64 `json:"-"`
	// Points are the values for JSON: null where there is none.
	Points []*float64 `json:"points"`
	// Last is the newest value, when HasData.
	Last    float64 `json:"last"`
	HasData bool    `json:"hasData"`
}

// ServiceMetrics are a service's figures over the window: CPU and memory
// utilisation (percent of what the tasks reserve) and, for a load-balanced
// service, requests and HTTP 5xx answers a minute and the 95th percentile
// of the target response time (seconds).
type ServiceMetrics struct {
	Service  string    `json:"service"`
	From     time.Time `json:"from"`
	Period   int       `json:"periodSeconds"`
	CPU      Series    `json:"cpu"`
	Memory   Series    `json:"memory"`
	Requests *Series   `json:"requests,omitempty"`
	Errors   *Series   `json:"http5xx,omitempty"`
	P95      *Series   `json:"p95Seconds,omitempty"`
}

// Metrics reads the services' CloudWatch metrics: one GetMetricData call
// for up to a hundred services (500 queries), the load balancer of each
// target group looked up once.
type Metrics struct {
	API     MetricsAPI
	ELB     TargetGroupsAPI
	Cluster string
	// Window is how far back (default 1h); Period the step (default 60s).
	Window time.Duration
	Period time.Duration

	mu   sync.Mutex
	lbOf map[string]string // target group ARN -> load balancer ARN
}

// metricQueriesPerCall is the most queries one GetMetricData call takes.
const metricQueriesPerCall = 500

type metricQuery struct {
	service int
	field   string
	q       cwtypes.MetricDataQuery
}

// Read returns the metrics of the services, in their order.
func (m *Metrics) Read(ctx context.Context, services []Service, now time.Time) ([]ServiceMetrics, error) {
	window, period := m.Window, m.Period
	if window <= 0 {
		window = time.Hour
	}
	if period <= 0 {
		period = time.Minute
	}
	end := now.Truncate(period)
	start := end.Add(-window)
	steps := int(window / period)
	out := make([]ServiceMetrics, len(services))
	var queries []metricQuery
	for i, s := range services {
		out[i] = ServiceMetrics{Service: s.Name, From: start, Period: int(period.Seconds())}
		dims := []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String(m.Cluster)}, {Name: aws.String("ServiceName"), Value: aws.String(s.Name)}}
		add := func(field, ns, name, stat string, d []cwtypes.Dimension) {
			queries = append(queries, metricQuery{service: i, field: field, q: cwtypes.MetricDataQuery{
				Id:         aws.String(fmt.Sprintf("m%d%s", i, field)),
				ReturnData: aws.Bool(true),
				MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String(ns), MetricName: aws.String(name), Dimensions: d},
					Period: aws.Int32(int32(period.Seconds())), Stat: aws.String(stat)},
			}})
		}
		add("cpu", "AWS/ECS", "CPUUtilization", "Average", dims)
		add("mem", "AWS/ECS", "MemoryUtilization", "Average", dims)
		if len(s.TargetGroups) > 0 {
			tg := s.TargetGroups[0]
			lb, err := m.loadBalancerOf(ctx, tg)
			if err != nil {
				return nil, err
			}
			if lb != "" {
				ld := []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(arnResource(lb, "loadbalancer/"))},
					{Name: aws.String("TargetGroup"), Value: aws.String(arnResource(tg, ""))}}
				add("req", "AWS/ApplicationELB", "RequestCount", "Sum", ld)
				add("err", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", ld)
				add("p95", "AWS/ApplicationELB", "TargetResponseTime", "p95", ld)
			}
		}
	}
	values := map[string]map[time.Time]float64{}
	for from := 0; from < len(queries); from += metricQueriesPerCall {
		batch := queries[from:min(from+metricQueriesPerCall, len(queries))]
		in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end), ScanBy: cwtypes.ScanByTimestampAscending}
		for _, q := range batch {
			in.MetricDataQueries = append(in.MetricDataQueries, q.q)
		}
		p := cloudwatch.NewGetMetricDataPaginator(m.API, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("read the services' metrics: %w", err)
			}
			for _, r := range page.MetricDataResults {
				id := aws.ToString(r.Id)
				if values[id] == nil {
					values[id] = map[time.Time]float64{}
				}
				for k, ts := range r.Timestamps {
					if k < len(r.Values) {
						values[id][ts.UTC().Truncate(period)] = r.Values[k]
					}
				}
			}
		}
	}
	for _, q := range queries {
		s := series(values[aws.ToString(q.q.Id)], start, period, steps)
		sm := &out[q.service]
		switch q.field {
		case "cpu":
			sm.CPU = s
		case "mem":
			sm.Memory = s
		case "req":
			sm.Requests = &s
		case "err":
			sm.Errors = &s
		case "p95":
			sm.P95 = &s
		}
	}
	return out, nil
}

// series lays the values found out a step apart from start.
func series(found map[time.Time]float64, start time.Time, period time.Duration, steps int) Series {
	s := Series{Values: make([]float64, steps), Points: make([]*float64, steps)}
	for i := range steps {
		v, ok := found[start.Add(time.Duration(i)*period).UTC()]
		if !ok {
			s.Values[i] = math.NaN()
			continue
		}
		s.Values[i], s.Points[i] = v, &v
		s.Last, s.HasData = v, true
	}
	return s
}

// loadBalancerOf is the load balancer a target group serves ("" when none).
func (m *Metrics) loadBalancerOf(ctx context.Context, tg string) (string, error) {
	m.mu.Lock()
	lb, ok := m.lbOf[tg]
	m.mu.Unlock()
	if ok || m.ELB == nil {
		return lb, nil
	}
	out, err := m.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{tg}})
	if err != nil {
		return "", fmt.Errorf("describe target group %s: %w", arnResource(tg, ""), err)
	}
	if len(out.TargetGroups) > 0 && len(out.TargetGroups[0].LoadBalancerArns) > 0 {
		lbs := append([]string(nil), out.TargetGroups[0].LoadBalancerArns...)
		sort.Strings(lbs)
		lb = lbs[0]
	}
	m.mu.Lock()
	if m.lbOf == nil {
		m.lbOf = map[string]string{}
	}
	m.lbOf[tg] = lb
	m.mu.Unlock()
	return lb, nil
}

// arnResource is the part of an ARN after its fifth colon, less prefix:
// "targetgroup/web/73e2d6bc24d8a067", "app/corp/50dc6c495c0c9188".
func arnResource(arn, prefix string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	return strings.TrimPrefix(parts[5], prefix)
}

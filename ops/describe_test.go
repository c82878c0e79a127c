package ops

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// slowECS answers DescribeServices after a delay, each service ACTIVE,
// and records how many calls were in flight at most.
type slowECS struct {
	delay time.Duration
	fail  string // a service whose batch fails

	mu       sync.Mutex
	inFlight int
	peak     int
	calls    int
}

func (s *slowECS) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	s.mu.Lock()
	s.calls++
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out := &ecs.DescribeServicesOutput{}
	// NOTE: answered in reverse, as AWS may: rows must keep the asked order.
	for i := len(in.Services) - 1; i >= 0; i-- {
		name := in.Services[i]
		if name == s.fail {
			return nil, errors.New("connection reset")
		}
		out.Services = append(out.Services, ecstypes.Service{ServiceName: aws.String(name), Status: aws.String("ACTIVE")})
	}
	return out, nil
}

func (s *slowECS) ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return nil, errors.New("not used")
}

func targetOf(n int) (*Target, []string) {
	t := &Target{Cluster: "prod", Region: "us-east-1"}
	var names []string
	for i := range n {
		name := fmt.Sprintf("svc-%03d", i)
		names = append(names, name)
		t.Services = append(t.Services, ServiceRef{Name: name})
	}
	return t, names
}

func TestDescribeRunsUpToEightBatchesAtOnceInTheOrderGiven(t *testing.T) {
	// GIVEN 120 services (12 batches) and 50 ms per DescribeServices call
	api := &slowECS{delay: 50 * time.Millisecond}
	tg, want := targetOf(120)
	s := NewServices(api, tg)
	// WHEN they are refreshed
	start := time.Now()
	rows, err := s.Refresh(context.Background())
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	// THEN every row came, in the given order
	if got := names(rows); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows = %v", got)
	}
	// AND 12 calls ran at most 8 at once: two rounds of 50 ms, not twelve
	if api.calls != 12 || api.peak != 8 {
		t.Fatalf("%d calls, at most %d at once; want 12 and 8", api.calls, api.peak)
	}
	if took >= 12*api.delay/2 {
		t.Fatalf("refresh took %s, as long as calls one after another", took)
	}
}

func TestAFailedBatchFailsTheRefresh(t *testing.T) {
	// GIVEN the batch of svc-055 fails
	api := &slowECS{delay: time.Millisecond, fail: "svc-055"}
	tg, _ := targetOf(120)
	// WHEN the services are refreshed THEN the refresh fails with that call's error
	_, err := NewServices(api, tg).Refresh(context.Background())
	if err == nil || err.Error() != "describe services of cluster prod: connection reset" {
		t.Fatalf("err = %v", err)
	}
}

package ops

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

func TestLoadConfigUsesTheDefaultChainAndAdaptiveRetries(t *testing.T) {
	// GIVEN the environment points the SDK at a Front (AWS_ENDPOINT_URL, region, keys)
	w := newWorld(t, seedOf("env", svc("web", 1)))
	w.front.Setenv(t)
	// WHEN the configuration is loaded with nothing given
	cfg, err := LoadConfig(context.Background(), ConfigOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// THEN it has the region, adaptive retries, and reaches the Front
	if cfg.Region != "us-east-1" || cfg.RetryMode != aws.RetryModeAdaptive {
		t.Fatalf("region %q, retry mode %q", cfg.Region, cfg.RetryMode)
	}
	if p, ok := cfg.Retryer().(patient); !ok {
		t.Fatalf("retryer is %T", cfg.Retryer())
	} else if _, ok := p.RetryerV2.(*retry.AdaptiveMode); !ok || p.MaxAttempts() != DefaultThrottleAttempts || p.attempts != retry.DefaultMaxAttempts {
		t.Fatalf("retryer is %T, %d attempts throttled, %d otherwise", p.RetryerV2, p.MaxAttempts(), p.attempts)
	}
	rows, err := New(cfg, w.target).Services.Refresh(context.Background())
	if err != nil || len(rows) != 1 || w.front.Calls("ecs.DescribeServices") != 1 {
		t.Fatalf("refresh = %v, %v (calls %v)", rows, err, w.front.CallCounts())
	}
}

func TestLoadConfigWithoutARegionSaysWhereToGiveOne(t *testing.T) {
	// GIVEN no region anywhere
	f := mototest.NewFront(t, nil)
	f.Setenv(t)
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	// WHEN the configuration is loaded THEN the error says how to give one
	_, err := LoadConfig(context.Background(), ConfigOptions{})
	if !errors.Is(err, ErrNoRegion) || err.Error() != "no AWS region: give --region, or set AWS_REGION or a region in your AWS profile" {
		t.Fatalf("error = %v", err)
	}
}

type noCredentials struct{}

func (noCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errors.New("failed to refresh cached credentials, no EC2 IMDS role found")
}

func TestNoCredentialsSaysHowToGiveThem(t *testing.T) {
	// GIVEN a credential chain that finds nothing
	cfg, err := LoadConfig(context.Background(), ConfigOptions{Region: "us-east-1", Endpoint: "http://127.0.0.1:1", Credentials: noCredentials{}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	// WHEN a call is made
	_, err = ecs.NewFromConfig(cfg).ListClusters(context.Background(), &ecs.ListClustersInput{})
	// THEN the error is a NoCredentialsError that says how to give credentials
	var nc *NoCredentialsError
	if !errors.As(err, &nc) || !strings.Contains(nc.Error(), "AWS_PROFILE") || !strings.Contains(nc.Error(), "aws sso login") {
		t.Fatalf("got %T %v", err, err)
	}
}

// quickRetries is a configuration on w's Front that retries as LoadConfig
// does by default, with the waits between attempts cut to milliseconds.
func quickRetries(t *testing.T, w *world, endpoint string) aws.Config {
	t.Helper()
	cfg, err := LoadConfig(w.ctx, ConfigOptions{
		Region: w.front.Region, Endpoint: endpoint, RetryMode: aws.RetryModeStandard, MaxBackoff: 5 * time.Millisecond,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestThrottlingIsWaitedOutLongerThanOtherFailures(t *testing.T) {
	w := newWorld(t, seedOf("patient", svc("web", 1)))
	cfg := quickRetries(t, w, w.front.URL)
	// GIVEN AWS throttles the first five DescribeServices
	w.front.Handle("ecs.DescribeServices", mototest.ThrottleFirst(5, nil))
	// WHEN the services are read THEN the sixth attempt answers
	rows, err := New(cfg, w.target).Services.Refresh(w.ctx)
	if err != nil || len(rows) != 1 {
		t.Fatalf("refresh = %v, %v", rows, err)
	}
	if n := w.front.Calls("ecs.DescribeServices"); n != 6 {
		t.Fatalf("DescribeServices calls = %d, want 6", n)
	}
	// GIVEN AWS throttles every call
	w.front.ResetCalls()
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Throttled()))
	// WHEN the services are read THEN it gives up after eight attempts,
	// saying which call AWS throttled
	_, err = New(cfg, w.target).Services.Refresh(w.ctx)
	var te *ThrottledError
	if !errors.As(Explain(err), &te) || te.Operation != "DescribeServices" || !strings.Contains(Explain(err).Error(), "AWS throttled DescribeServices") {
		t.Fatalf("error = %T %v", Explain(err), Explain(err))
	}
	if n := w.front.Calls("ecs.DescribeServices"); n != DefaultThrottleAttempts {
		t.Fatalf("DescribeServices calls = %d, want %d", n, DefaultThrottleAttempts)
	}
	// GIVEN AWS answering HTTP 503 every time
	w.front.ResetCalls()
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Error(503, "ServiceUnavailable", "busy")))
	// WHEN the services are read THEN it gives up after the usual three
	if _, err = New(cfg, w.target).Services.Refresh(w.ctx); err == nil {
		t.Fatal("no error")
	}
	if n := w.front.Calls("ecs.DescribeServices"); n != retry.DefaultMaxAttempts {
		t.Fatalf("DescribeServices calls = %d, want %d", n, retry.DefaultMaxAttempts)
	}
}

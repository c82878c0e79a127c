package ops

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

var moto *mototest.Server

func TestMain(m *testing.M) {
	// Hermetic: no shared AWS config or credentials of the machine.
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		os.Unsetenv(k)
	}
	os.Exit(mototest.RunTests(m, mototest.Options{}, &moto))
}

// world is one test's AWS: a Front (its own moto account) and what was
// seeded in it.
type world struct {
	t      testing.TB
	ctx    context.Context
	front  *mototest.Front
	cfg    aws.Config
	seeded *mototest.Seeded
	target *Target
	client *Client
}

// newWorld seeds the cluster (when given) and returns a Client on the
// stack outputs naming it.
func newWorld(t testing.TB, seed *mototest.ClusterSeed) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	f := mototest.NewFront(t, moto)
	cfg, err := LoadConfig(ctx, ConfigOptions{
		Region:      f.Region,
		Endpoint:    f.URL,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		MaxAttempts: 1,
		RetryMode:   aws.RetryModeStandard,
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: ctx, front: f, cfg: cfg}
	if seed != nil {
		w.seeded, err = mototest.Seed(ctx, cfg, *seed)
		if err != nil {
			t.Fatal(err)
		}
		w.target, err = FromOutputs(w.seeded.Outputs())
		if err != nil {
			t.Fatal(err)
		}
		w.client = New(cfg, w.target)
	}
	f.ResetCalls()
	return w
}

// clusterClient returns a Client that discovers the seeded cluster's
// services, as --cluster does.
func (w *world) clusterClient() *Client {
	w.t.Helper()
	tg, err := ForCluster(w.seeded.Cluster, w.cfg.Region)
	if err != nil {
		w.t.Fatal(err)
	}
	return New(w.cfg, tg)
}

// manualClock is a Clock whose waits end when the test says so.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	waits   []time.Duration
	pending []chan time.Time
	asked   chan time.Duration
}

// within receives from ch, failing the test after 20s instead of waiting
// for ever when the code under test has stopped.
func within[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("no %s in 20s", what)
	}
	var zero T
	return zero
}

func newManualClock(now time.Time) *manualClock {
	return &manualClock{now: now, asked: make(chan time.Duration, 100)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waits = append(c.waits, d)
	c.pending = append(c.pending, ch)
	select {
	case c.asked <- d:
	default: // nobody is counting the waits: never block the code waiting
	}
	return ch
}

// fire ends every pending wait, moving the clock by the longest.
func (c *manualClock) fire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.pending {
		ch <- c.now
	}
	c.pending = nil
}

// fastClock is the real clock with every wait shortened to d.
type fastClock struct{ d time.Duration }

func (c fastClock) Now() time.Time                       { return time.Now() }
func (c fastClock) After(time.Duration) <-chan time.Time { return time.After(c.d) }

func seedOf(name string, services ...mototest.ServiceSeed) *mototest.ClusterSeed {
	return &mototest.ClusterSeed{Name: name, Services: services}
}

func svc(name string, desired int32) mototest.ServiceSeed {
	return mototest.ServiceSeed{Name: name, Desired: desired}
}

func staticCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("test", "test", "")
}

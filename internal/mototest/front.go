package mototest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// AccountHeader is the request header that selects a moto account.
const AccountHeader = "x-moto-account-id"

// DefaultRegion is the region a Front's configuration uses.
const DefaultRegion = "us-east-1"

// Front is an httptest server in front of moto_server for one test: it
// sends every request to moto in the Front's own account, except the
// operations a test has given a Handler; it counts every call it sees.
//
// A separate process (the console in a tmux test) reaches the same account
// through Env: AWS_ENDPOINT_URL points at the Front.
type Front struct {
	// URL is the endpoint to give the SDK (AWS_ENDPOINT_URL).
	URL string
	// Account is the moto account every forwarded request runs in.
	Account string
	// Region is the region of the Front's configuration and environment.
	Region string

	upstream string
	srv      *httptest.Server
	client   *http.Client

	mu       sync.Mutex
	handlers map[string]Handler
	calls    map[string]int
	log      []string
}

// NewFront starts a Front with a fresh account on the moto server (which
// may be nil: every operation without a Handler then answers as moto does
// for operations it lacks, HTTP 500). It is closed when the test ends.
func NewFront(tb testing.TB, moto *Server) *Front {
	tb.Helper()
	f := &Front{
		Region:   DefaultRegion,
		handlers: map[string]Handler{},
		calls:    map[string]int{},
		client:   &http.Client{},
	}
	if moto != nil {
		f.upstream = moto.URL
		f.Account = moto.NewAccount()
	} else {
		f.Account = "123456789012"
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	tb.Cleanup(f.Close)
	return f
}

// Close stops the Front (NewFront arranges it; calling it twice is fine).
func (f *Front) Close() {
	f.srv.CloseClientConnections()
	f.srv.Close()
}

// Handle answers the operation key ("ecs.DescribeTasks", "logs.StartLiveTail",
// "codepipeline.GetPipelineState": the SigV4 signing name, a dot, the
// operation) with h instead of moto. A nil h removes the handler.
func (f *Front) Handle(key string, h Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h == nil {
		delete(f.handlers, key)
		return
	}
	f.handlers[key] = h
}

// Calls returns how many requests the Front has seen for key, or for every
// operation when key is empty.
func (f *Front) Calls(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if key == "" {
		return len(f.log)
	}
	return f.calls[key]
}

// CallLog returns the operation keys seen, in order.
func (f *Front) CallLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

// CallCounts returns the count per operation key, as "key=n" sorted by key.
func (f *Front) CallCounts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.calls))
	for k, n := range f.calls {
		out = append(out, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(out)
	return out
}

// ResetCalls forgets the calls seen so far.
func (f *Front) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
	f.log = nil
}

// Env is the environment that points a separate process (or the SDK's
// default configuration chain in this one) at the Front: endpoint, static
// test credentials, region, and no shared config or instance metadata.
func (f *Front) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + f.URL,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + f.Region,
		"AWS_DEFAULT_REGION=" + f.Region,
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=" + devNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + devNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Setenv applies Env to the test's process environment (t.Setenv restores
// it afterwards; tests using it cannot run in parallel).
func (f *Front) Setenv(t *testing.T) {
	t.Helper()
	for _, kv := range f.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

const devNull = "/dev/null"

// Config returns an SDK configuration for the Front: static test
// credentials, its region, one attempt per call, and endpoint host prefixes
// (logs "stream-", servicediscovery "data-") disabled.
func (f *Front) Config(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(f.Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithBaseEndpoint(f.URL),
		config.WithRetryMaxAttempts(1),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		return aws.Config{}, err
	}
	cfg.APIOptions = append(cfg.APIOptions, DisableHostPrefix)
	return cfg, nil
}

// DisableHostPrefix is an SDK API option that keeps the endpoint host as
// given (StartLiveTail would otherwise call stream-127.0.0.1).
func DisableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("DisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

func (f *Front) serve(w http.ResponseWriter, hr *http.Request) {
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r := &Request{HTTP: hr, Body: body, front: f}
	r.Service, r.Op = operation(hr, body)
	key := r.Key()

	f.mu.Lock()
	f.calls[key]++
	f.log = append(f.log, key)
	h := f.handlers[key]
	f.mu.Unlock()

	var reply Reply
	if h != nil {
		reply = h(r)
	}
	if reply == nil {
		reply = Forward()
	}
	reply.serve(w, r)
}

// operation reads the signing name from the SigV4 credential scope and the
// operation from X-Amz-Target (JSON protocols) or Action (query protocols).
func operation(r *http.Request, body []byte) (service, op string) {
	auth := r.Header.Get("Authorization")
	if i := strings.Index(auth, "Credential="); i >= 0 {
		scope := auth[i+len("Credential="):]
		if j := strings.IndexAny(scope, ", "); j >= 0 {
			scope = scope[:j]
		}
		if parts := strings.Split(scope, "/"); len(parts) >= 5 {
			service = parts[3]
		}
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndex(t, "."); i >= 0 {
			return service, t[i+1:]
		}
		return service, t
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil {
			return service, v.Get("Action")
		}
	}
	return service, r.Method + " " + r.URL.Path
}

// Request is one call the Front received.
type Request struct {
	Service string // SigV4 signing name: ecs, logs, codepipeline, ...
	Op      string // operation name: DescribeServices, ...
	Body    []byte
	HTTP    *http.Request
	front   *Front
}

// Key is "service.Op".
func (r *Request) Key() string { return r.Service + "." + r.Op }

// Decode reads the JSON request body into v.
func (r *Request) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// Input returns the JSON request body as a map.
func (r *Request) Input() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Form returns the query-protocol parameters.
func (r *Request) Form() url.Values {
	v, _ := url.ParseQuery(string(r.Body))
	return v
}

func (r *Request) isJSON() bool { return r.HTTP.Header.Get("X-Amz-Target") != "" }

// Upstream is moto's answer to a forwarded request.
type Upstream struct {
	Status int
	Header http.Header
	Body   []byte
}

// Forward sends the request to moto in the Front's account.
func (r *Request) Forward() (*Upstream, error) {
	f := r.front
	if f.upstream == "" {
		return &Upstream{Status: http.StatusInternalServerError, Header: http.Header{"Content-Type": {"text/html"}},
			Body: []byte("<h1>NotImplementedError</h1>")}, nil
	}
	u := f.upstream + r.HTTP.URL.RequestURI()
	req, err := http.NewRequestWithContext(r.HTTP.Context(), r.HTTP.Method, u, bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	for k, vs := range r.HTTP.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set(AccountHeader, f.Account)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Upstream{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Package recordingprovider is a TEST DOUBLE of the Pulumi AWS resource
// provider, pulumi-resource-aws. It creates nothing: it answers lookups and
// computes outputs as the offline plan's mocks do (stack/plan.NewMocks),
// records every Check, Diff, Create, Read, Update and Delete with its inputs
// to a JSONL file, and can be slowed down or made to fail per resource type.
// Tests install it in a private PULUMI_HOME under the version the program
// needs, so the real Pulumi CLI and engine run the real AWS program against
// it. It is imported by tests only.
//
// The double is the test binary itself: a test's TestMain calls
// ServeIfPlugin first, and Install links the test executable into the
// plugin directory as pulumi-resource-aws.
//
// Behaviour is set by environment variables, which the CLI passes on to
// the plugins it starts:
//
//	RECORDING_PROVIDER_LOG   the JSONL file the calls are appended to
//	RECORDING_PROVIDER_SLOW  per-type delays of create, update and delete:
//	                         "aws:ecs/cluster:Cluster=5s,*=20ms"
//	RECORDING_PROVIDER_FAIL  per-type failures: "aws:ecs/service:Service=create"
//	                         (create, update, delete or any)
package recordingprovider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"ecsdeck/stack/plan"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Environment variables that steer the double.
const (
	EnvLog  = "RECORDING_PROVIDER_LOG"
	EnvSlow = "RECORDING_PROVIDER_SLOW"
	EnvFail = "RECORDING_PROVIDER_FAIL"
)

// PluginName is the executable name the Pulumi CLI looks for.
const PluginName = "pulumi-resource-aws"

// Call is one recorded call.
type Call struct {
	Method string         `json:"method"` // check, diff, create, read, update, delete, invoke
	Phase  string         `json:"phase"`  // start, done, failed
	Type   string         `json:"type,omitempty"`
	URN    string         `json:"urn,omitempty"`
	ID     string         `json:"id,omitempty"`
	Inputs map[string]any `json:"inputs,omitempty"` // secrets show as [secret]
	PID    int            `json:"pid"`
	At     time.Time      `json:"at"`
}

// ServeIfPlugin serves as the provider and exits when this process was
// started as pulumi-resource-aws; otherwise it returns at once.
func ServeIfPlugin() {
	if filepath.Base(os.Args[0]) != PluginName {
		return
	}
	if err := serve(); err != nil {
		fmt.Fprintln(os.Stderr, "recording provider:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serve speaks the plugin protocol: listen on a local port, print it on
// stdout for the engine, serve until the engine sends SIGINT or goes away.
func serve() error {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 << 20))
	pulumirpc.RegisterResourceProviderServer(srv, newServer())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Stop()
	}()
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)
	return srv.Serve(lis)
}

// Install makes exe (normally the running test binary) the aws plugin of
// version (v6.83.4) in the Pulumi home directory home.
func Install(home, version, exe string) error {
	dir := filepath.Join(home, "plugins", "resource-aws-"+version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	link := filepath.Join(dir, PluginName)
	os.Remove(link)
	return os.Symlink(exe, link)
}

// ReadCalls reads a JSONL file of calls.
func ReadCalls(path string) ([]Call, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Call
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c Call
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, c)
	}
	return out, nil
}

type server struct {
	pulumirpc.UnimplementedResourceProviderServer

	mu     sync.Mutex
	region string
	mocks  map[string]pulumi.MockResourceMonitor // by stack
	slow   map[string]time.Duration
	fail   map[string]string
	log    *os.File
}

func newServer() *server {
	s := &server{region: "us-east-1", mocks: map[string]pulumi.MockResourceMonitor{},
		slow: map[string]time.Duration{}, fail: map[string]string{}}
	for _, kv := range splitList(os.Getenv(EnvSlow)) {
		k, v, _ := strings.Cut(kv, "=")
		if d, err := time.ParseDuration(v); err == nil {
			s.slow[k] = d
		}
	}
	for _, kv := range splitList(os.Getenv(EnvFail)) {
		k, v, _ := strings.Cut(kv, "=")
		s.fail[k] = v
	}
	if p := os.Getenv(EnvLog); p != "" {
		s.log, _ = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	}
	return s
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *server) record(c Call) {
	c.PID, c.At = os.Getpid(), time.Now()
	if s.log == nil {
		return
	}
	b, _ := json.Marshal(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.Write(append(b, '\n')) // one write: lines of several processes do not mix
}

// act records the start of a change, waits as told, fails as told.
func (s *server) act(ctx context.Context, method, typ, urn, id string, inputs resource.PropertyMap) error {
	s.record(Call{Method: method, Phase: "start", Type: typ, URN: urn, ID: id, Inputs: plain(inputs)})
	d, ok := s.slow[typ]
	if !ok {
		d = s.slow["*"]
	}
	if d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f := s.fail[typ]; f == method || f == "any" {
		s.record(Call{Method: method, Phase: "failed", Type: typ, URN: urn})
		return fmt.Errorf("recording provider: %s of %s failed as %s asks", method, typ, EnvFail)
	}
	return nil
}

func (s *server) mocksFor(urn string) pulumi.MockResourceMonitor {
	stackName := "stack"
	if u := resource.URN(urn); u.IsValid() {
		stackName = string(u.Stack())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.mocks[stackName]
	if m == nil {
		m = plan.NewMocks(stackName, s.region, plan.Options{})
		s.mocks[stackName] = m
	}
	return m
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func unmarshal(st *structpb.Struct) (resource.PropertyMap, error) {
	if st == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(st, opts)
}

func marshal(pm resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(pm, opts)
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "6.83.4"}, nil
}

func (s *server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: `{"name":"aws","version":"6.83.4"}`}, nil
}

func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (s *server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	region := req.GetVariables()["aws:config:region"] //lint:ignore SA1019 older engines send the region only here
	if args, err := unmarshal(req.GetArgs()); err == nil {
		if v, ok := args["region"]; ok && v.IsString() {
			region = v.StringValue()
		}
	}
	if region != "" {
		s.mu.Lock()
		s.region = region
		s.mu.Unlock()
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true, AcceptOutputs: true}, nil
}

func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	s.record(Call{Method: "check", Phase: "done", Type: req.GetType(), URN: req.GetUrn(), Inputs: plain(news)})
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds := req.GetOldInputs()
	if olds == nil {
		olds = req.GetOlds()
	}
	o, err := unmarshal(olds)
	if err != nil {
		return nil, err
	}
	n, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		ov, ook := o[k]
		nv, nok := n[k]
		if ook != nok || !ov.DeepEquals(nv) {
			diffs = append(diffs, string(k))
		}
	}
	sort.Strings(diffs)
	s.record(Call{Method: "diff", Phase: "done", Type: req.GetType(), URN: req.GetUrn(), ID: req.GetId(), Inputs: map[string]any{"changed": diffs}})
	if len(diffs) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: diffs}, nil
}

func (s *server) outputs(urn, typ, name string, inputs resource.PropertyMap) (string, *structpb.Struct, error) {
	id, out, err := s.mocksFor(urn).NewResource(pulumi.MockResourceArgs{TypeToken: typ, Name: name, Inputs: inputs, Custom: true})
	if err != nil {
		return "", nil, err
	}
	if id == "" {
		id = name + "-id"
	}
	st, err := marshal(out)
	return id, st, err
}

func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if err := s.act(ctx, "create", req.GetType(), req.GetUrn(), "", in); err != nil {
		return nil, err
	}
	id, props, err := s.outputs(req.GetUrn(), req.GetType(), req.GetName(), in)
	if err != nil {
		return nil, err
	}
	s.record(Call{Method: "create", Phase: "done", Type: req.GetType(), URN: req.GetUrn(), ID: id})
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (s *server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	s.record(Call{Method: "read", Phase: "done", Type: req.GetType(), URN: req.GetUrn(), ID: req.GetId()})
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	in, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if err := s.act(ctx, "update", req.GetType(), req.GetUrn(), req.GetId(), in); err != nil {
		return nil, err
	}
	_, props, err := s.outputs(req.GetUrn(), req.GetType(), req.GetName(), in)
	if err != nil {
		return nil, err
	}
	s.record(Call{Method: "update", Phase: "done", Type: req.GetType(), URN: req.GetUrn(), ID: req.GetId()})
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (s *server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if err := s.act(ctx, "delete", req.GetType(), req.GetUrn(), req.GetId(), nil); err != nil {
		return nil, err
	}
	s.record(Call{Method: "delete", Phase: "done", Type: req.GetType(), URN: req.GetUrn(), ID: req.GetId()})
	return &emptypb.Empty{}, nil
}

func (s *server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	s.record(Call{Method: "invoke", Phase: "done", Type: req.GetTok(), Inputs: plain(args)})
	out, err := s.mocksFor("").Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args})
	if err != nil {
		return nil, err
	}
	ret, err := marshal(out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *server) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

func (s *server) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

// plain turns properties into JSON values for the record.
func plain(pm resource.PropertyMap) map[string]any {
	if len(pm) == 0 {
		return nil
	}
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return "[secret]"
	case v.IsComputed():
		return "[unknown]"
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return "[secret]"
		}
		if !o.Known {
			return "[unknown]"
		}
		return plainValue(o.Element)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return plain(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset() || v.IsArchive():
		return "[asset]"
	}
	return v.V
}

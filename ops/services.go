package ops

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServicesAPI is what Services calls; *ecs.Client satisfies it.
type ServicesAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ecs.ListServicesAPIClient
}

// describeBatch is the most services one DescribeServices call takes.
const describeBatch = 10

// Services reads a Target's services.
type Services struct {
	API    ServicesAPI
	Target *Target
	// Events is how many of the newest service events to keep per service.
	Events int
	// Concurrency is the most DescribeServices calls in flight at once
	// (default 8).
	Concurrency int
}

// NewServices returns a Services reader keeping 5 events per service.
func NewServices(api ServicesAPI, t *Target) *Services {
	return &Services{API: api, Target: t, Events: 5}
}

// Refresh describes every service of the target: ⌈n/10⌉ DescribeServices
// calls when the names are known, after listing the cluster when they are
// discovered. Rows come in a stable order: the outputs' order, or by name
// for a discovered cluster.
func (s *Services) Refresh(ctx context.Context) ([]Service, error) {
	names, err := s.Names(ctx)
	if err != nil {
		return nil, err
	}
	return s.Describe(ctx, names)
}

// Names returns the services' names: the known ones, or the cluster's
// (every ListServices page), sorted.
func (s *Services) Names(ctx context.Context) ([]string, error) {
	if !s.Target.Discover {
		return s.Target.ServiceNames(), nil
	}
	var names []string
	p := ecs.NewListServicesPaginator(s.API, &ecs.ListServicesInput{
		Cluster:    aws.String(s.Target.Cluster),
		MaxResults: aws.Int32(100),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.clusterErr("list services", err)
		}
		for _, arn := range page.ServiceArns {
			names = append(names, lastSegment(arn))
		}
	}
	sort.Strings(names)
	return names, nil
}

// describeConcurrency is the most DescribeServices calls in flight at once
// by default.
const describeConcurrency = 8

// Describe describes the named services, up to 10 per call with up to
// Concurrency calls at once, and returns them in the order given. A service that
// cannot be described has Status MISSING and a Problem. The first failed
// call ends the others and is the error.
func (s *Services) Describe(ctx context.Context, names []string) ([]Service, error) {
	batches := (len(names) + describeBatch - 1) / describeBatch
	rows := make([][]Service, batches)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	conc := s.Concurrency
	if conc <= 0 {
		conc = describeConcurrency
	}
	slots := make(chan struct{}, conc)
	for i := range batches {
		batch := names[i*describeBatch : min((i+1)*describeBatch, len(names))]
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			out, err := s.describe(ctx, batch)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
				return
			}
			rows[i] = out
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, s.clusterErr("describe services", err)
	}
	out := make([]Service, 0, len(names))
	for _, r := range rows {
		out = append(out, r...)
	}
	return out, nil
}

// describe is one DescribeServices call: the batch's rows in its order.
func (s *Services) describe(ctx context.Context, batch []string) ([]Service, error) {
	res, err := s.API.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(s.Target.Cluster),
		Services: batch,
	})
	if err != nil {
		return nil, s.clusterErr("describe services", err)
	}
	byName := make(map[string]ecstypes.Service, len(res.Services))
	for _, svc := range res.Services {
		byName[aws.ToString(svc.ServiceName)] = svc
	}
	failed := make(map[string]string, len(res.Failures))
	for _, f := range res.Failures {
		failed[lastSegment(aws.ToString(f.Arn))] = aws.ToString(f.Reason)
	}
	out := make([]Service, 0, len(batch))
	for _, name := range batch {
		if svc, ok := byName[name]; ok {
			row := fromECSService(svc, s.Events)
			if ref, ok := s.Target.Service(name); ok {
				row.Role, row.Kind = ref.Role, ref.Kind
			}
			out = append(out, row)
			continue
		}
		reason := failed[name]
		if reason == "" {
			reason = "MISSING"
		}
		out = append(out, Service{
			Name: name, Cluster: s.Target.Cluster, Status: StatusMissing,
			Problem:     fmt.Sprintf("not found in cluster %s (%s)", s.Target.Cluster, reason),
			Deployments: []Deployment{}, Events: []Event{},
		})
	}
	return out, nil
}

// Lookup describes one service by name (or, for outputs, role). A name the
// target does not have is an *UnknownServiceError listing the known ones.
func (s *Services) Lookup(ctx context.Context, name string) (Service, error) {
	if !s.Target.Discover {
		ref, ok := s.Target.Service(name)
		if !ok {
			return Service{}, &UnknownServiceError{Name: name, Cluster: s.Target.Cluster, Known: s.Target.ServiceNames()}
		}
		name = ref.Name
	}
	rows, err := s.Describe(ctx, []string{name})
	if err != nil {
		return Service{}, err
	}
	if rows[0].Status != StatusMissing && rows[0].Status != "INACTIVE" {
		return rows[0], nil
	}
	if !s.Target.Discover {
		if rows[0].Problem == "" {
			return Service{}, fmt.Errorf("service %s is %s in cluster %s", name, rows[0].Status, s.Target.Cluster)
		}
		return Service{}, fmt.Errorf("service %s %s", name, rows[0].Problem)
	}
	known, err := s.Names(ctx)
	if err != nil {
		return Service{}, err
	}
	return Service{}, &UnknownServiceError{Name: name, Cluster: s.Target.Cluster, Known: known}
}

func (s *Services) clusterErr(what string, err error) error {
	if isCode(err, "ClusterNotFoundException") {
		return &ClusterNotFoundError{Cluster: s.Target.Cluster, Region: s.Target.Region}
	}
	return fmt.Errorf("%s of cluster %s: %w", what, s.Target.Cluster, err)
}

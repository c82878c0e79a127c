package mototest

import (
	"context"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

var moto *Server

func TestMain(m *testing.M) { os.Exit(RunTests(m, Options{}, &moto)) }

func TestFrontGivesEachTestItsOwnAccount(t *testing.T) {
	ctx := context.Background()
	// GIVEN two fronts on the same moto server
	a, b := NewFront(t, moto), NewFront(t, moto)
	cfgA, err := a.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfgB, err := b.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// WHEN a cluster is seeded through the first
	seeded, err := Seed(ctx, cfgA, ClusterSeed{Name: "iso", Services: []ServiceSeed{{Name: "web", Desired: 2, TargetGroup: true, Targets: []string{"10.0.1.10"}}}})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the first sees it and counts the calls, the second does not see it
	out, err := ecs.NewFromConfig(cfgA).ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String("iso")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ServiceArns) != 1 || out.ServiceArns[0] != seeded.Services[0].ARN {
		t.Fatalf("services in a = %v, want [%s]", out.ServiceArns, seeded.Services[0].ARN)
	}
	if got := a.Calls("ecs.ListServices"); got != 1 {
		t.Fatalf("a counted %d ListServices calls, want 1", got)
	}
	_, err = ecs.NewFromConfig(cfgB).ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String("iso")})
	if !isCode(err, "ClusterNotFoundException") {
		t.Fatalf("b ListServices error = %v, want ClusterNotFoundException", err)
	}
}

func TestHandlersAnswerInsteadOfMoto(t *testing.T) {
	ctx := context.Background()
	f := NewFront(t, moto)
	cfg, _ := f.Config(ctx)
	c := ecs.NewFromConfig(cfg)
	// GIVEN a handler that throttles once, then answers with tasks
	f.Handle("ecs.DescribeTasks", ThrottleFirst(1, Always(JSON(`{"tasks":[{"taskArn":"arn:aws:ecs:us-east-1:1:task/c/abc","lastStatus":"RUNNING","containers":[{"name":"app","cpu":"0"}]}],"failures":[]}`))))
	// WHEN DescribeTasks is called twice
	_, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{"abc"}})
	// THEN the first is a throttling error and the second parses
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" || ae.ErrorMessage() != "Rate exceeded" {
		t.Fatalf("first call error = %v, want ThrottlingException: Rate exceeded", err)
	}
	out, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{"abc"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].LastStatus) != "RUNNING" {
		t.Fatalf("tasks = %+v", out.Tasks)
	}
	// AND an operation without a handler nor moto support answers 500 as moto does
	f.Handle("ecs.DescribeServiceDeployments", Always(NotImplemented()))
	_, err = c.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{"x"}})
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
		t.Fatalf("error = %v, want HTTP 500", err)
	}
}

func TestEventStreamParsesInTheSDK(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := NewFront(t, moto)
	cfg, _ := f.Config(ctx)
	// GIVEN a live tail answer with a start, one update and a dropped connection
	f.Handle("logs.StartLiveTail", Always(EventStream(Events(
		StreamEvent{"sessionStart", map[string]any{"sessionId": "s1", "logGroupIdentifiers": []string{"g"}}},
		StreamEvent{"sessionUpdate", map[string]any{"sessionResults": []map[string]any{{"logStreamName": "ecs/app/1", "message": "hello", "timestamp": 1700000000000, "ingestionTime": 1700000000100}}}},
	), EndDrop, nil)))
	// WHEN the SDK reads it
	out, err := cloudwatchlogs.NewFromConfig(cfg).StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:1:log-group:g"}})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	var got []string
	for ev := range stream.Events() {
		switch v := ev.(type) {
		case *logtypes.StartLiveTailResponseStreamMemberSessionStart:
			got = append(got, "start "+aws.ToString(v.Value.SessionId))
		case *logtypes.StartLiveTailResponseStreamMemberSessionUpdate:
			for _, r := range v.Value.SessionResults {
				got = append(got, aws.ToString(r.LogStreamName)+" "+aws.ToString(r.Message))
			}
		}
	}
	// THEN both events arrive, and the drop ends the stream (the SDK reads
	// an unexpected EOF as the end of the stream)
	if len(got) != 2 || got[0] != "start s1" || got[1] != "ecs/app/1 hello" {
		t.Fatalf("events = %q", got)
	}
}

func TestEventStreamExceptionIsTheStreamError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := NewFront(t, moto)
	cfg, _ := f.Config(ctx)
	// GIVEN a live tail answer that ends with a SessionTimeoutException
	f.Handle("logs.StartLiveTail", Always(EventStream(Events(), EndClose,
		&StreamException{Type: "SessionTimeoutException", Message: "session timed out"})))
	// WHEN the SDK reads it
	out, err := cloudwatchlogs.NewFromConfig(cfg).StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"g"}})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	for range stream.Events() {
	}
	// THEN the stream's error is that exception
	var te *logtypes.SessionTimeoutException
	if !errors.As(stream.Err(), &te) || te.ErrorMessage() != "session timed out" {
		t.Fatalf("stream error = %v, want SessionTimeoutException", stream.Err())
	}
}

package ops

import (
	"testing"

	"ecsdeck/internal/mototest"
)

func TestTargetHealthPerTargetGroup(t *testing.T) {
	// GIVEN a service whose target group has two registered targets
	s := svc("web", 2)
	s.TargetGroup, s.Targets = true, []string{"10.0.1.10", "10.0.1.11"}
	w := newWorld(t, seedOf("health", s))
	arn := w.seeded.Services[0].TargetGroupARNs[0]
	// WHEN its health is read
	got, err := w.client.Health.TargetGroups(w.ctx, []string{arn})
	if err != nil {
		t.Fatal(err)
	}
	// THEN both targets are listed healthy, with the group's name
	if len(got) != 1 || got[0].Name != "web-blue" || got[0].Healthy != 2 || len(got[0].Targets) != 2 {
		t.Fatalf("health = %+v", got)
	}
	if tg := got[0].Targets[0]; tg.ID != "10.0.1.10" || tg.Port != 80 || tg.State != "healthy" {
		t.Fatalf("target = %+v", tg)
	}
}

func TestUnhealthyTargetsSayWhy(t *testing.T) {
	// GIVEN the load balancer reports a failing target (moto cannot: its
	// targets are always healthy)
	w := newWorld(t, nil)
	w.front.Handle("elasticloadbalancing.DescribeTargetHealth", mototest.Always(mototest.XML(`<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult><TargetHealthDescriptions>
    <member><HealthCheckPort>80</HealthCheckPort><Target><Id>10.0.1.12</Id><Port>8080</Port></Target>
      <TargetHealth><State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these codes: [502]</Description></TargetHealth></member>
    <member><Target><Id>10.0.1.13</Id><Port>8080</Port></Target><TargetHealth><State>initial</State><Reason>Elb.RegistrationInProgress</Reason></TargetHealth></member>
  </TargetHealthDescriptions></DescribeTargetHealthResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</DescribeTargetHealthResponse>`)))
	h := &Health{API: New(w.cfg, &Target{}).Health.API}
	// WHEN read
	got, err := h.TargetGroups(w.ctx, []string{"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/api-green/abc"})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the reason and description are kept
	want := TargetState{ID: "10.0.1.12", Port: 8080, State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [502]"}
	if got[0].Name != "api-green" || got[0].Healthy != 0 || got[0].Targets[0] != want || got[0].Targets[1].State != "initial" {
		t.Fatalf("health = %+v", got)
	}
}

package profiles

import (
	"reflect"
	"testing"
)

// problemTexts renders problems as the tests compare them.
func problemTexts(ps Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

const ebsWarning = "warning: backend.volume.kind: ebs: ECS deletes a task's EBS volume when the task stops, so its data does not outlive the task (for data that must persist use kind: efs)"

// TestReviewRules covers the rules that keep a platform safe once it is
// created: each case lists every problem its Spec must produce, in order.
func TestReviewRules(t *testing.T) {
	const conn = "arn:aws:codeconnections:us-east-1:123456789012:connection/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	tests := []struct {
		name   string
		change func(*Spec)
		want   []string
	}{
		{"ebs warns that it does not persist", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Backend.Volume = Volume{Kind: VolumeEBS, SizeGiB: 30, ContainerPath: "/data"}
		}, []string{ebsWarning}},
		{"ebs needs ec2", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeEBS, SizeGiB: 30, ContainerPath: "/data"} },
			[]string{"backend.volume.kind: ebs needs launchType: ec2 (ecsdeck attaches EBS volumes to EC2 tasks; launchType is fargate)", ebsWarning}},
		{"ebs size", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Backend.Volume = Volume{Kind: VolumeEBS, ContainerPath: "/data"}
		}, []string{"backend.volume.sizeGiB: 0 is out of range (1 to 16384 GiB)", ebsWarning}},
		{"ebs with blue-green", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Pipeline.Deploy = DeployBlueGreen
			s.Backend.Volume = Volume{Kind: VolumeEBS, SizeGiB: 30, ContainerPath: "/data"}
		}, []string{ebsWarning, "backend.volume.kind: ebs cannot be used with pipeline.deploy: blue-green (ECS does not attach EBS volumes to CodeDeploy services)"}},
		{"efs without an id is created", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeEFS, ContainerPath: "/data"} }, nil},
		{"deleteOnDestroy without a file system", func(s *Spec) {
			s.Backend.Volume = Volume{Kind: VolumeEphemeral, SizeGiB: 30, ContainerPath: "/data", DeleteOnDestroy: true}
		}, []string{"warning: backend.volume.deleteOnDestroy: ignored: only the file system of a volume of kind efs that ecsdeck creates is kept or deleted on destroy (kind is ephemeral)"}},
		{"existing load balancer without a security group", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}}}
		}, nil},
		{"prod database keeps its final snapshot by default", func(s *Spec) { s.Database.Engine = EngineMySQL }, nil},
		{"prod database without a final snapshot", func(s *Spec) {
			s.Database.Engine, s.Database.SkipFinalSnapshot = EngineMySQL, true
		}, []string{"warning: database.skipFinalSnapshot: true on environment prod: destroying the platform deletes the database and every automated backup, with no final snapshot"}},
		{"staging database without a final snapshot", func(s *Spec) {
			s.Environment = "staging"
			s.Database.Engine, s.Database.SkipFinalSnapshot = EngineMySQL, true
		}, nil},
		{"one connection for two providers", func(s *Spec) {
			twoTier(HostingECS)(s)
			s.Backend.Repository.Name, s.Frontend.Repository.Name = "acme/api", "acme/web"
			s.Frontend.Repository.Provider = ProviderBitbucket
			s.Pipeline.ConnectionARN = conn
		}, []string{"pipeline.connectionArn: one connection serves one provider, but backend.repository.provider is github and frontend.repository.provider is bitbucket: name a connection per provider in pipeline.connections (github: and bitbucket:; a provider left out gets one that ecsdeck creates) and remove pipeline.connectionArn"}},
		{"one connection for one provider", func(s *Spec) {
			twoTier(HostingECS)(s)
			s.Backend.Repository.Name, s.Frontend.Repository.Name = "acme/api", "acme/web"
			s.Pipeline.ConnectionARN = conn
		}, nil},
		{"a connection per provider", func(s *Spec) {
			twoTier(HostingECS)(s)
			s.Backend.Repository.Name, s.Frontend.Repository.Name = "acme/api", "acme/web"
			s.Frontend.Repository.Provider = ProviderGitHubEnterprise
			s.Pipeline.Connections.GitHubEnterprise = conn
		}, nil},
		{"connections in two places", func(s *Spec) {
			s.Backend.Repository.Name = "acme/api"
			s.Pipeline.ConnectionARN, s.Pipeline.Connections.GitHub = conn, conn
		}, []string{"pipeline.connections: set together with pipeline.connectionArn (name connections in one place: pipeline.connections)"}},
		{"connection form", func(s *Spec) { s.Pipeline.Connections.GitLab = "arn:aws:codecommit:x" },
			[]string{"pipeline.connections.gitlab: not a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)"}},
		{"settings path that nothing reads", func(s *Spec) { s.Backend.SSMPath = "/shop/prod/backend" },
			[]string{"backend.ssmPath: set, but backend.repository.name is empty and backend.ssmPlaceholders names no parameter: without a pipeline no build writes the environment file, and ECS reads SSM parameters only by name (list the names in backend.ssmPlaceholders to get them as secrets, or set backend.repository)"}},
		{"settings by name without a pipeline", func(s *Spec) {
			s.Backend.SSMPath, s.Backend.SSMPlaceholders = "/shop/prod/backend", []string{"API_KEY"}
		}, nil},
		{"settings of a static site without a build", func(s *Spec) {
			twoTier(HostingS3)(s)
			s.Domain.CertificateARN = certUSE1
			s.Frontend.SSMPath = "/shop/prod/frontend"
		}, []string{"frontend.ssmPath: set, but frontend.repository.name is empty: a static site reads its settings in its build, and without a repository there is no build (set frontend.repository, or remove frontend.ssmPath)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a valid Spec with one change
			s := valid()
			tt.change(s)
			s.Complete()
			// WHEN it is validated THEN exactly these problems are reported
			if got := problemTexts(Validate(s)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("want\n  %q\ngot\n  %q", tt.want, got)
			}
		})
	}
}

package verify

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/ops"
	"ecsdeck/profiles"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

var moto *mototest.Server

func TestMain(m *testing.M) {
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		os.Unsetenv(k)
	}
	os.Setenv("AWS_CONFIG_FILE", "/dev/null")
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	os.Exit(mototest.RunTests(m, mototest.Options{}, &moto))
}

const region = "us-west-2"

// account is one moto account seeded with a platform's existing parts:
// a VPC with two public subnets routed to an internet gateway and two
// private ones, a security group, an Application Load Balancer with two
// listeners and two ip target groups, a public hosted zone, an imported
// certificate for api.shop.example, and ECS's service-linked role. Service
// Quotas (which moto answers for VPCs only), CodeConnections (which moto
// lacks) and an image registry are answered by responders of the
// documented shapes.
type account struct {
	front    *mototest.Front
	cfg      aws.Config
	spec     *profiles.Spec
	ns       []string // the zone's name servers
	quotas   map[string]float64
	conns    map[string]string // ARN -> status
	registry *httptest.Server
	images   map[string]string // repo:tag -> manifest JSON
	other    struct{ vpc, sg, tgInstance, listener string }
}

func newAccount(t *testing.T) *account {
	t.Helper()
	ctx := context.Background()
	a := &account{front: mototest.NewFront(t, moto), quotas: map[string]float64{
		quotaFargateOnDemand: 6, quotaFargateSpot: 6, quotaALBs: 50, quotaEC2OnDemand: 32,
	}, conns: map[string]string{}, images: map[string]string{}}
	a.front.Region = region
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: region, Endpoint: a.front.URL, MaxAttempts: 1, RetryMode: aws.RetryModeStandard,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if err != nil {
		t.Fatal(err)
	}
	a.cfg = cfg
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
	must(err)
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	igw, err := e.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	must(err)
	_, err = e.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: aws.String(vpcID)})
	must(err)
	rt, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)})
	must(err)
	_, err = e.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId})
	must(err)
	var public, private []string
	for i, az := range []string{"us-west-2a", "us-west-2b", "us-west-2a", "us-west-2b"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(fmt.Sprintf("10.20.%d.0/24", i)), AvailabilityZone: aws.String(az)})
		must(err)
		id := aws.ToString(sn.Subnet.SubnetId)
		if i < 2 {
			public = append(public, id)
			_, err = e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(id)})
			must(err)
		} else {
			private = append(private, id)
		}
	}
	sg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("tasks"), Description: aws.String("tasks"), VpcId: aws.String(vpcID)})
	must(err)
	other, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.30.0.0/16")})
	must(err)
	a.other.vpc = aws.ToString(other.Vpc.VpcId)
	osg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("elsewhere"), Description: aws.String("x"), VpcId: other.Vpc.VpcId})
	must(err)
	a.other.sg = aws.ToString(osg.GroupId)

	lbc := elb.NewFromConfig(cfg)
	lb, err := lbc.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("corp"), Subnets: public, Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing})
	must(err)
	lbARN := aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)
	var tgs []string
	for _, n := range []string{"blue", "green", "inst"} {
		tt := elbtypes.TargetTypeEnumIp
		if n == "inst" {
			tt = elbtypes.TargetTypeEnumInstance
		}
		tg, err := lbc.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(n), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String(vpcID), TargetType: tt})
		must(err)
		tgs = append(tgs, aws.ToString(tg.TargetGroups[0].TargetGroupArn))
	}
	a.other.tgInstance = tgs[2]
	var listeners []string
	for _, port := range []int32{80, 8080} {
		l, err := lbc.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(lbARN), Port: aws.Int32(port), Protocol: elbtypes.ProtocolEnumHttp,
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgs[0])}}})
		must(err)
		listeners = append(listeners, aws.ToString(l.Listeners[0].ListenerArn))
	}
	lb2, err := lbc.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("other"), Subnets: public, Type: elbtypes.LoadBalancerTypeEnumApplication})
	must(err)
	l2, err := lbc.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb2.LoadBalancers[0].LoadBalancerArn, Port: aws.Int32(80), Protocol: elbtypes.ProtocolEnumHttp,
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgs[2])}}})
	must(err)
	a.other.listener = aws.ToString(l2.Listeners[0].ListenerArn)

	r53 := route53.NewFromConfig(cfg)
	zone, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("shop.example"), CallerReference: aws.String("z")})
	must(err)
	a.ns = append(a.ns, zone.DelegationSet.NameServers...)
	certPEM, keyPEM := selfSigned(t, "api.shop.example", "*.shop.example")
	cert, err := acm.NewFromConfig(cfg).ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM})
	must(err)
	// NOTE: moto names service-linked roles from the service's host name
	// ("AWSServiceRoleForecs"); the role is made as AWS names it.
	_, err = iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("AWSServiceRoleForECS"), Path: aws.String("/aws-service-role/ecs.amazonaws.com/"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	must(err)

	a.front.Handle("servicequotas.GetServiceQuota", func(r *mototest.Request) mototest.Reply {
		var in struct{ ServiceCode, QuotaCode string }
		_ = r.Decode(&in)
		if v, ok := a.quotas[in.QuotaCode]; ok {
			return mototest.JSON(map[string]any{"Quota": map[string]any{"ServiceCode": in.ServiceCode, "QuotaCode": in.QuotaCode, "Value": v}})
		}
		return nil // moto answers the VPC quotas
	})
	a.front.Handle("codeconnections.GetConnection", func(r *mototest.Request) mototest.Reply {
		var in struct{ ConnectionArn string }
		_ = r.Decode(&in)
		st, ok := a.conns[in.ConnectionArn]
		if !ok {
			return mototest.Error(400, "ResourceNotFoundException", "Connection "+in.ConnectionArn+" not found")
		}
		return mototest.JSON(map[string]any{"Connection": map[string]any{"ConnectionName": "shop-github", "ConnectionArn": in.ConnectionArn, "ProviderType": "GitHub", "ConnectionStatus": st}})
	})
	a.registry = httptest.NewServer(http.HandlerFunc(a.serveRegistry))
	t.Cleanup(a.registry.Close)
	a.images["acme/billing:1.8.2"] = `{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"platform":{"os":"linux","architecture":"amd64"}}]}`

	ans, err := profiles.Load("../../examples/existing-vpc-alb.yaml")
	must(err)
	s := ans.Spec
	s.Network.VPCID, s.Network.SubnetIDs, s.Network.DatabaseSubnetIDs = vpcID, public, private
	s.Network.SecurityGroups.Tasks = aws.ToString(sg.GroupId)
	ex := s.LoadBalancer.Existing
	ex.ARN, ex.ListenerARN, ex.TestListenerARN, ex.SecurityGroupID = lbARN, listeners[0], listeners[1], ""
	ex.TargetGroups.Backend = tgs[:2]
	s.Domain.Name, s.Domain.HostedZoneID = "shop.example", strings.TrimPrefix(aws.ToString(zone.HostedZone.Id), "/hostedzone/")
	s.Domain.CertificateARN = aws.ToString(cert.CertificateArn)
	conn := "arn:aws:codeconnections:us-west-2:" + a.front.Account + ":connection/0b8e3c1a-7d1f-4c6e-9a4e-2f6d8c9b1a00"
	a.conns[conn] = "AVAILABLE"
	s.Backend.Repository = profiles.Repository{Provider: profiles.ProviderGitHub, Name: "acme/billing", Branch: "main"}
	s.Pipeline.ConnectionARN = conn
	s.Backend.DesiredCount, s.Backend.Autoscaling.Max = 2, 4
	a.spec = s
	return a
}

// serveRegistry answers the registry HTTP API as public registries do:
// a Bearer challenge, an anonymous token, then the manifest or 404.
func (a *account) serveRegistry(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		if !strings.HasPrefix(r.URL.Query().Get("scope"), "repository:") {
			http.Error(w, "no scope", http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"token": "anon"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer anon" {
		w.Header().Set("Www-Authenticate", fmt.Sprintf(`Bearer realm="http://%s/token",service="test-registry"`, r.Host))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rest, _ := strings.CutPrefix(r.URL.Path, "/v2/")
	repo, ref, _ := strings.Cut(rest, "/manifests/")
	m, ok := a.images[repo+":"+ref]
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write([]byte(m))
}

func (a *account) verifier() *Verifier {
	v := New(a.cfg)
	v.Registries = map[string]string{"ghcr.io": a.registry.URL}
	v.LookupNS = func(context.Context, string) ([]string, error) { return a.ns, nil }
	return v
}

func selfSigned(t *testing.T, names ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func show(r *Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "  %-9s %-18s %s: %s | %s\n", c.Status, c.Name, c.Subject, c.Detail, c.Fix)
	}
	return b.String()
}

func TestAGoodAccountPassesEveryCheck(t *testing.T) {
	a := newAccount(t)
	r := a.verifier().Run(context.Background(), a.spec)
	want := []string{"hosted zone", "certificate", "vpc", "subnets", "public subnets", "database subnets", "security groups",
		"load balancer", "listeners", "target groups", "connection", "image", "service-linked role", "quota"}
	got := map[string]bool{}
	for _, c := range r.Checks {
		got[c.Name] = true
		if c.Status != Passed {
			t.Errorf("%s %s: %s %s", c.Name, c.Subject, c.Status, c.Detail)
		}
	}
	for _, n := range want {
		if n == "subnets" {
			continue // said as public and database subnets when they pass
		}
		if !got[n] {
			t.Errorf("no %s check", n)
		}
	}
	if t.Failed() {
		t.Log("\n" + show(r))
	}
}

// Each case breaks one thing the answers name, and the check that looks
// at it must fail (or warn) saying so, with a fix.
func TestEachCheckFailsOnWhatItLooksFor(t *testing.T) {
	a := newAccount(t)
	cases := []struct {
		name   string
		change func(s *profiles.Spec)
		before func()
		check  string
		status Status
		says   string
		also   []string // other checks that fail with it, as they must
	}{
		{name: "zone missing", change: func(s *profiles.Spec) { s.Domain.HostedZoneID = "Z0000000000NOPE" }, check: "hosted zone", status: Failed, says: "no hosted zone"},
		{name: "zone of another domain", change: func(s *profiles.Spec) { s.Domain.Name = "other.example"; s.Domain.BackendHost = "api.shop.example" }, check: "hosted zone", status: Failed, says: "not of other.example"},
		{name: "zone not delegated", before: func() { a.ns = []string{"ns1.elsewhere.example"} }, check: "hosted zone", status: Failed, says: "not this zone's name servers"},
		{name: "certificate does not cover the host", change: func(s *profiles.Spec) { s.Domain.BackendHost = "api.billing.example" }, check: "certificate", status: Failed, says: "not api.billing.example"},
		{name: "certificate in another region", change: func(s *profiles.Spec) {
			s.Domain.CertificateARN = strings.Replace(s.Domain.CertificateARN, region, "eu-west-1", 1)
		}, check: "certificate", status: Failed, says: "is in eu-west-1"},
		{name: "certificate missing", change: func(s *profiles.Spec) {
			s.Domain.CertificateARN = "arn:aws:acm:us-west-2:" + a.front.Account + ":certificate/00000000-0000-0000-0000-000000000000"
		}, check: "certificate", status: Failed, says: "no such certificate"},
		{name: "vpc missing", change: func(s *profiles.Spec) { s.Network.VPCID = "vpc-0000000000000dead" }, check: "vpc", status: Failed, says: "no VPC", also: []string{"load balancer"}},
		{name: "subnet of another vpc", change: func(s *profiles.Spec) { s.Network.SubnetIDs[1] = "subnet-0000000000000dead" }, check: "subnets", status: Failed, says: "not in"},
		{name: "public subnet without a route to the internet", change: func(s *profiles.Spec) { s.Network.SubnetIDs[1] = s.Network.DatabaseSubnetIDs[1] }, check: "public subnets", status: Failed, says: "no route to an internet gateway"},
		{name: "database subnet that is public", change: func(s *profiles.Spec) { s.Network.DatabaseSubnetIDs[0] = s.Network.SubnetIDs[0] }, check: "database subnets", status: Failed, says: "public subnet"},
		{name: "security group of another vpc", change: func(s *profiles.Spec) { s.Network.SecurityGroups.Tasks = a.other.sg }, check: "security groups", status: Failed, says: "not a security group of"},
		{name: "load balancer missing", change: func(s *profiles.Spec) {
			s.LoadBalancer.Existing.ARN = strings.Replace(s.LoadBalancer.Existing.ARN, "/corp/", "/gone/", 1)
		}, check: "load balancer", status: Failed, says: "no such load balancer"},
		{name: "listener of another load balancer", change: func(s *profiles.Spec) { s.LoadBalancer.Existing.TestListenerARN = a.other.listener }, check: "listeners", status: Failed, says: "not a listener of the load balancer"},
		{name: "target group of the wrong type", change: func(s *profiles.Spec) { s.LoadBalancer.Existing.TargetGroups.Backend[1] = a.other.tgInstance }, check: "target groups", status: Failed, says: "target type instance"},
		{name: "connection pending", before: func() { a.conns[a.spec.Pipeline.ConnectionARN] = "PENDING" }, check: "connection", status: Warned, says: "PENDING"},
		{name: "connection missing", change: func(s *profiles.Spec) {
			s.Pipeline.ConnectionARN = strings.Replace(s.Pipeline.ConnectionARN, "0b8e", "dead", 1)
		}, check: "connection", status: Failed, says: "no such connection"},
		{name: "image tag missing", change: func(s *profiles.Spec) { s.Backend.Image = "ghcr.io/acme/billing:9.9.9" }, check: "image", status: Failed, says: "not found in ghcr.io"},
		{name: "image without the architecture", change: func(s *profiles.Spec) { s.Architecture = profiles.ArchARM }, check: "image", status: Failed, says: "no linux/arm64 image"},
		{name: "a job's image tag missing", change: func(s *profiles.Spec) {
			j := profiles.NewJob()
			j.Name, j.Schedule, j.Command, j.Image = "report", "rate(1 day)", []string{"report"}, "ghcr.io/acme/billing:0.0.1"
			s.Jobs = append(s.Jobs, j)
		}, check: "image", status: Failed, says: "not found in ghcr.io"},
		{name: "workers count in the fargate quota", before: func() { a.quotas[quotaFargateSpot] = 4 }, change: func(s *profiles.Spec) {
			w := profiles.NewWorker()
			w.Name, w.Image, w.CPU, w.Memory = "mailer", s.Backend.Image, 4096, 8192
			w.Autoscaling.Max = 2
			s.Workers = append(s.Workers, w)
		}, check: "quota", status: Failed, says: "over the quota"},
		{name: "fargate quota too small", before: func() { a.quotas[quotaFargateSpot] = 2 }, check: "quota", status: Failed, says: "over the quota"},
		{name: "no service-linked role", before: func() {
			a.front.Handle("iam.GetRole", mototest.Always(mototest.Error(404, "NoSuchEntity", "The role with name AWSServiceRoleForECS cannot be found.")))
		}, check: "service-linked role", status: Warned, says: "does not exist yet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			saved := a.spec.Clone()
			ns, conns := append([]string(nil), a.ns...), map[string]string{}
			for k, v := range a.conns {
				conns[k] = v
			}
			quotas := map[string]float64{}
			for k, v := range a.quotas {
				quotas[k] = v
			}
			defer func() {
				a.spec, a.ns, a.conns, a.quotas = saved, ns, conns, quotas
				a.front.Handle("iam.GetRole", nil)
			}()
			s := a.spec.Clone()
			if c.change != nil {
				c.change(s)
			}
			if c.before != nil {
				c.before()
			}
			r := a.verifier().Run(context.Background(), s)
			var hit bool
			for _, ch := range r.Checks {
				if ch.Name == c.check && ch.Status == c.status && strings.Contains(ch.Detail, c.says) && ch.Fix != "" {
					hit = true
				}
			}
			if !hit {
				t.Fatalf("no %s check %s saying %q with a fix:\n%s", c.check, c.status, c.says, show(r))
			}
			if c.status == Failed && r.OK() {
				t.Fatal("the report is OK")
			}
			// AND nothing else broke: every other check still passes
			for _, ch := range r.Checks {
				if ch.Name != c.check && ch.Status != Passed && !slices.Contains(c.also, ch.Name) {
					t.Errorf("%s also %s: %s", ch.Name, ch.Status, ch.Detail)
				}
			}
		})
	}
}

func TestImageReferencesAreTakenApartAsDockerDoes(t *testing.T) {
	for in, want := range map[string]imageRef{
		"nginx":                                 {"registry-1.docker.io", "library/nginx", "latest"},
		"nginx:1.27":                            {"registry-1.docker.io", "library/nginx", "1.27"},
		"docker.io/bitnami/redis:7":             {"registry-1.docker.io", "bitnami/redis", "7"},
		"public.ecr.aws/nginx/nginx:1.27":       {"public.ecr.aws", "nginx/nginx", "1.27"},
		"ghcr.io/acme/app@sha256:abc":           {"ghcr.io", "acme/app", "sha256:abc"},
		"localhost:5000/app":                    {"localhost:5000", "app", "latest"},
		"registry.example:8443/team/app:v1.2.3": {"registry.example:8443", "team/app", "v1.2.3"},
	} {
		if got := parseImage(in); got != want {
			t.Errorf("parseImage(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestAnUnreachableRegistryIsSaidNotFailed(t *testing.T) {
	v := &Verifier{Registry: &http.Client{Timeout: time.Second}, Registries: map[string]string{"ghcr.io": "http://127.0.0.1:1"}}
	c := v.image(context.Background(), "ghcr.io/acme/app:1", profiles.ArchX86)
	if c.Status != Unchecked || !strings.Contains(c.Detail, "could not be asked") {
		t.Fatalf("check = %+v", c)
	}
	c = v.image(context.Background(), "123456789012.dkr.ecr.us-west-2.amazonaws.com/app:1", profiles.ArchX86)
	if c.Status != Unchecked || !strings.Contains(c.Detail, "private ECR") {
		t.Fatalf("check = %+v", c)
	}
}

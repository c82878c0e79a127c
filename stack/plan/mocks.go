package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// partition returns the partition and DNS suffix of a region.
func partition(region string) (string, string) {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn", "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov", "amazonaws.com"
	}
	return "aws", "amazonaws.com"
}

// fakeHex is a stable hexadecimal string of n digits derived from seed.
func fakeHex(seed string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s#%d", seed, i)))
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()[:n]
}

// fakeUUID is a stable UUID-shaped string derived from seed.
func fakeUUID(seed string) string {
	h := fakeHex(seed, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (m *mocks) arn(service, res string) string {
	part, _ := partition(m.region)
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", part, service, m.region, m.opts.Account, res)
}

func (m *mocks) globalARN(service, res string) string {
	part, _ := partition(m.region)
	return fmt.Sprintf("arn:%s:%s::%s:%s", part, service, m.opts.Account, res)
}

func str(pm resource.PropertyMap, key string) string {
	v, ok := pm[resource.PropertyKey(key)]
	for ok && v.IsSecret() {
		v = v.SecretValue().Element
	}
	if ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// afterSlash returns what follows the last "/" of an ARN.
func afterSlash(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// NewResource gives each resource a plausible id and the outputs AWS would
// compute (ARNs, DNS names, URLs), on top of its inputs.
func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.record(args)
	in := args.Inputs
	out := in.Copy()
	set := func(k string, v any) { out[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	seed := m.stack + "/" + args.TypeToken + "/" + args.Name
	name := str(in, "name")
	if name == "" {
		name = args.Name
	}
	id := name
	_, dns := partition(m.region)
	switch args.TypeToken {
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + fakeHex(seed, 17)
		set("arn", m.arn("ec2", "vpc/"+id))
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + fakeHex(seed, 17)
		set("arn", m.arn("ec2", "subnet/"+id))
	case "aws:ec2/securityGroup:SecurityGroup":
		id = "sg-" + fakeHex(seed, 17)
		set("arn", m.arn("ec2", "security-group/"+id))
	case "aws:ec2/internetGateway:InternetGateway":
		id = "igw-" + fakeHex(seed, 17)
	case "aws:ec2/routeTable:RouteTable":
		id = "rtb-" + fakeHex(seed, 17)
	case "aws:ec2/networkAcl:NetworkAcl":
		id = "acl-" + fakeHex(seed, 17)
	case "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation":
		id = "r-" + fakeHex(seed, 17)
	case "aws:ec2/keyPair:KeyPair":
		id = str(in, "keyName")
		set("keyPairId", "key-"+fakeHex(seed, 17))
	case "aws:ec2/launchTemplate:LaunchTemplate":
		id = "lt-" + fakeHex(seed, 17)
		set("latestVersion", 1)
		set("arn", m.arn("ec2", "launch-template/"+id))
	case "aws:lb/loadBalancer:LoadBalancer":
		suffix := "app/" + name + "/" + fakeHex(seed, 16)
		id = m.arn("elasticloadbalancing", "loadbalancer/"+suffix)
		set("arn", id)
		set("arnSuffix", suffix)
		set("dnsName", fmt.Sprintf("%s-%s.%s.elb.%s", name, fakeHex(seed+"dns", 10), m.region, dns))
		set("zoneId", "Z35SXDOTRQ7X7K")
	case "aws:lb/targetGroup:TargetGroup":
		suffix := "targetgroup/" + name + "/" + fakeHex(seed, 16)
		id = m.arn("elasticloadbalancing", suffix)
		set("arn", id)
		set("arnSuffix", suffix)
	case "aws:lb/listener:Listener":
		lb := str(in, "loadBalancerArn")
		id = strings.Replace(lb, ":loadbalancer/", ":listener/", 1) + "/" + fakeHex(seed, 16)
		set("arn", id)
	case "aws:lb/listenerRule:ListenerRule":
		l := str(in, "listenerArn")
		id = strings.Replace(l, ":listener/", ":listener-rule/", 1) + "/" + fakeHex(seed, 16)
		set("arn", id)
	case "aws:ecs/cluster:Cluster":
		id = m.arn("ecs", "cluster/"+name)
		set("arn", id)
	case "aws:ecs/service:Service":
		id = m.arn("ecs", "service/"+afterSlash(str(in, "cluster"))+"/"+name)
	case "aws:ecs/taskDefinition:TaskDefinition":
		family := str(in, "family")
		id = family
		set("arn", m.arn("ecs", "task-definition/"+family+":1"))
		set("arnWithoutRevision", m.arn("ecs", "task-definition/"+family))
		set("revision", 1)
	case "aws:ecs/capacityProvider:CapacityProvider":
		id = m.arn("ecs", "capacity-provider/"+name)
		set("arn", id)
	case "aws:ecr/repository:Repository":
		set("arn", m.arn("ecr", "repository/"+name))
		set("registryId", m.opts.Account)
		set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.%s/%s", m.opts.Account, m.region, dns, name))
	case "aws:s3/bucketV2:BucketV2":
		b := str(in, "bucket")
		id = b
		part, _ := partition(m.region)
		set("arn", fmt.Sprintf("arn:%s:s3:::%s", part, b))
		set("bucketDomainName", b+".s3."+dns)
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.%s", b, m.region, dns))
	case "aws:s3/bucketObjectv2:BucketObjectv2":
		id = str(in, "key")
		set("etag", fakeHex(seed, 32))
	case "aws:cloudfront/distribution:Distribution":
		id = "E" + strings.ToUpper(fakeHex(seed, 13))
		set("arn", m.globalARN("cloudfront", "distribution/"+id))
		set("domainName", "d"+fakeHex(seed, 13)+".cloudfront.net")
		set("hostedZoneId", "Z2FDTNDATAQYW2")
		set("status", "Deployed")
	case "aws:cloudfront/originAccessControl:OriginAccessControl":
		id = "E" + strings.ToUpper(fakeHex(seed, 13))
	case "aws:rds/instance:Instance":
		ident := str(in, "identifier")
		id = "db-" + strings.ToUpper(fakeHex(seed, 26))
		host := fmt.Sprintf("%s.c%s.%s.rds.%s", ident, fakeHex(seed, 11), m.region, dns)
		port := 0
		if v, ok := in["port"]; ok && v.IsNumber() {
			port = int(v.NumberValue())
		}
		set("arn", m.arn("rds", "db:"+ident))
		set("address", host)
		set("endpoint", fmt.Sprintf("%s:%d", host, port))
		set("masterUserSecrets", []any{map[string]any{
			"secretArn":    m.arn("secretsmanager", "secret:rds!db-"+fakeUUID(seed)+"-"+fakeHex(seed+"s", 6)),
			"secretStatus": "active",
		}})
	case "aws:rds/subnetGroup:SubnetGroup":
		set("arn", m.arn("rds", "subgrp:"+name))
	case "aws:iam/role:Role":
		set("arn", m.globalARN("iam", "role/"+name))
		set("uniqueId", "AROA"+strings.ToUpper(fakeHex(seed, 17)))
	case "aws:iam/instanceProfile:InstanceProfile":
		set("arn", m.globalARN("iam", "instance-profile/"+name))
	case "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
		id = args.Name
	case "aws:cloudwatch/logGroup:LogGroup":
		set("arn", m.arn("logs", "log-group:"+name))
	case "aws:servicediscovery/httpNamespace:HttpNamespace":
		id = "ns-" + fakeHex(seed, 16)
		set("arn", m.arn("servicediscovery", "namespace/"+id))
	case "aws:autoscaling/group:Group":
		set("arn", m.arn("autoscaling", "autoScalingGroup:"+fakeUUID(seed)+":autoScalingGroupName/"+name))
	case "aws:codeconnections/connection:Connection":
		id = m.arn("codeconnections", "connection/"+fakeUUID(seed))
		set("arn", id)
		set("connectionStatus", "PENDING")
	case "aws:codebuild/project:Project":
		set("arn", m.arn("codebuild", "project/"+name))
	case "aws:codepipeline/pipeline:Pipeline":
		set("arn", m.arn("codepipeline", name))
	case "aws:codedeploy/application:Application":
		set("arn", m.arn("codedeploy", "application:"+name))
		set("applicationId", fakeUUID(seed))
	case "aws:codedeploy/deploymentGroup:DeploymentGroup":
		group := str(in, "deploymentGroupName")
		id = str(in, "appName") + ":" + group
		set("arn", m.arn("codedeploy", "deploymentgroup:"+str(in, "appName")+"/"+group))
		set("deploymentGroupId", fakeUUID(seed))
	case "aws:efs/fileSystem:FileSystem":
		id = "fs-" + fakeHex(seed, 17)
		set("arn", m.arn("elasticfilesystem", "file-system/"+id))
		set("dnsName", id+".efs."+m.region+"."+dns)
	case "aws:efs/accessPoint:AccessPoint":
		id = "fsap-" + fakeHex(seed, 17)
		set("arn", m.arn("elasticfilesystem", "access-point/"+id))
	case "aws:efs/mountTarget:MountTarget":
		id = "fsmt-" + fakeHex(seed, 17)
	case "aws:ssm/parameter:Parameter":
		set("arn", m.arn("ssm", "parameter"+name))
	case "aws:appautoscaling/target:Target":
		id = str(in, "resourceId")
		set("arn", m.arn("application-autoscaling", "scalable-target/"+fakeHex(seed, 28)))
	case "aws:appautoscaling/policy:Policy":
		set("arn", m.arn("autoscaling", "scalingPolicy:"+fakeUUID(seed)+":resource/ecs/"+str(in, "resourceId")+":policyName/"+name))
	case "aws:route53/record:Record":
		id = str(in, "zoneId") + "_" + name + "_" + str(in, "type")
		set("fqdn", name)
	}
	if !args.Custom && !strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		id = ""
	}
	return id, out, nil
}

// Call answers the lookups the program makes.
func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	part, dns := partition(m.region)
	var out map[string]any
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out = map[string]any{
			"accountId": m.opts.Account, "id": m.opts.Account, "userId": "AIDAOFFLINEPLAN",
			"arn": m.globalARN("iam", "user/ecsdeck-offline-plan"),
		}
	case "aws:index/getPartition:getPartition":
		out = map[string]any{"partition": part, "dnsSuffix": dns, "id": part, "reverseDnsPrefix": "com.amazonaws"}
	case "aws:index/getRegion:getRegion":
		out = map[string]any{"name": m.region, "id": m.region, "endpoint": "ec2." + m.region + "." + dns}
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		ids := make([]any, len(m.opts.Zones))
		zones := make([]any, len(m.opts.Zones))
		for i, z := range m.opts.Zones {
			zones[i] = z
			ids[i] = fmt.Sprintf("%s-az%d", strings.ReplaceAll(m.region, "-", ""), i+1)
		}
		out = map[string]any{"names": zones, "zoneIds": ids, "id": m.region, "state": "available"}
	case "aws:ssm/getParameter:getParameter":
		name := str(args.Args, "name")
		out = map[string]any{
			"name": name, "id": name, "type": "String", "version": 1,
			"value": "ami-" + fakeHex(m.region+name, 17), "insecureValue": "",
			"arn": m.arn("ssm", "parameter"+name),
		}
	case "aws:lb/getLoadBalancer:getLoadBalancer":
		arn := str(args.Args, "arn")
		parts := strings.Split(arn, "/")
		name := "existing"
		if len(parts) >= 3 {
			name = parts[len(parts)-2]
		}
		out = map[string]any{
			"arn": arn, "id": arn, "name": name, "loadBalancerType": "application",
			"securityGroups": []any{"sg-" + fakeHex(arn+"sg", 17)},
			"dnsName":        fmt.Sprintf("%s-%s.%s.elb.%s", name, fakeHex(arn, 10), m.region, dns),
			"zoneId":         "Z1H1FL5HABSF5",
		}
	case "aws:lb/getTargetGroup:getTargetGroup":
		arn := str(args.Args, "arn")
		lbs := []any{}
		attached, ok := m.opts.TargetGroupLoadBalancers[arn]
		if !ok && m.existingLB != "" {
			attached = []string{m.existingLB}
		}
		for _, l := range attached {
			lbs = append(lbs, l)
		}
		name := ""
		if parts := strings.Split(arn, "/"); len(parts) >= 3 {
			name = parts[1]
		}
		out = map[string]any{"arn": arn, "id": arn, "name": name, "loadBalancerArns": lbs,
			"port": 80, "protocol": "HTTP", "targetType": "ip"}
	case "aws:ec2/getVpc:getVpc":
		id := str(args.Args, "id")
		out = map[string]any{"id": id, "cidrBlock": "10.0.0.0/16", "arn": m.arn("ec2", "vpc/"+id), "state": "available"}
	default:
		return nil, fmt.Errorf("the offline plan has no answer for the lookup %s", args.Token)
	}
	return resource.NewPropertyMapFromMap(out), nil
}

// NewMocks returns the offline plan's answers to resource registrations
// and lookups for one stack and region: plausible ids and the outputs AWS
// would compute. Test doubles of the AWS provider answer with them too.
func NewMocks(stack, region string, opts Options) pulumi.MockResourceMonitor {
	if opts.Account == "" {
		opts.Account = DefaultAccount
	}
	if len(opts.Zones) == 0 {
		opts.Zones = []string{region + "a", region + "b", region + "c"}
	}
	return &mocks{stack: stack, region: region, opts: opts, byURN: map[string]*Resource{}}
}

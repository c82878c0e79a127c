package program

import (
	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// fileSystem is the EFS volume of a tier: the one the answers name, or one
// ecsdeck creates.
type fileSystem struct {
	ID          pulumi.StringOutput
	ARN         pulumi.StringOutput
	AccessPoint pulumi.StringOutput // empty for a given file system
}

// EFSRoot is the directory of a created file system that the tasks mount.
const EFSRoot = "/data"

// newFileSystem returns a tier's EFS volume. Without an efsId it creates an
// encrypted file system, a mount target in each task subnet, an access point
// and a security group that admits NFS from the tasks only. NOTE: the file
// system outlives the platform (RetainOnDelete) unless the answers ask for
// volume.deleteOnDestroy: its data is what a volume of kind efs is for.
func (p *platform) newFileSystem(c *Service, r profiles.Role, net *Network) (*fileSystem, error) {
	vol := p.service(r).Volume
	if vol.EFSID != "" {
		return &fileSystem{
			ID:          pulumi.String(vol.EFSID).ToStringOutput(),
			ARN:         pulumi.String(p.n.arn("elasticfilesystem", "file-system/"+vol.EFSID)).ToStringOutput(),
			AccessPoint: pulumi.String("").ToStringOutput(),
		}, nil
	}
	opt := pulumi.Parent(c)
	name := p.n.of(string(r), "data")
	fs, err := efs.NewFileSystem(p.ctx, string(r)+"-file-system", &efs.FileSystemArgs{
		Encrypted:      pulumi.Bool(true),
		ThroughputMode: pulumi.String("elastic"),
		Tags:           p.tags(name),
	}, opt, pulumi.RetainOnDelete(!vol.DeleteOnDestroy))
	if err != nil {
		return nil, err
	}
	sgName := p.n.securityGroup(string(r) + "-efs")
	sg, err := ec2.NewSecurityGroup(p.ctx, string(r)+"-efs-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(sgName),
		Description: pulumi.String("ecsdeck " + p.n.prefix + ": NFS of the " + string(r) + " file system"),
		VpcId:       net.VPCID,
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(2049), ToPort: pulumi.Int(2049),
			SecurityGroups: pulumi.StringArray{net.TasksSG},
			Description:    pulumi.String("NFS from the tasks only"),
		}},
		Tags: p.tags(sgName),
	}, opt)
	if err != nil {
		return nil, err
	}
	subnets := 2
	if !p.spec.CreatesVPC() {
		subnets = len(p.spec.Network.SubnetIDs)
	}
	var targets []pulumi.Resource
	for i := 0; i < subnets; i++ {
		mt, err := efs.NewMountTarget(p.ctx, string(r)+"-mount-"+itoa(i+1), &efs.MountTargetArgs{
			FileSystemId:   fs.ID(),
			SubnetId:       net.PublicSubnetIDs.Index(pulumi.Int(i)),
			SecurityGroups: pulumi.StringArray{sg.ID()},
		}, opt)
		if err != nil {
			return nil, err
		}
		targets = append(targets, mt)
	}
	ap, err := efs.NewAccessPoint(p.ctx, string(r)+"-access-point", &efs.AccessPointArgs{
		FileSystemId: fs.ID(),
		RootDirectory: &efs.AccessPointRootDirectoryArgs{
			Path: pulumi.String(EFSRoot),
			CreationInfo: &efs.AccessPointRootDirectoryCreationInfoArgs{
				OwnerUid: pulumi.Int(0), OwnerGid: pulumi.Int(0), Permissions: pulumi.String("755"),
			},
		},
		Tags: p.tags(name),
	}, opt, pulumi.DependsOn(targets))
	if err != nil {
		return nil, err
	}
	return &fileSystem{ID: fs.ID().ToStringOutput(), ARN: fs.Arn, AccessPoint: ap.ID().ToStringOutput()}, nil
}

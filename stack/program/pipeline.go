package program

import (
	"fmt"
	"strconv"
	"strings"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codepipeline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Pipeline is one tier's release path: CodePipeline V2 from the repository
// (Source), through CodeBuild (Build), to ECS or CodeDeploy (Deploy); a
// static site deploys in its build.
type Pipeline struct {
	pulumi.ResourceState

	Role          profiles.Role
	Name          pulumi.StringOutput
	BuildProject  pulumi.StringOutput
	BuildLogGroup string
}

type pipelineDeps struct {
	src      *Source
	cfg      *Config
	reg      *Registry
	cluster  *Cluster
	service  *Service  // nil for a static site
	frontend *Frontend // the static site, for its pipeline
}

// buildImages are the CodeBuild images by architecture.
var buildImages = map[profiles.Architecture][2]string{
	profiles.ArchX86: {"aws/codebuild/amazonlinux-x86_64-standard:5.0", "LINUX_CONTAINER"},
	profiles.ArchARM: {"aws/codebuild/amazonlinux-aarch64-standard:3.0", "ARM_CONTAINER"},
}

func (p *platform) newPipeline(r profiles.Role, d pipelineDeps) (*Pipeline, error) {
	s := p.spec
	svc := p.service(r)
	name := p.n.service(r)
	site := r == profiles.RoleFrontend && s.FrontendOnS3()
	c := &Pipeline{Role: r, BuildLogGroup: "/aws/codebuild/" + name}
	if err := p.component(TypePipeline, string(r)+"-pipeline", c); err != nil {
		return nil, err
	}
	opt := pulumi.Parent(c)
	if _, err := p.logGroup(c, string(r)+"-build-logs", c.BuildLogGroup); err != nil {
		return nil, err
	}
	spec, err := Buildspec(s, r)
	if err != nil {
		return nil, err
	}

	env := codebuild.ProjectEnvironmentEnvironmentVariableArray{}
	setEnv := func(k string, v pulumi.StringInput) {
		env = append(env, &codebuild.ProjectEnvironmentEnvironmentVariableArgs{Name: pulumi.String(k), Value: v, Type: pulumi.String("PLAINTEXT")})
	}
	if svc.SSMPath != "" {
		setEnv(EnvSSMPath, pulumi.String(svc.SSMPath))
	}
	buildStmts := []statement{
		{Sid: "WriteBuildLogs", Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []pulumi.StringInput{p.logGroupARN(c.BuildLogGroup)}},
		{Sid: "PipelineArtifacts", Actions: []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, Resources: []pulumi.StringInput{d.cfg.artifacts(p, r)}},
		{Sid: "ArtifactsBucket", Actions: []string{"s3:GetBucketAcl", "s3:GetBucketLocation"}, Resources: []pulumi.StringInput{d.cfg.BucketARN}},
	}
	if svc.SSMPath != "" {
		buildStmts = append(buildStmts, statement{Sid: "ReadSettings", Actions: []string{"ssm:GetParametersByPath"},
			Resources: strs(p.n.arn("ssm", "parameter"+svc.SSMPath), p.n.arn("ssm", "parameter"+svc.SSMPath+"/*"))})
	}
	image := buildImages[s.Architecture]
	privileged := true
	if site {
		image, privileged = buildImages[profiles.ArchX86], false
		setEnv(EnvFrontendBucket, d.frontend.Bucket)
		setEnv(EnvDistributionID, d.frontend.DistributionID)
		setEnv(EnvOutputDir, pulumi.String(s.Frontend.Build.OutputDir))
		buildStmts = append(buildStmts,
			statement{Sid: "ListSite", Actions: []string{"s3:ListBucket"}, Resources: []pulumi.StringInput{d.frontend.BucketARN}},
			statement{Sid: "PublishSite", Actions: []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, Resources: []pulumi.StringInput{pulumi.Sprintf("%s/*", d.frontend.BucketARN)}},
			statement{Sid: "InvalidateCache", Actions: []string{"cloudfront:CreateInvalidation"}, Resources: []pulumi.StringInput{d.frontend.DistributionARN}},
		)
	} else {
		repos := []pulumi.StringInput{}
		app := d.reg.repo(r, "")
		setEnv(EnvAppRepository, app.RepositoryUrl)
		repos = append(repos, app.Arn)
		if ngx := d.reg.repo(r, NginxContainer); ngx != nil {
			setEnv(EnvNginxRepository, ngx.RepositoryUrl)
			repos = append(repos, ngx.Arn)
			if svc.Nginx.Config == profiles.NginxRepository {
				setEnv(EnvNginxConfigPath, pulumi.String(svc.Nginx.ConfigPath))
			} else {
				setEnv(EnvNginxConf, pulumi.String(NginxConfig(svc.Port, p.bridge())))
			}
		}
		if key, ok := d.cfg.envKeys[r]; ok && svc.SSMPath != "" {
			setEnv(EnvArtifactsBucket, d.cfg.Bucket)
			setEnv(EnvEnvObjectKey, pulumi.String(key))
			buildStmts = append(buildStmts, statement{Sid: "WriteEnvironmentFile", Actions: []string{"s3:PutObject"}, Resources: []pulumi.StringInput{pulumi.Sprintf("%s/%s", d.cfg.BucketARN, key)}})
		}
		buildStmts = append(buildStmts,
			statement{Sid: "RegistryLogin", Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []pulumi.StringInput{anyResource}},
			statement{Sid: "PushImages", Actions: []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}, Resources: repos},
		)
		if p.blueGreen(r) {
			setEnv(EnvTaskFamily, pulumi.String(d.service.TaskFamily))
			if !p.bridge() {
				setEnv(EnvTaskSubnets, quotedIDs(d.service.Subnets))
				setEnv(EnvTaskSecurityGroups, quotedIDs(d.service.SecurityGroups))
			}
			if svc.TaskDefinitionFile != "" {
				setEnv(EnvTaskDefFile, pulumi.String(svc.TaskDefinitionFile))
			} else {
				buildStmts = append(buildStmts, statement{Sid: "ReadTaskDefinition", Actions: []string{"ecs:DescribeTaskDefinition"}, Resources: []pulumi.StringInput{anyResource}})
			}
		}
	}
	buildRole, err := p.role(c, roleSpec{
		logical: string(r) + "-build-role", name: p.n.global(string(r), "build"), service: "codebuild",
		desc: "ecsdeck " + p.n.prefix + ": CodeBuild builds the " + string(r), statements: buildStmts,
	})
	if err != nil {
		return nil, err
	}
	project, err := codebuild.NewProject(p.ctx, string(r)+"-build", &codebuild.ProjectArgs{
		Name:         pulumi.String(name),
		Description:  pulumi.String("ecsdeck " + p.n.prefix + ": builds the " + string(r)),
		ServiceRole:  buildRole.Arn,
		BuildTimeout: pulumi.Int(s.Pipeline.BuildTimeoutMinutes),
		Source:       &codebuild.ProjectSourceArgs{Type: pulumi.String("CODEPIPELINE"), Buildspec: pulumi.String(spec)},
		Artifacts:    &codebuild.ProjectArtifactsArgs{Type: pulumi.String("CODEPIPELINE")},
		Environment: &codebuild.ProjectEnvironmentArgs{
			ComputeType:          pulumi.String(s.Pipeline.BuildComputeType),
			Image:                pulumi.String(image[0]),
			Type:                 pulumi.String(image[1]),
			PrivilegedMode:       pulumi.Bool(privileged),
			EnvironmentVariables: env,
		},
		LogsConfig: &codebuild.ProjectLogsConfigArgs{CloudwatchLogs: &codebuild.ProjectLogsConfigCloudwatchLogsArgs{
			Status: pulumi.String("ENABLED"), GroupName: pulumi.String(c.BuildLogGroup),
		}},
		Tags: p.tags(name),
	}, opt, buildRole.ready())
	if err != nil {
		return nil, err
	}
	c.BuildProject = project.Name

	conn := d.src.arn(svc.Repository.Provider)
	pipeStmts := []statement{
		{Sid: "PipelineArtifacts", Actions: []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, Resources: []pulumi.StringInput{d.cfg.artifacts(p, r)}},
		{Sid: "ArtifactsBucket", Actions: []string{"s3:GetBucketLocation", "s3:GetBucketVersioning"}, Resources: []pulumi.StringInput{d.cfg.BucketARN}},
		{Sid: "ReadSource", Actions: []string{"codeconnections:UseConnection", "codestar-connections:UseConnection"}, Resources: []pulumi.StringInput{conn}},
		{Sid: "RunBuild", Actions: []string{"codebuild:BatchGetBuilds", "codebuild:StartBuild"}, Resources: []pulumi.StringInput{project.Arn}},
	}
	stages := codepipeline.PipelineStageArray{
		&codepipeline.PipelineStageArgs{Name: pulumi.String("Source"), Actions: codepipeline.PipelineStageActionArray{&codepipeline.PipelineStageActionArgs{
			Name: pulumi.String("Source"), Category: pulumi.String("Source"), Owner: pulumi.String("AWS"),
			Provider: pulumi.String("CodeStarSourceConnection"), Version: pulumi.String("1"),
			OutputArtifacts: pulumi.ToStringArray([]string{"source"}),
			Configuration: pulumi.StringMap{
				"ConnectionArn":        conn,
				"FullRepositoryId":     pulumi.String(svc.Repository.Name),
				"BranchName":           pulumi.String(svc.Repository.Branch),
				"DetectChanges":        pulumi.String("true"),
				"OutputArtifactFormat": pulumi.String("CODE_ZIP"),
			},
		}}},
	}
	buildAction := &codepipeline.PipelineStageActionArgs{
		Name: pulumi.String("Build"), Category: pulumi.String("Build"), Owner: pulumi.String("AWS"),
		Provider: pulumi.String("CodeBuild"), Version: pulumi.String("1"),
		InputArtifacts: pulumi.ToStringArray([]string{"source"}),
		Configuration:  pulumi.StringMap{"ProjectName": project.Name},
	}
	if !site {
		buildAction.OutputArtifacts = pulumi.ToStringArray([]string{"build"})
	}
	stages = append(stages, &codepipeline.PipelineStageArgs{Name: pulumi.String("Build"), Actions: codepipeline.PipelineStageActionArray{buildAction}})
	if !site {
		deploy, stmts := p.deployAction(r, d)
		pipeStmts = append(pipeStmts, stmts...)
		stages = append(stages, &codepipeline.PipelineStageArgs{Name: pulumi.String("Deploy"), Actions: codepipeline.PipelineStageActionArray{deploy}})
	}
	pipeRole, err := p.role(c, roleSpec{
		logical: string(r) + "-pipeline-role", name: p.n.global(string(r), "pipeline"), service: "codepipeline",
		desc: "ecsdeck " + p.n.prefix + ": CodePipeline releases the " + string(r), statements: pipeStmts,
	})
	if err != nil {
		return nil, err
	}
	pl, err := codepipeline.NewPipeline(p.ctx, string(r)+"-codepipeline", &codepipeline.PipelineArgs{
		Name:          pulumi.String(p.n.pipeline(r)),
		PipelineType:  pulumi.String("V2"),
		ExecutionMode: pulumi.String("QUEUED"),
		RoleArn:       pipeRole.Arn,
		ArtifactStores: codepipeline.PipelineArtifactStoreArray{&codepipeline.PipelineArtifactStoreArgs{
			Type: pulumi.String("S3"), Location: d.cfg.Bucket,
		}},
		Stages: stages,
		Tags:   p.tags(name),
	}, opt, pipeRole.ready())
	if err != nil {
		return nil, err
	}
	c.Name = pl.Name
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"name": c.Name, "buildProject": c.BuildProject})
}

// deployAction is a tier's Deploy action (ECS rolling, or CodeDeployToECS
// blue/green) and what the pipeline's role needs for it.
func (p *platform) deployAction(r profiles.Role, d pipelineDeps) (*codepipeline.PipelineStageActionArgs, []statement) {
	s := p.spec
	svc := d.service
	name := p.n.service(r)
	taskDefs := p.n.arn("ecs", "task-definition/"+svc.TaskFamily+":*")
	stmts := []statement{
		{Sid: "ReadTaskDefinition", Actions: []string{"ecs:DescribeTaskDefinition"}, Resources: []pulumi.StringInput{anyResource}},
		{Sid: "RegisterTaskDefinition", Actions: []string{"ecs:RegisterTaskDefinition", "ecs:TagResource"}, Resources: strs(taskDefs)},
		passRole("ecs-tasks.amazonaws.com", svc.ExecRoleARN, svc.TaskRoleARN),
	}
	action := &codepipeline.PipelineStageActionArgs{
		Name: pulumi.String("Deploy"), Category: pulumi.String("Deploy"), Owner: pulumi.String("AWS"),
		Version: pulumi.String("1"), InputArtifacts: pulumi.ToStringArray([]string{"build"}),
	}
	if p.blueGreen(r) {
		action.Provider = pulumi.String("CodeDeployToECS")
		action.Configuration = pulumi.StringMap{
			"ApplicationName":                svc.CodeDeployApp,
			"DeploymentGroupName":            svc.CodeDeployGroup,
			"TaskDefinitionTemplateArtifact": pulumi.String("build"),
			"TaskDefinitionTemplatePath":     pulumi.String(TaskDefFile),
			"AppSpecTemplateArtifact":        pulumi.String("build"),
			"AppSpecTemplatePath":            pulumi.String(AppSpecFile),
			"Image1ArtifactName":             pulumi.String("build"),
			"Image1ContainerName":            pulumi.String("IMAGE1_NAME"),
		}
		stmts = append(stmts,
			statement{Sid: "Deploy", Actions: []string{"codedeploy:CreateDeployment", "codedeploy:GetDeployment"},
				Resources: strs(p.n.arn("codedeploy", fmt.Sprintf("deploymentgroup:%s/%s", name, name)))},
			statement{Sid: "DeployRevision", Actions: []string{"codedeploy:GetApplication", "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"},
				Resources: strs(p.n.arn("codedeploy", "application:"+name))},
			statement{Sid: "DeployConfig", Actions: []string{"codedeploy:GetDeploymentConfig"},
				Resources: strs(p.n.arn("codedeploy", "deploymentconfig:"+s.Pipeline.CodeDeployConfig))},
		)
		return action, stmts
	}
	action.Provider = pulumi.String("ECS")
	action.Configuration = pulumi.StringMap{
		"ClusterName":       d.cluster.Name,
		"ServiceName":       svc.Name,
		"FileName":          pulumi.String(ImageDefinitionsFile),
		"DeploymentTimeout": pulumi.String("30"),
	}
	cluster := p.n.arn("ecs", "cluster/"+p.n.cluster())
	stmts = append(stmts,
		statement{Sid: "UpdateService", Actions: []string{"ecs:DescribeServices", "ecs:UpdateService"}, Resources: strs(p.n.arn("ecs", "service/"+p.n.cluster()+"/"+name))},
		statement{Sid: "WatchTasks", Actions: []string{"ecs:DescribeTasks"}, Resources: strs(p.n.arn("ecs", "task/"+p.n.cluster()+"/*"))},
		// NOTE: ListTasks names no task; AWS scopes it by the cluster condition.
		statement{Sid: "ListTasks", Actions: []string{"ecs:ListTasks"}, Resources: []pulumi.StringInput{anyResource},
			Condition: map[string]map[string]any{"ArnEquals": {"ecs:cluster": cluster}}},
	)
	if svc.VolumeRoleARN != nil {
		// NOTE: UpdateService hands the service's EBS volume role to ECS
		// again with each new task definition.
		pr := passRole("ecs.amazonaws.com", svc.VolumeRoleARN)
		pr.Sid = "PassVolumeRole"
		stmts = append(stmts, pr)
	}
	return action, stmts
}

// quotedIDs renders ids as the items of a YAML flow sequence: "a","b".
func quotedIDs(ids pulumi.StringArrayOutput) pulumi.StringOutput {
	return ids.ApplyT(func(ids []string) string {
		q := make([]string, len(ids))
		for i, id := range ids {
			q[i] = strconv.Quote(id)
		}
		return strings.Join(q, ",")
	}).(pulumi.StringOutput)
}

package program

import (
	"fmt"
	"strings"

	"ecsdeck/profiles"

	"gopkg.in/yaml.v3"
)

// Environment variables the CodeBuild project of a tier sets; the buildspec
// refers to them, so it depends on the Spec alone.
const (
	EnvAppRepository   = "APP_REPOSITORY_URI"
	EnvNginxRepository = "NGINX_REPOSITORY_URI"
	EnvArtifactsBucket = "ARTIFACTS_BUCKET"
	EnvEnvObjectKey    = "ENV_OBJECT_KEY"
	EnvSSMPath         = "SSM_PATH"
	EnvTaskFamily      = "TASK_FAMILY"
	EnvNginxConf       = "NGINX_CONF"
	EnvNginxConfigPath = "NGINX_CONFIG_PATH"
	EnvTaskDefFile     = "TASK_DEFINITION_FILE"
	EnvFrontendBucket  = "FRONTEND_BUCKET"
	EnvDistributionID  = "DISTRIBUTION_ID"
	EnvOutputDir       = "OUTPUT_DIR"
)

// EnvTaskSubnets and EnvTaskSecurityGroups hold a blue/green awsvpc
// service's subnets and security groups as quoted, comma-separated ids, for
// its AppSpec.
const (
	EnvTaskSubnets        = "TASK_SUBNETS"
	EnvTaskSecurityGroups = "TASK_SECURITY_GROUPS"
)

// Artifacts a build hands to the deploy stage.
const (
	ImageDefinitionsFile = "imagedefinitions.json"
	TaskDefFile          = "taskdef.json"
	AppSpecFile          = "appspec.yaml"
	ImageDetailFile      = "imageDetail.json"
	// ImagePlaceholder is where CodeDeployToECS writes the new image.
	ImagePlaceholder = "<IMAGE1_NAME>"
)

// Scratch paths of a build, outside the source (and so outside any artifact).
const (
	nginxDir = "${TMPDIR:-/tmp}/nginx"
	envTmp   = "${TMPDIR:-/tmp}/service.env"
)

type buildspecDoc struct {
	Version   string         `yaml:"version"`
	Env       buildspecEnv   `yaml:"env"`
	Phases    buildspecPhase `yaml:"phases"`
	Artifacts *buildspecArts `yaml:"artifacts,omitempty"`
}

type buildspecEnv struct {
	Shell string `yaml:"shell"`
}

type buildspecPhase struct {
	PreBuild *commandList `yaml:"pre_build,omitempty"`
	Build    commandList  `yaml:"build"`
}

type commandList struct {
	Commands []string `yaml:"commands"`
}

type buildspecArts struct {
	Files []string `yaml:"files"`
}

// Buildspec is the CodeBuild buildspec of a tier's pipeline, generated from
// the Spec. An ECS tier builds and pushes its image (and its nginx image),
// writes its environment file from the SSM path into the artifacts bucket,
// and emits what the deploy needs: imagedefinitions.json for a rolling
// deploy; taskdef.json, appspec.yaml and imageDetail.json for blue/green.
// A static site is built, synced to its bucket and invalidated in CloudFront.
//
// Every step runs in the build phase: CodeBuild runs post_build even after
// a failed build, and nothing may be pushed or published then.
//
// CodeBuild runs each command as a script of its own: shell variables carry
// over to the next command, shell options do not. A command with a pipe
// therefore sets pipefail itself, so that a failed aws call fails its step
// instead of handing an empty file on.
func Buildspec(s *profiles.Spec, r profiles.Role) (string, error) {
	doc := buildspecDoc{Version: "0.2", Env: buildspecEnv{Shell: "bash"}}
	var pre []string
	var build []string
	svc := &s.Backend
	if r == profiles.RoleFrontend {
		svc = &s.Frontend.Service
	}
	blueGreen := s.BlueGreen()
	if w := s.Worker(r); w != nil {
		// NOTE: a worker has no target group to swap: it deploys rolling.
		svc, blueGreen = w.Service(), false
	}
	if r == profiles.RoleFrontend && s.FrontendOnS3() {
		if svc.SSMPath != "" {
			// The site's build reads its settings from a .env in the workspace.
			pre = append(pre, ssmToEnvFile(".env"))
		}
		build = append(build,
			s.Frontend.Build.Command,
			fmt.Sprintf(`aws s3 sync "$%s" "s3://$%s" --delete --only-show-errors`, EnvOutputDir, EnvFrontendBucket),
			fmt.Sprintf(`aws cloudfront create-invalidation --distribution-id "$%s" --paths '/*'`, EnvDistributionID),
		)
		doc.Phases = phases(pre, build)
		return marshalBuildspec(doc)
	}
	nginx := svc.Nginx.Enabled && svc.Nginx.Image == ""
	pre = append(pre,
		`IMAGE_TAG="$(printf '%s' "${CODEBUILD_RESOLVED_SOURCE_VERSION:-build-$CODEBUILD_BUILD_NUMBER}" | cut -c1-12)"`,
		fmt.Sprintf(pipefail+`aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "${%s%%%%/*}"`, EnvAppRepository),
	)
	build = append(build,
		fmt.Sprintf(`docker build --pull -t "$%[1]s:$IMAGE_TAG" -t "$%[1]s:latest" .`, EnvAppRepository),
	)
	if nginx {
		build = append(build, `mkdir -p "`+nginxDir+`"`)
		if svc.Nginx.Config == profiles.NginxRepository {
			build = append(build, fmt.Sprintf(`cp "$%s" "%s/default.conf"`, EnvNginxConfigPath, nginxDir))
		} else {
			build = append(build, fmt.Sprintf(`printf '%%s\n' "$%s" > "%s/default.conf"`, EnvNginxConf, nginxDir))
		}
		build = append(build,
			fmt.Sprintf(`printf 'FROM %s\nCOPY default.conf /etc/nginx/conf.d/default.conf\n' > "%s/Dockerfile"`, PublicNginxImage, nginxDir),
			fmt.Sprintf(`docker build --pull -t "$%[1]s:$IMAGE_TAG" -t "$%[1]s:latest" "%[2]s"`, EnvNginxRepository, nginxDir),
		)
	}
	build = append(build, fmt.Sprintf(`docker push --all-tags "$%s"`, EnvAppRepository))
	if nginx {
		build = append(build, fmt.Sprintf(`docker push --all-tags "$%s"`, EnvNginxRepository))
	}
	if svc.SSMPath != "" {
		build = append(build,
			ssmToEnvFile(`"`+envTmp+`"`),
			fmt.Sprintf(`aws s3 cp "%s" "s3://$%s/$%s" --sse AES256 --only-show-errors`, envTmp, EnvArtifactsBucket, EnvEnvObjectKey),
			`rm -f "`+envTmp+`"`,
		)
	}
	if blueGreen {
		build = append(build, blueGreenArtifacts(s, svc, nginx)...)
		doc.Artifacts = &buildspecArts{Files: []string{TaskDefFile, AppSpecFile, ImageDetailFile}}
	} else {
		defs := fmt.Sprintf(`{"name":"%s","imageUri":"%%s"}`, AppContainer)
		args := fmt.Sprintf(`"$%s:$IMAGE_TAG"`, EnvAppRepository)
		if nginx {
			defs += fmt.Sprintf(`,{"name":"%s","imageUri":"%%s"}`, NginxContainer)
			args += fmt.Sprintf(` "$%s:$IMAGE_TAG"`, EnvNginxRepository)
		}
		build = append(build, fmt.Sprintf(`printf '[%s]\n' %s > %s`, defs, args, ImageDefinitionsFile))
		doc.Artifacts = &buildspecArts{Files: []string{ImageDefinitionsFile}}
	}
	doc.Phases = phases(pre, build)
	return marshalBuildspec(doc)
}

// pipefail starts a command whose pipe must fail when any of its commands does.
const pipefail = "set -o pipefail; "

// phases lays out the commands, without an empty pre_build.
func phases(pre, build []string) buildspecPhase {
	ph := buildspecPhase{Build: commandList{build}}
	if len(pre) > 0 {
		ph.PreBuild = &commandList{pre}
	}
	return ph
}

// ssmToEnvFile writes every parameter under the tier's SSM path as NAME=value
// lines, decrypted, without echoing a value. A nested parameter keeps its
// path below the tier's, with _ for /: a/b becomes a_b. The build fails,
// naming the parameters, when a value holds a line break (an environment
// file has one line per variable) or when two parameters give one name.
func ssmToEnvFile(path string) string {
	return fmt.Sprintf(pipefail+`aws ssm get-parameters-by-path --path "$%s" --recursive --with-decryption --output json | jq -r --arg path "$%s" '%s' > %s`, EnvSSMPath, EnvSSMPath, envFileJQ, path)
}

// envFileJQ turns get-parameters-by-path's answer into an environment file.
const envFileJQ = `.Parameters | map(. + {key: (.Name | ltrimstr($path + "/") | gsub("/"; "_"))})` +
	` | (map(select(.Value | test("[\r\n]")) | .Name)) as $multi` +
	` | if ($multi | length) > 0 then error("SSM parameters with more than one line, which an environment file cannot hold (keep each value on one line): " + ($multi | join(", "))) else . end` +
	` | (group_by(.key) | map(select(length > 1) | map(.Name) | join(" and "))) as $clash` +
	` | if ($clash | length) > 0 then error("SSM parameters that give one variable name (rename one): " + ($clash | join("; "))) else . end` +
	` | .[] | "\(.key)=\(.Value)"`

// taskDefFields are the fields of a registered task definition that a new
// revision takes over; the rest (ARN, revision, status...) is read-only.
const taskDefFields = "family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities, cpu, memory, runtimePlatform, ephemeralStorage"

// blueGreenArtifacts writes taskdef.json (the application image replaced by
// the placeholder CodeDeployToECS fills), imageDetail.json and appspec.yaml.
func blueGreenArtifacts(s *profiles.Spec, svc *profiles.Service, nginx bool) []string {
	var out []string
	setImages := fmt.Sprintf(`.containerDefinitions |= map(if .name == "%s" then .image = "%s" else . end)`, AppContainer, ImagePlaceholder)
	jqArgs := ""
	if nginx {
		setImages += fmt.Sprintf(` | .containerDefinitions |= map(if .name == "%s" then .image = $nginx else . end)`, NginxContainer)
		jqArgs = fmt.Sprintf(` --arg nginx "$%s:$IMAGE_TAG"`, EnvNginxRepository)
	}
	if svc.TaskDefinitionFile != "" {
		out = append(out, fmt.Sprintf(`jq%s '%s' "$%s" > %s`, jqArgs, setImages, EnvTaskDefFile, TaskDefFile))
	} else {
		out = append(out, fmt.Sprintf(pipefail+`aws ecs describe-task-definition --task-definition "$%s" --query taskDefinition --output json | jq%s '{%s} | with_entries(select(.value != null)) | %s' > %s`,
			EnvTaskFamily, jqArgs, taskDefFields, setImages, TaskDefFile))
	}
	out = append(out,
		fmt.Sprintf(`printf '{"ImageURI":"%%s"}\n' "$%s:$IMAGE_TAG" > %s`, EnvAppRepository, ImageDetailFile),
		// NOTE: unquoted, so that the shell fills in the network ids.
		"cat > "+AppSpecFile+" <<APPSPEC\n"+AppSpec(s, svc)+"APPSPEC\n",
	)
	return out
}

// AppSpec is the CodeDeploy AppSpec of a blue/green ECS tier: the service's
// container and port behind the load balancer, its capacity strategy and, for
// awsvpc tasks, its network configuration, whose ids the build's shell fills
// in from EnvTaskSubnets and EnvTaskSecurityGroups. A release applies them:
// ECS refuses to change them on a CODE_DEPLOY service.
func AppSpec(s *profiles.Spec, svc *profiles.Service) string {
	container, port := AppContainer, svc.Port
	if svc.Nginx.Enabled {
		container, port = NginxContainer, 80
	}
	var b strings.Builder
	b.WriteString("version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n")
	b.WriteString("        TaskDefinition: <TASK_DEFINITION>\n")
	fmt.Fprintf(&b, "        LoadBalancerInfo:\n          ContainerName: %s\n          ContainerPort: %d\n", container, port)
	n := names{prefix: s.Prefix()}
	p := &platform{spec: s, n: n}
	b.WriteString("        CapacityProviderStrategy:\n")
	for _, it := range p.strategy() {
		fmt.Fprintf(&b, "          - CapacityProvider: %s\n            Base: %d\n            Weight: %d\n", it.Provider, it.Base, it.Weight)
	}
	if !p.bridge() {
		b.WriteString("        NetworkConfiguration:\n          AwsvpcConfiguration:\n")
		fmt.Fprintf(&b, "            Subnets: [${%s}]\n            SecurityGroups: [${%s}]\n", EnvTaskSubnets, EnvTaskSecurityGroups)
		b.WriteString("            AssignPublicIp: ENABLED\n")
	}
	return b.String()
}

func marshalBuildspec(doc buildspecDoc) (string, error) {
	b, err := yaml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("render buildspec: %w", err)
	}
	return string(b), nil
}

package program

import (
	"encoding/json"
	"fmt"
	"strings"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Container names of every task definition ecsdeck generates.
const (
	AppContainer   = "app"
	NginxContainer = "nginx"
	// PublicNginxImage runs nginx when no pipeline builds it and no image is given.
	PublicNginxImage = "public.ecr.aws/nginx/nginx:stable-alpine"
	// VolumeName is the name of a service's volume in its task definition.
	VolumeName = "data"
)

// nginxCommand writes the generated configuration, handed over in
// $NGINX_CONF, before nginx starts: a stock image needs no build.
const nginxCommand = `printf '%s\n' "$NGINX_CONF" > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'`

// NginxConfig is the generated default.conf: nginx on port 80 proxying to
// the application. In bridge mode the application is reached by its link
// name, else on localhost (awsvpc tasks share one network namespace).
func NginxConfig(appPort int, bridge bool) string {
	upstream := fmt.Sprintf("127.0.0.1:%d", appPort)
	if bridge {
		upstream = fmt.Sprintf("%s:%d", AppContainer, appPort)
	}
	return strings.Join([]string{
		"server {",
		"    listen 80 default_server;",
		"    server_name _;",
		"    client_max_body_size 25m;",
		"    location / {",
		"        proxy_pass http://" + upstream + ";",
		"        proxy_http_version 1.1;",
		"        proxy_set_header Host $host;",
		"        proxy_set_header X-Real-IP $remote_addr;",
		"        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
		"        proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;",
		"        proxy_set_header Upgrade $http_upgrade;",
		`        proxy_set_header Connection "upgrade";`,
		"        proxy_read_timeout 60s;",
		"    }",
		"}",
		"",
	}, "\n")
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type portMapping struct {
	Name          string `json:"name,omitempty"`
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
	AppProtocol   string `json:"appProtocol,omitempty"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type dependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

type envFile struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

// ContainerDefinition is the subset of an ECS container definition ecsdeck writes.
type ContainerDefinition struct {
	Name             string            `json:"name"`
	Image            string            `json:"image"`
	Essential        bool              `json:"essential"`
	PortMappings     []portMapping     `json:"portMappings,omitempty"`
	Environment      []nameValue       `json:"environment,omitempty"`
	EnvironmentFiles []envFile         `json:"environmentFiles,omitempty"`
	Secrets          []secretRef       `json:"secrets,omitempty"`
	EntryPoint       []string          `json:"entryPoint,omitempty"`
	Command          []string          `json:"command,omitempty"`
	Links            []string          `json:"links,omitempty"`
	DependsOn        []dependency      `json:"dependsOn,omitempty"`
	MountPoints      []mountPoint      `json:"mountPoints,omitempty"`
	LogConfiguration *logConfiguration `json:"logConfiguration,omitempty"`
	LinuxParameters  map[string]any    `json:"linuxParameters,omitempty"`
	StopTimeout      int               `json:"stopTimeout,omitempty"`
}

// taskValues are the resolved values a task definition refers to.
type taskValues struct {
	AppImage    string
	NginxImage  string
	EnvFileARN  string            // "" without an environment file
	DBHost      string            // "" without a database
	DBSecretARN string            // the managed master secret
	Params      map[string]string // placeholder name -> SSM parameter ARN, injected as secrets
}

// nginxFromEnv says whether nginx gets its generated configuration through
// the environment (a stock or given image) rather than baked into an image
// the pipeline builds.
func (p *platform) nginxFromEnv(r profiles.Role) bool {
	n := p.service(r).Nginx
	return n.Enabled && !p.buildsNginx(r)
}

// containers renders the container definitions of a tier's task.
func (p *platform) containers(r profiles.Role, v taskValues) (string, error) {
	s := p.spec
	svc := p.service(r)
	hostPort := func(port int) int {
		if p.bridge() {
			return 0 // a dynamic host port
		}
		return port
	}
	logs := func(prefix string) *logConfiguration {
		return &logConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group":         p.n.logGroup(string(r)),
			"awslogs-region":        s.Region,
			"awslogs-stream-prefix": prefix,
		}}
	}
	app := ContainerDefinition{
		Name:             AppContainer,
		Image:            v.AppImage,
		Essential:        true,
		LogConfiguration: logs(AppContainer),
		// NOTE: an init process reaps the ECS Exec agent's children.
		LinuxParameters: map[string]any{"initProcessEnabled": true},
	}
	if w := p.extra[r]; w != nil {
		app.Command = w.command // a worker or job takes no requests: no port
	} else {
		app.PortMappings = []portMapping{{
			Name: "app", ContainerPort: svc.Port, HostPort: hostPort(svc.Port), Protocol: "tcp", AppProtocol: "http",
		}}
	}
	for _, k := range sortedKeys(svc.Env) {
		app.Environment = append(app.Environment, nameValue{k, svc.Env[k]})
	}
	if v.DBHost != "" {
		d := s.Database
		app.Environment = append(app.Environment,
			nameValue{"DB_HOST", v.DBHost},
			nameValue{"DB_PORT", fmt.Sprint(d.Port)},
			nameValue{"DB_NAME", d.Name},
			nameValue{"DB_USER", d.Username},
		)
		// NOTE: the password comes from RDS's managed secret at task start;
		// it never appears in the task definition.
		app.Secrets = append(app.Secrets, secretRef{"DB_PASSWORD", v.DBSecretARN + ":password::"})
	}
	for _, k := range sortedKeys(v.Params) {
		app.Secrets = append(app.Secrets, secretRef{k, v.Params[k]})
	}
	if v.EnvFileARN != "" {
		app.EnvironmentFiles = []envFile{{Value: v.EnvFileARN, Type: "s3"}}
	}
	if svc.Volume.Kind != profiles.VolumeNone && svc.Volume.Kind != "" {
		app.MountPoints = []mountPoint{{SourceVolume: VolumeName, ContainerPath: svc.Volume.ContainerPath}}
	}
	defs := []ContainerDefinition{app}
	if w := p.extra[r]; w != nil && w.job != nil && w.job.TimeoutMinutes > 0 {
		defs = append(defs, deadlineContainer(w.job.TimeoutMinutes, logs(DeadlineContainer)))
	}
	if svc.Nginx.Enabled {
		ngx := ContainerDefinition{
			Name:             NginxContainer,
			Image:            v.NginxImage,
			Essential:        true,
			PortMappings:     []portMapping{{Name: "http", ContainerPort: 80, HostPort: hostPort(80), Protocol: "tcp", AppProtocol: "http"}},
			DependsOn:        []dependency{{ContainerName: AppContainer, Condition: "START"}},
			LogConfiguration: logs(NginxContainer),
		}
		if p.bridge() {
			ngx.Links = []string{AppContainer}
		}
		if p.nginxFromEnv(r) {
			ngx.Environment = []nameValue{{"NGINX_CONF", NginxConfig(svc.Port, p.bridge())}}
			ngx.EntryPoint = []string{"sh", "-c"}
			ngx.Command = []string{nginxCommand}
		}
		defs = append(defs, ngx)
	}
	b, err := json.Marshal(defs)
	return string(b), err
}

// taskDefinition registers a tier's task definition.
func (p *platform) taskDefinition(c pulumi.Resource, r profiles.Role, containers pulumi.StringOutput, execRole, taskRole pulumi.StringOutput, fs *fileSystem) (*ecs.TaskDefinition, error) {
	s := p.spec
	svc := p.service(r)
	args := &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(p.n.service(r)),
		ContainerDefinitions:    containers,
		Cpu:                     pulumi.String(fmt.Sprint(svc.CPU)),
		Memory:                  pulumi.String(fmt.Sprint(svc.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(cpuArchitecture(s.Architecture)),
		},
		ExecutionRoleArn: execRole,
		TaskRoleArn:      taskRole,
		Tags:             p.tags(p.n.service(r)),
	}
	if p.bridge() {
		args.NetworkMode = pulumi.String("bridge")
		args.RequiresCompatibilities = pulumi.ToStringArray([]string{"EC2"})
	}
	vol := svc.Volume
	switch vol.Kind {
	case profiles.VolumeEFS:
		auth := &ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs{Iam: pulumi.String("ENABLED")}
		if vol.EFSID == "" {
			auth.AccessPointId = fs.AccessPoint
		}
		args.Volumes = ecs.TaskDefinitionVolumeArray{&ecs.TaskDefinitionVolumeArgs{
			Name: pulumi.String(VolumeName),
			EfsVolumeConfiguration: &ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs{
				FileSystemId:        fs.ID,
				TransitEncryption:   pulumi.String("ENABLED"),
				AuthorizationConfig: auth,
			},
		}}
	case profiles.VolumeEBS:
		// NOTE: ECS creates the EBS volume at launch (the service's volume
		// configuration); the task definition only names it.
		args.Volumes = ecs.TaskDefinitionVolumeArray{&ecs.TaskDefinitionVolumeArgs{
			Name: pulumi.String(VolumeName), ConfigureAtLaunch: pulumi.Bool(true),
		}}
	case profiles.VolumeBind:
		args.Volumes = ecs.TaskDefinitionVolumeArray{&ecs.TaskDefinitionVolumeArgs{
			Name: pulumi.String(VolumeName), HostPath: pulumi.String(vol.HostPath),
		}}
	case profiles.VolumeEphemeral:
		args.Volumes = ecs.TaskDefinitionVolumeArray{&ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(VolumeName)}}
		if s.LaunchType == profiles.LaunchFargate && vol.SizeGiB > 0 {
			args.EphemeralStorage = &ecs.TaskDefinitionEphemeralStorageArgs{SizeInGib: pulumi.Int(vol.SizeGiB)}
		}
	}
	return ecs.NewTaskDefinition(p.ctx, string(r)+"-task-definition", args, pulumi.Parent(c))
}

func cpuArchitecture(a profiles.Architecture) string {
	if a == profiles.ArchARM {
		return "ARM64"
	}
	return "X86_64"
}

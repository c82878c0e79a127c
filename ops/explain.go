package ops

import (
	"fmt"
	"strings"
)

// ExplainStop says in plain words why a task stopped, from its stop code,
// stopped reason and containers' exit codes and reasons. It returns "" for
// a task that has not stopped.
func ExplainStop(t Task) string {
	if t.StopCode == "" && t.StoppedReason == "" && t.LastStatus != "STOPPED" {
		return ""
	}
	reason := t.StoppedReason
	texts := []string{reason}
	for _, c := range t.Containers {
		texts = append(texts, c.Reason)
	}
	has := func(subs ...string) (string, bool) {
		for i, text := range texts {
			for _, s := range subs {
				if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
					if i == 0 {
						return "", true
					}
					return t.Containers[i-1].Name, true
				}
			}
		}
		return "", false
	}
	of := func(container string) string {
		if container == "" {
			return ""
		}
		return " of container " + container
	}

	if c, ok := has("CannotPullContainerError", "pull image manifest", "failed to resolve ref", "ImagePull"); ok {
		return "the image" + of(c) + " could not be pulled: check that the image and tag exist, and that the task can reach the registry (NAT gateway or VPC endpoints) with an execution role allowed to pull it"
	}
	if _, ok := has("ResourceInitializationError"); ok {
		if _, secret := has("secret", "ssm", "parameter"); secret {
			return "a secret could not be fetched before the containers started: check that the SSM parameters or secrets exist, that the execution role may read them, and that the subnets reach SSM and Secrets Manager"
		}
		return "the task could not be prepared before its containers started (ResourceInitializationError): check the execution role and that the subnets reach ECR, CloudWatch Logs and SSM"
	}
	if c, ok := has("OutOfMemory", "OOM"); ok {
		return containerPhrase(c) + " ran out of memory and was killed: give the task or the container more memory"
	}
	if _, ok := has("ELB health check"); ok {
		return "the load balancer's health check failed: the application did not answer on its health check path and port within the grace period"
	}
	if _, ok := has("container health check"); ok {
		return "the container's own health check kept failing"
	}
	if c, ok := has("CannotStartContainerError"); ok {
		return containerPhrase(c) + " could not start: check its command, entry point and environment"
	}
	if _, ok := has("CannotCreateVolumeError", "mount.nfs", "EFS"); ok {
		return "a volume could not be mounted: check the EFS file system, its access point, mount targets and security groups"
	}
	switch t.StopCode {
	case "SpotInterruption":
		return "AWS reclaimed the Spot capacity it ran on (Spot interruption); the service starts a replacement"
	case "TerminationNotice":
		return "the host it ran on was being retired (termination notice); the service starts a replacement"
	case "InfrastructureHealth":
		return "ECS stopped it because the host it ran on became unhealthy"
	}
	if t.StopCode == "EssentialContainerExited" || strings.Contains(reason, "Essential container in task exited") {
		for _, c := range t.Containers {
			if c.ExitCode != nil && *c.ExitCode != 0 {
				return fmt.Sprintf("essential container %s exited with code %d: %s", c.Name, *c.ExitCode, exitMeaning(*c.ExitCode))
			}
		}
		for _, c := range t.Containers {
			if c.ExitCode != nil {
				return fmt.Sprintf("essential container %s exited with code 0: it finished, but a service's essential container must keep running", c.Name)
			}
		}
		return "an essential container exited, so ECS stopped the task: its logs say why"
	}
	switch t.StopCode {
	case "UserInitiated":
		if reason != "" && !strings.Contains(reason, "Task stopped by user") {
			return "stopped on request: " + reason
		}
		return "stopped on request (StopTask, by a person or a script)"
	case "ServiceSchedulerInitiated":
		if strings.Contains(strings.ToLower(reason), "deployment") {
			return "replaced by a newer task during a deployment"
		}
		if strings.Contains(strings.ToLower(reason), "scaling activity") || strings.Contains(strings.ToLower(reason), "scale") {
			return "stopped by ECS while scaling in"
		}
		return "stopped by the ECS service scheduler: " + reason
	case "TaskFailedToStart":
		return "the task failed to start: " + reason
	}
	return reason
}

func containerPhrase(name string) string {
	if name == "" {
		return "a container"
	}
	return "container " + name
}

func exitMeaning(code int32) string {
	switch code {
	case 1, 255:
		return "the application failed; its logs say why"
	case 126:
		return "the command is not executable"
	case 127:
		return "the command was not found in the image"
	case 137:
		return "it was killed (SIGKILL): out of memory, or it did not stop within the stop timeout"
	case 139:
		return "it crashed (segmentation fault)"
	case 143:
		return "it was terminated (SIGTERM) and did not handle it as a clean exit"
	}
	return "the application failed; its logs say why"
}

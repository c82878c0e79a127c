package profiles

import (
	"fmt"
	"strconv"
	"strings"
)

// InstanceSize is what an EC2 instance type has: vCPUs and memory, MiB.
type InstanceSize struct {
	VCPU      int
	MemoryMiB int
}

// burstable are the sizes of the t2, t3, t3a and t4g types: vCPUs (t3 and
// later) and memory, MiB.
var burstable = map[string]InstanceSize{
	"nano": {2, 512}, "micro": {2, 1024}, "small": {2, 2048}, "medium": {2, 4096},
	"large": {2, 8192}, "xlarge": {4, 16384}, "2xlarge": {8, 32768},
}

// memoryPerVCPU is the GiB per vCPU of the general purpose (m), compute (c)
// and memory (r) families.
var memoryPerVCPU = map[string]int{"m": 4, "c": 2, "r": 8}

// reFamily reads a type's class, generation, attributes and size:
// m7g.large, c6i.2xlarge, t3a.micro.
var reFamily = lazy(`^([mcrt])([0-9])(a|g|i|d|ad|gd|id)?\.([0-9]*)(nano|micro|small|medium|large|xlarge)$`)

// InstanceSizeOf reads the size of an instance type of the m, c, r and t
// families from its name (m7g.large: 2 vCPU and 8 GiB); ok is false for
// other families (c5n, x2, …) and sizes (metal), whose size ecsdeck does not
// know.
func InstanceSizeOf(instanceType string) (InstanceSize, bool) {
	m := reFamily().FindStringSubmatch(instanceType)
	if m == nil {
		return InstanceSize{}, false
	}
	class, gen, mult, size := m[1], m[2], m[4], m[5]
	if class == "t" {
		z, ok := burstable[mult+size]
		if ok && gen == "2" && (size == "nano" || size == "micro" || size == "small") {
			z.VCPU = 1
		}
		return z, ok
	}
	var vcpu int
	switch {
	case size == "medium" && mult == "":
		vcpu = 1
	case size == "large" && mult == "":
		vcpu = 2
	case size == "xlarge":
		n := 1
		if mult != "" {
			n, _ = strconv.Atoi(mult)
		}
		vcpu = 4 * n
	default:
		return InstanceSize{}, false
	}
	return InstanceSize{VCPU: vcpu, MemoryMiB: vcpu * memoryPerVCPU[class] * 1024}, true
}

// ForTasks is the room an instance of this size gives tasks: every vCPU,
// as 1,024 CPU units each, and its memory less what the operating system
// and the ECS agent keep (about 6 %, at least 256 MiB: what the
// ECS-optimized AMI does not register).
func (z InstanceSize) ForTasks() (cpuUnits, memoryMiB int) {
	return z.VCPU * 1024, z.MemoryMiB - max(256, z.MemoryMiB*6/100)
}

// EC2Fit is how the tasks of an EC2 cluster fit on its instances at their
// most: every service at its autoscaling maximum, on the Auto Scaling
// group's maximum of instances.
type EC2Fit struct {
	InstanceType string
	Instances    int
	// Need is what the tasks ask for; Have what the instances give them
	// (CPU units, memory MiB).
	NeedCPU, NeedMemoryMiB int
	HaveCPU, HaveMemoryMiB int
	// PerCPU and PerMemoryMiB are one instance's room for tasks.
	PerCPU, PerMemoryMiB int
	// TooBig are the tiers whose one task is larger than one instance.
	TooBig []TierService
}

// EC2Fit works out how the tasks fit on the instances; ok is false when
// the cluster is not on EC2 or its instance type's size is not known.
func (s *Spec) EC2Fit() (f EC2Fit, ok bool) {
	if s.LaunchType != LaunchEC2 {
		return EC2Fit{}, false
	}
	e := s.Capacity.EC2
	z, ok := InstanceSizeOf(e.InstanceType)
	if !ok {
		return EC2Fit{}, false
	}
	f = EC2Fit{InstanceType: e.InstanceType, Instances: max(e.Max, e.Desired, 0)}
	f.PerCPU, f.PerMemoryMiB = z.ForTasks()
	f.HaveCPU, f.HaveMemoryMiB = f.PerCPU*f.Instances, f.PerMemoryMiB*f.Instances
	all := s.Services()
	for i := range s.Jobs {
		// NOTE: a job counts as the one task a run starts.
		j := &s.Jobs[i]
		all = append(all, TierService{Role: Role(j.Name), Service: &Service{CPU: j.CPU, Memory: j.Memory, DesiredCount: 1}})
	}
	for _, t := range all {
		// NOTE: the task size is the task definition's, which nginx and any
		// other sidecar share; it is what ECS reserves on an instance.
		svc := t.Service
		n := max(svc.DesiredCount, svc.Autoscaling.Max, 0)
		f.NeedCPU += n * svc.CPU
		f.NeedMemoryMiB += n * svc.Memory
		if svc.CPU > f.PerCPU || svc.Memory > f.PerMemoryMiB {
			f.TooBig = append(f.TooBig, t)
		}
	}
	return f, true
}

// Fits says whether every task fits: each on one instance, and all of them
// on the instances together.
func (f EC2Fit) Fits() bool {
	return len(f.TooBig) == 0 && f.NeedCPU <= f.HaveCPU && f.NeedMemoryMiB <= f.HaveMemoryMiB
}

// Shortfall says why the tasks do not fit and what to change, or "" when
// they fit.
func (f EC2Fit) Shortfall() string {
	if f.Fits() {
		return ""
	}
	var why []string
	for _, t := range f.TooBig {
		why = append(why, fmt.Sprintf("one %s task (%s) is larger than one %s gives tasks (%s)",
			t.Role, units(t.Service.CPU, t.Service.Memory), f.InstanceType, units(f.PerCPU, f.PerMemoryMiB)))
	}
	if f.NeedCPU > f.HaveCPU || f.NeedMemoryMiB > f.HaveMemoryMiB {
		need := f.Instances
		if f.PerCPU > 0 && f.PerMemoryMiB > 0 {
			need = max(ceilDiv(f.NeedCPU, f.PerCPU), ceilDiv(f.NeedMemoryMiB, f.PerMemoryMiB))
		}
		why = append(why, fmt.Sprintf("at their autoscaling maximum the tasks need %s, and %d %s %s %s for tasks (about %d would)",
			units(f.NeedCPU, f.NeedMemoryMiB), f.Instances, f.InstanceType, plural(f.Instances, "instance gives", "instances give"),
			units(f.HaveCPU, f.HaveMemoryMiB), need))
	}
	return strings.Join(why, "; ") + ": ECS cannot place them all (choose a larger capacity.ec2.instanceType, raise capacity.ec2.max, or ask less of the services)"
}

// units renders CPU units and memory: "2 vCPU, 3.5 GiB".
func units(cpu, memMiB int) string {
	return fmt.Sprintf("%s vCPU, %s GiB", trimFloat(float64(cpu)/1024), trimFloat(float64(memMiB)/1024))
}

func trimFloat(v float64) string {
	return strconv.FormatFloat(float64(int(v*100+0.5))/100, 'f', -1, 64)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

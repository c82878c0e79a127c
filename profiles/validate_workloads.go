package profiles

import (
	"fmt"
	"strings"
	"time"
)

// MaxWorkloadNameLen bounds the name of a worker or job. NOTE: the longest
// name made from it is an IAM role, which AWS keeps to 64 characters:
// <prefix>-<region>-<name>-scheduler; with the longest prefix and region
// this leaves 17.
const MaxWorkloadNameLen = 17

// reservedNames are the names a worker or job may not take: the tiers', and
// the parts the platform already names after its prefix (the ECS Exec log
// group, the load balancer, the capacity provider, the task and database
// security groups).
var reservedNames = []string{"backend", "frontend", "exec", "alb", "ec2", "tasks", "db", "database", "lb", "artifacts", "site", "be", "fe", "jobs", "service-connect"}

// workloads checks the workers and the jobs: their names together, then
// each one's fields.
func (v *problems) workloads(s *Spec) {
	type named struct{ path, name string }
	var all []named
	for i := range s.Workers {
		all = append(all, named{fmt.Sprintf("workers[%d]", i), s.Workers[i].Name})
	}
	for i := range s.Jobs {
		all = append(all, named{fmt.Sprintf("jobs[%d]", i), s.Jobs[i].Name})
	}
	// NOTE: the tiers' names count too, whether or not the platform has
	// a frontend: their roles are named after them.
	seen := map[string]string{string(RoleBackend): "the backend", string(RoleFrontend): "the frontend"}
	for _, n := range all {
		p := n.path + ".name"
		if !v.ident(p, n.name) {
			continue
		}
		switch {
		case len(n.name) > MaxWorkloadNameLen:
			v.add(p, "%q is %d characters (at most %d: the IAM role names made from it must fit in 64)", n.name, len(n.name), MaxWorkloadNameLen)
		case n.name != string(RoleBackend) && n.name != string(RoleFrontend) && contains(reservedNames, n.name):
			v.add(p, "%q is a name the platform uses already (not %s)", n.name, oneOf(reservedNames))
		case seen[n.name] != "":
			v.add(p, "%q is taken by %s (names are unique among the tiers, workers and jobs)", n.name, seen[n.name])
		default:
			for other, at := range seen {
				if strings.HasPrefix(n.name, other+"-") || strings.HasPrefix(other, n.name+"-") {
					// NOTE: a tier's roles are matched by <name>-*, which
					// would take in the roles of <name>-<more>.
					v.add(p, "%q and %q (%s) start alike up to a dash, and the permissions of one would reach the other's roles (choose names that do not begin with another's name and a dash)", n.name, other, at)
					break
				}
			}
		}
		seen[n.name] = n.path
	}
	for i := range s.Workers {
		v.worker(s, fmt.Sprintf("workers[%d]", i), &s.Workers[i])
	}
	for i := range s.Jobs {
		v.job(s, fmt.Sprintf("jobs[%d]", i), &s.Jobs[i])
	}
	v.ssmPathsApart(s)
	v.artifactFoldersApart(s)
	if len(s.Workers) > MaxWorkers {
		v.add("workers", "%d workers (at most %d: each has two IAM roles, four with a pipeline, and an account has 1,000 roles by default)", len(s.Workers), MaxWorkers)
	}
	if len(s.Jobs) > MaxJobs {
		v.add("jobs", "%d jobs (at most %d: each has three IAM roles, and an account has 1,000 roles by default)", len(s.Jobs), MaxJobs)
	}
}

// MaxWorkers and MaxJobs bound the lists of one platform.
const (
	MaxWorkers = 50
	MaxJobs    = 50
)

// artifactFoldersApart refuses two pipelines whose artifact folders are the
// same (CodePipeline keeps a pipeline's artifacts under the first 20
// characters of its name): each service's roles are denied the others'
// folders, so two pipelines sharing one could not read their own.
func (v *problems) artifactFoldersApart(s *Spec) {
	type pipe struct{ path, role string }
	var all []pipe
	if s.Backend.Repository.Name != "" {
		all = append(all, pipe{"backend", string(RoleBackend)})
	}
	if (s.FrontendOnECS() || s.FrontendOnS3()) && s.Frontend.Repository.Name != "" {
		all = append(all, pipe{"frontend", string(RoleFrontend)})
	}
	for i, w := range s.Workers {
		if w.Repository.Name != "" && w.Name != "" {
			all = append(all, pipe{fmt.Sprintf("workers[%d]", i), w.Name})
		}
	}
	seen := map[string]pipe{}
	for _, p := range all {
		f := ArtifactFolder(s.Prefix(), Role(p.role))
		if o, ok := seen[f]; ok {
			v.add(p.path+".name", "%q shares its pipeline's artifact folder %q with %s's (CodePipeline keeps a pipeline's artifacts under the first %d characters of its name): choose a name that differs from %q within them", p.role, f, o.path, ArtifactFolderLen, o.role)
			continue
		}
		seen[f] = p
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v *problems) worker(s *Spec, p string, w *Worker) {
	v.image(p+".image", w.Image, "such as ghcr.io/org/worker:v1")
	if w.Image == "" && w.Repository.Name == "" {
		v.warn(p+".image", "empty, and %s.repository.name is empty: the worker waits for an image that another CI pushes to its ECR repository", p)
	}
	v.command(p, w.Command)
	v.sizes(s, p, w.CPU, w.Memory)
	v.between(p+".desiredCount", w.DesiredCount, 0, 5000, "")
	v.autoscaling(p, w.DesiredCount, w.Autoscaling)
	v.env(p, w.Env, "under "+p+".ssmPath", "SSM under ssmPath")
	v.ssm(s, p, w.Role(), w.SSMPath, w.SSMPlaceholders)
	if w.SSMPath != "" && w.Repository.Name == "" && len(w.SSMPlaceholders) == 0 && reSSMPath().MatchString(w.SSMPath) {
		v.add(p+".ssmPath", "set, but %[1]s.repository.name is empty and %[1]s.ssmPlaceholders names no parameter: without a pipeline no build writes the environment file, and ECS reads SSM parameters only by name (list the names in %[1]s.ssmPlaceholders to get them as secrets, or set %[1]s.repository)", p)
	}
	v.repository(p, w.Repository)
	v.databaseAccess(s, p, w.Database)
}

// databaseAccess checks a worker's or job's database choice.
func (v *problems) databaseAccess(s *Spec, p string, a DatabaseAccess) {
	if v.enum(p+".database", string(a), DatabaseAccess("").Values()) && a == DatabaseYes && !s.HasDatabase() {
		v.warn(p+".database", "yes, but the platform has no database (database.engine is %s)", orDefault(string(s.Database.Engine), "none"))
	}
}

func (v *problems) job(s *Spec, p string, j *Job) {
	sched, err := ParseSchedule(j.Schedule)
	switch {
	case strings.TrimSpace(j.Schedule) == "":
		v.add(p+".schedule", "missing (cron(0 3 * * ? *) for 03:00 every day, rate(1 hour), or at(2027-01-31T09:00:00) once)")
	case err != nil:
		v.add(p+".schedule", "%s", err.Error())
	}
	if j.Timezone != "" {
		if _, err := time.LoadLocation(j.Timezone); err != nil || j.Timezone == "Local" {
			v.add(p+".timezone", "%q is not an IANA time zone (such as UTC, Europe/Berlin or America/New_York)", j.Timezone)
		} else if sched != nil && sched.Kind == "rate" {
			v.warn(p+".timezone", "ignored: a rate() schedule counts from when it was created, in no time zone")
		}
	}
	if sched != nil && sched.Kind != "rate" {
		if _, ok := sched.Next(time.Now(), s.JobLocation(j)); !ok {
			why := "is in the past"
			if sched.Kind == "cron" {
				why = "matches no time from now to 2199 (a day the month does not have, a year gone)"
			}
			v.warn(p+".schedule", "%s %s: the job will not run on its own (ecsdeck jobs run %s runs it now)", j.Schedule, why, j.Name)
		}
	}
	v.image(p+".image", j.Image, "such as ghcr.io/org/report:v1")
	if j.Image == "" && s.Backend.Image == "" && s.Backend.Repository.Name == "" {
		v.add(p+".image", "empty, and the backend has neither an image nor a repository to take one from (set %s.image, backend.image or backend.repository)", p)
	}
	if len(j.Command) == 0 && j.Image == "" {
		v.warn(p+".command", "empty: the job runs the backend image's own command, which is usually the server, until %s.timeoutMinutes stops it (give the command the job runs)", p)
	}
	v.command(p, j.Command)
	v.sizes(s, p, j.CPU, j.Memory)
	v.between(p+".timeoutMinutes", j.TimeoutMinutes, 0, 10080, " minutes; 0: no limit")
	v.env(p, j.Env, "and read it in the job", "SSM")
	v.databaseAccess(s, p, j.Database)
}

// JobLocation is the time zone a job's schedule is read in: UTC unless
// its timezone names another.
func (s *Spec) JobLocation(j *Job) *time.Location {
	if loc, err := time.LoadLocation(j.Timezone); err == nil && j.Timezone != "" {
		return loc
	}
	return time.UTC
}

// command checks a container command: words ECS accepts.
func (v *problems) command(p string, cmd []string) {
	total := 0
	for i, w := range cmd {
		total += len(w)
		if strings.ContainsRune(w, 0) {
			v.add(fmt.Sprintf("%s.command[%d]", p, i), "holds a NUL character, which no command line can carry")
		}
	}
	if total > maxTaskDefinition {
		v.add(p+".command", "%d bytes, and a task definition holds at most %d in all", total, maxTaskDefinition)
	}
}

// ssmPathsApart refuses two services whose SSM paths are the same or one
// inside the other: the pipeline of the outer one reads its path
// recursively, so it would read the other's secrets.
func (v *problems) ssmPathsApart(s *Spec) {
	type owner struct{ path, ssm string }
	var all []owner
	if s.Backend.SSMPath != "" {
		all = append(all, owner{"backend", s.Backend.SSMPath})
	}
	if (s.FrontendOnECS() || s.FrontendOnS3()) && s.Frontend.SSMPath != "" {
		all = append(all, owner{"frontend", s.Frontend.SSMPath})
	}
	for i, w := range s.Workers {
		if w.SSMPath != "" {
			all = append(all, owner{fmt.Sprintf("workers[%d]", i), w.SSMPath})
		}
	}
	for i, a := range all {
		for _, b := range all[:i] {
			if !reSSMPath().MatchString(a.ssm) || !reSSMPath().MatchString(b.ssm) {
				continue
			}
			switch {
			case a.ssm == b.ssm:
				v.add(a.path+".ssmPath", "%q is also %s.ssmPath: each service reads only its own secrets (give it a path of its own, such as /%s/%s/%s)", a.ssm, b.path, s.Name, s.Environment, strings.TrimSuffix(strings.SplitN(a.path, "[", 2)[0], "s"))
			case strings.HasPrefix(a.ssm, b.ssm+"/"), strings.HasPrefix(b.ssm, a.ssm+"/"):
				v.add(a.path+".ssmPath", "%q and %s.ssmPath %q are one inside the other, and the outer one's pipeline reads its path with everything under it: each service reads only its own secrets (use paths side by side, such as /%s/%s/backend and /%s/%s/mailer)", a.ssm, b.path, b.ssm, s.Name, s.Environment, s.Name, s.Environment)
			}
		}
	}
}

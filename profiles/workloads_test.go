package profiles

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func withWorker(change func(*Worker)) func(*Spec) {
	return func(s *Spec) {
		w := NewWorker()
		w.Name, w.Image = "mailer", "ghcr.io/acme/mailer:1"
		if change != nil {
			change(&w)
		}
		s.Workers = append(s.Workers, w)
	}
}

func withJob(change func(*Job)) func(*Spec) {
	return func(s *Spec) {
		j := NewJob()
		j.Name, j.Schedule, j.Command = "report", "cron(0 3 * * ? *)", []string{"report"}
		if change != nil {
			change(&j)
		}
		s.Jobs = append(s.Jobs, j)
	}
}

func TestWorkloadRules(t *testing.T) {
	tests := []struct {
		name   string
		change []func(*Spec)
		want   string // "" means: no problem at all
	}{
		{"a worker and a job", []func(*Spec){withWorker(nil), withJob(nil)}, ""},
		{"name missing", []func(*Spec){withWorker(func(w *Worker) { w.Name = "" })}, "workers[0].name: missing (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)"},
		{"name too long", []func(*Spec){withJob(func(j *Job) { j.Name = "a-very-long-job-name" })}, `jobs[0].name: "a-very-long-job-name" is 20 characters (at most 17: the IAM role names made from it must fit in 64)`},
		{"reserved", []func(*Spec){withWorker(func(w *Worker) { w.Name = "exec" })}, `workers[0].name: "exec" is a name the platform uses already (not backend, frontend, exec, alb, ec2, tasks, db, database, lb, artifacts, site, be, fe, jobs or service-connect)`},
		{"a tier's name", []func(*Spec){withWorker(func(w *Worker) { w.Name = "frontend" })}, `workers[0].name: "frontend" is taken by the frontend (names are unique among the tiers, workers and jobs)`},
		{"a tier's name and a dash", []func(*Spec){withWorker(func(w *Worker) { w.Name = "backend-mail" })}, `workers[0].name: "backend-mail" and "backend" (the backend) start alike up to a dash, and the permissions of one would reach the other's roles (choose names that do not begin with another's name and a dash)`},
		{"two pipelines in one artifact folder", []func(*Spec){func(s *Spec) { s.Name, s.Environment = "shop", "prod" },
			withWorker(func(w *Worker) { w.Name, w.Image, w.Repository.Name = "queue-work1", "", "acme/w1" }),
			withWorker(func(w *Worker) { w.Name, w.Image, w.Repository.Name = "queue-work2", "", "acme/w2" })},
			`workers[1].name: "queue-work2" shares its pipeline's artifact folder "shop-prod-queue-work" with workers[0]'s (CodePipeline keeps a pipeline's artifacts under the first 20 characters of its name): choose a name that differs from "queue-work1" within them`},
		{"too many jobs", []func(*Spec){func(s *Spec) {
			for i := range MaxJobs + 1 {
				j := NewJob()
				j.Name, j.Schedule, j.Command = fmt.Sprintf("j%d", i), "rate(1 day)", []string{"x"}
				s.Jobs = append(s.Jobs, j)
			}
		}}, "jobs: 51 jobs (at most 50: each has three IAM roles, and an account has 1,000 roles by default)"},
		{"worker and job share a name", []func(*Spec){withWorker(func(w *Worker) { w.Name = "report" }), withJob(nil)}, `jobs[0].name: "report" is taken by workers[0] (names are unique among the tiers, workers and jobs)`},
		{"dash prefix", []func(*Spec){withWorker(nil), withJob(func(j *Job) { j.Name = "mailer-digest" })}, `jobs[0].name: "mailer-digest" and "mailer" (workers[0]) start alike up to a dash, and the permissions of one would reach the other's roles (choose names that do not begin with another's name and a dash)`},
		{"worker fargate size", []func(*Spec){withWorker(func(w *Worker) { w.CPU, w.Memory = 256, 4096 })}, "workers[0].memory: 4096 MiB is not a Fargate size for cpu 256 (512, 1024 or 2048)"},
		{"worker scaling", []func(*Spec){withWorker(func(w *Worker) { w.DesiredCount = 3 })}, "workers[0].desiredCount: 3 is outside workers[0].autoscaling min 1 and max 1 (min ≤ desiredCount ≤ max)"},
		{"worker ssm without reader", []func(*Spec){withWorker(func(w *Worker) { w.SSMPath = "/shop/prod/mailer" })}, "workers[0].ssmPath: set, but workers[0].repository.name is empty and workers[0].ssmPlaceholders names no parameter: without a pipeline no build writes the environment file, and ECS reads SSM parameters only by name (list the names in workers[0].ssmPlaceholders to get them as secrets, or set workers[0].repository)"},
		{"worker ssm inside backend's", []func(*Spec){func(s *Spec) { s.Backend.SSMPath = "/shop/prod"; s.Backend.SSMPlaceholders = []string{"A"} }, withWorker(func(w *Worker) { w.SSMPath = "/shop/prod/mailer"; w.SSMPlaceholders = []string{"B"} })},
			`workers[0].ssmPath: "/shop/prod/mailer" and backend.ssmPath "/shop/prod" are one inside the other, and the outer one's pipeline reads its path with everything under it: each service reads only its own secrets (use paths side by side, such as /shop/prod/backend and /shop/prod/mailer)`},
		{"worker image bad", []func(*Spec){withWorker(func(w *Worker) { w.Image = "Bad Image" })}, `workers[0].image: "Bad Image" is not an image reference: " " is not allowed in one (letters, digits and . _ - / : @)`},
		{"worker repository", []func(*Spec){withWorker(func(w *Worker) { w.Image = ""; w.Repository.Name = "acme" })}, `workers[0].repository.name: "acme" is not owner/repository (such as acme/shop-api)`},
		{"job schedule missing", []func(*Spec){withJob(func(j *Job) { j.Schedule = "" })}, "jobs[0].schedule: missing (cron(0 3 * * ? *) for 03:00 every day, rate(1 hour), or at(2027-01-31T09:00:00) once)"},
		{"job cron five fields", []func(*Spec){withJob(func(j *Job) { j.Schedule = "cron(0 3 * * *)" })}, "jobs[0].schedule: cron(0 3 * * *) has 5 fields, and a Scheduler cron expression has 6: cron(minutes hours day-of-month month day-of-week year), such as cron(0 3 * * ? *)"},
		{"job cron both days", []func(*Spec){withJob(func(j *Job) { j.Schedule = "cron(0 3 * * MON *)" })}, "jobs[0].schedule: cron(0 3 * * MON *): one of day-of-month (*) and day-of-week (MON) must be ?, and only one (such as cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *))"},
		{"job cron range", []func(*Spec){withJob(func(j *Job) { j.Schedule = "cron(0 25 * * ? *)" })}, `jobs[0].schedule: cron(0 25 * * ? *): hours "25": 25 is out of range (0 to 23)`},
		{"job rate plural", []func(*Spec){withJob(func(j *Job) { j.Schedule = "rate(1 hours)" })}, "jobs[0].schedule: rate(1 hours): write rate(1 hour) (the unit is singular when the value is 1)"},
		{"job rate unit", []func(*Spec){withJob(func(j *Job) { j.Schedule = "rate(5 weeks)" })}, `jobs[0].schedule: rate(5 weeks): "weeks" is not a unit (minutes, hours or days)`},
		{"job at", []func(*Spec){withJob(func(j *Job) { j.Schedule = "at(2027-02-30T09:00:00)" })}, "jobs[0].schedule: at(2027-02-30T09:00:00) is not a time (at(yyyy-mm-ddThh:mm:ss), such as at(2027-01-31T09:00:00))"},
		{"job at past", []func(*Spec){withJob(func(j *Job) { j.Schedule = "at(2020-01-01T00:00:00)" })}, "warning: jobs[0].schedule: at(2020-01-01T00:00:00) is in the past: the job will not run on its own (ecsdeck jobs run report runs it now)"},
		{"job cron that never runs", []func(*Spec){withJob(func(j *Job) { j.Schedule = "cron(0 0 30 2 ? *)" })}, "warning: jobs[0].schedule: cron(0 0 30 2 ? *) matches no time from now to 2199 (a day the month does not have, a year gone): the job will not run on its own (ecsdeck jobs run report runs it now)"},
		{"job cron with two spaces", []func(*Spec){withJob(func(j *Job) { j.Schedule = "cron(0 3  * * ? *)" })}, "jobs[0].schedule: write it as cron(0 3 * * ? *) (no spaces around it or inside the brackets' ends, one space between fields)"},
		{"job rate with a leading zero", []func(*Spec){withJob(func(j *Job) { j.Schedule = "rate(05 minutes)" })}, "jobs[0].schedule: rate(05 minutes): write the number as 5 (no sign or leading zeros)"},
		{"job schedule with a space around it", []func(*Spec){withJob(func(j *Job) { j.Schedule = " rate(5 minutes)" })}, "jobs[0].schedule: write it as rate(5 minutes) (no spaces around it or inside the brackets' ends, one space between fields)"},
		{"job kind", []func(*Spec){withJob(func(j *Job) { j.Schedule = "every(1 hour)" })}, `jobs[0].schedule: "every" is not a schedule kind (cron, rate or at)`},
		{"job timezone", []func(*Spec){withJob(func(j *Job) { j.Timezone = "Mars/Olympus" })}, `jobs[0].timezone: "Mars/Olympus" is not an IANA time zone (such as UTC, Europe/Berlin or America/New_York)`},
		{"job timezone with rate", []func(*Spec){withJob(func(j *Job) { j.Schedule, j.Timezone = "rate(2 hours)", "Europe/Berlin" })}, "warning: jobs[0].timezone: ignored: a rate() schedule counts from when it was created, in no time zone"},
		{"job without any image", []func(*Spec){func(s *Spec) { s.Backend.Image = "" }, withJob(nil)}, "jobs[0].image: empty, and the backend has neither an image nor a repository to take one from (set jobs[0].image, backend.image or backend.repository)"},
		{"job without command", []func(*Spec){withJob(func(j *Job) { j.Command = nil })}, "warning: jobs[0].command: empty: the job runs the backend image's own command, which is usually the server, until jobs[0].timeoutMinutes stops it (give the command the job runs)"},
		{"job timeout", []func(*Spec){withJob(func(j *Job) { j.TimeoutMinutes = 20000 })}, "jobs[0].timeoutMinutes: 20000 is out of range (0 to 10080 minutes; 0: no limit)"},
		{"worker of another provider with one connection", []func(*Spec){func(s *Spec) { s.Backend.Repository.Name = "acme/api"; s.Pipeline.ConnectionARN = connUSE1 },
			withWorker(func(w *Worker) {
				w.Image, w.Repository.Name, w.Repository.Provider = "", "acme/mailer", ProviderBitbucket
			})},
			"pipeline.connectionArn: one connection serves one provider, but backend.repository.provider is github and workers[0].repository.provider is bitbucket: name a connection per provider in pipeline.connections (github: and bitbucket:; a provider left out gets one that ecsdeck creates) and remove pipeline.connectionArn"},
		{"job ec2 sizes", []func(*Spec){func(s *Spec) { s.LaunchType = LaunchEC2 }, withJob(func(j *Job) { j.CPU = 64 })}, "jobs[0].cpu: 64 is out of range (128 to 196608 CPU units)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a valid Spec WHEN one workload rule is broken
			s := valid()
			for _, c := range tt.change {
				c(s)
			}
			s.Complete()
			ps := Validate(s)
			var got []string
			for _, p := range ps {
				if !strings.HasPrefix(p.Path, "backend.") { // the backend is not under test
					got = append(got, p.String())
				}
			}
			// THEN exactly that problem is reported
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("want no problems, got:\n%s", strings.Join(got, "\n"))
				}
				return
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

func TestWorkloadsDecodeOnTheirDefaults(t *testing.T) {
	// GIVEN workers and jobs that write only some keys, and a written 0
	src := `version: 1
name: shop
region: us-east-1
backend: {image: nginx}
workers:
  - name: mailer
    image: ghcr.io/acme/mailer:1
    desiredCount: 0
    autoscaling: {min: 0, max: 4}
jobs:
  - name: report
    schedule: cron(0 3 * * ? *)
    command: [python, -m, report]
`
	a, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// THEN the unwritten keys hold their defaults and the written 0 stays 0
	w, j := a.Spec.Workers[0], a.Spec.Jobs[0]
	if w.CPU != 256 || w.Memory != 512 || w.DesiredCount != 0 || w.Autoscaling.Min != 0 || w.Autoscaling.Max != 4 || w.Autoscaling.CPUTarget != 70 || w.Repository.Branch != "main" {
		t.Errorf("worker = %+v", w)
	}
	if j.CPU != 256 || j.TimeoutMinutes != 60 || strings.Join(j.Command, " ") != "python -m report" {
		t.Errorf("job = %+v", j)
	}
	// AND saving and reading again gives the same workloads
	b, err := Marshal(a.Spec)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("y.yaml", b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if again.Spec.Workers[0].Autoscaling != w.Autoscaling || again.Spec.Jobs[0].Schedule != j.Schedule {
		t.Errorf("round trip changed the workloads:\n%s", b)
	}
}

func TestWorkloadProblemsHavePositions(t *testing.T) {
	// GIVEN a job with a bad schedule and a worker with a wrong type
	src := `version: 1
name: shop
region: us-east-1
backend: {image: nginx}
workers:
  - name: mailer
    cpu: lots
jobs:
  - name: report
    schedule: cron(0 3 * * *)
`
	_, err := Parse("x.yaml", []byte(src))
	got := lines(problemsOf(t, err))
	// THEN each problem points at its line and column
	for _, want := range []string{
		`x.yaml:7:10: workers[0].cpu: is the text "lots" (expected a whole number)`,
		"x.yaml:10:5: jobs[0].schedule: cron(0 3 * * *) has 5 fields",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// AND a list item that is not a mapping says so
	_, err = Parse("x.yaml", []byte("version: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx}\nworkers: mailer\n"))
	if got := lines(problemsOf(t, err)); !strings.Contains(got, `x.yaml:5:10: workers: is the text "mailer" (expected a list of mappings)`) {
		t.Errorf("got:\n%s", got)
	}
}

func TestScheduleNext(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	from := time.Date(2026, 12, 3, 10, 52, 0, 0, time.UTC) // a Thursday
	tests := []struct {
		expr string
		loc  *time.Location
		want string // RFC 3339 in loc, or "" for none
	}{
		{"cron(0 3 * * ? *)", time.UTC, "2026-12-04T03:00:00Z"},
		{"cron(0 3 * * ? *)", berlin, "2026-12-04T03:00:00+01:00"},
		{"cron(*/15 * * * ? *)", time.UTC, "2026-12-03T11:00:00Z"},
		{"cron(0 9 ? * MON-FRI *)", time.UTC, "2026-12-04T09:00:00Z"},
		{"cron(0 9 ? * SAT,SUN *)", time.UTC, "2026-12-05T09:00:00Z"},
		{"cron(0 0 L * ? *)", time.UTC, "2026-12-31T00:00:00Z"},
		{"cron(0 0 L-1 * ? *)", time.UTC, "2026-12-30T00:00:00Z"},
		{"cron(0 0 LW 1 ? 2027)", time.UTC, "2027-01-29T00:00:00Z"}, // Jan 31 2027 is a Sunday
		{"cron(0 0 1W 5 ? 2027)", time.UTC, "2027-05-03T00:00:00Z"}, // May 1 2027 is a Saturday
		{"cron(0 0 ? * 6L *)", time.UTC, "2026-12-25T00:00:00Z"},    // the last Friday
		{"cron(0 0 ? * 2#1 *)", time.UTC, "2026-12-07T00:00:00Z"},   // the first Monday
		{"cron(30 2 29 2 ? *)", time.UTC, "2028-02-29T02:30:00Z"},
		{"cron(0 0 1 1 ? 2020)", time.UTC, ""},
		{"cron(0 0 1 1 ? 2040)", time.UTC, "2040-01-01T00:00:00Z"},
		{"cron(59 23 L * ? 2199)", time.UTC, "2199-01-31T23:59:00Z"},
		{"cron(0 0 29 2 ? 2100-2199)", time.UTC, "2104-02-29T00:00:00Z"}, // 2100 has no 29 February
		{"cron(0 0 30 2 ? *)", time.UTC, ""},
		{"cron(30 2 * 3 ? 2027)", berlin, "2027-03-01T02:30:00+01:00"},
		{"at(2027-01-31T09:00:00)", berlin, "2027-01-31T09:00:00+01:00"},
		{"at(2026-01-31T09:00:00)", time.UTC, ""},
		{"rate(5 minutes)", time.UTC, ""},
	}
	for _, tt := range tests {
		s, err := ParseSchedule(tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		got, ok := s.Next(from, tt.loc)
		switch {
		case tt.want == "" && ok:
			t.Errorf("%s: want no next run, got %s", tt.expr, got)
		case tt.want != "" && (!ok || got.Format(time.RFC3339) != tt.want):
			t.Errorf("%s in %s: next = %s (%v), want %s", tt.expr, tt.loc, got.Format(time.RFC3339), ok, tt.want)
		}
	}
}

func TestScheduleSkipsTheMissingHourOfASummerTimeChange(t *testing.T) {
	// GIVEN 02:30 every day in Berlin, where 2027-03-28 has no 02:30
	berlin, _ := time.LoadLocation("Europe/Berlin")
	s, err := ParseSchedule("cron(30 2 * * ? *)")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2027, 3, 27, 3, 0, 0, 0, berlin)
	// THEN the next run is on the 29th
	got, ok := s.Next(from, berlin)
	if !ok || got.Format(time.RFC3339) != "2027-03-29T02:30:00+02:00" {
		t.Fatalf("next = %s %v", got, ok)
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"cron(0 3 * * ? *)", "rate(1 hour)", "at(2027-01-31T09:00:00)", "cron(0/5 1-3,5 L * ? 2027-2030)", "cron(0 0 ? * 6#3 *)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := ParseSchedule(expr)
		if err != nil {
			return
		}
		start := time.Now()
		s.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%q: Next took %s", expr, d)
		}
	})
}

func TestScheduleRunsCountsPartDaysAtTheEnds(t *testing.T) {
	// GIVEN an hourly cron and a span from noon to 06:00 two days later
	s, err := ParseSchedule("cron(0 * * * ? *)")
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.Date(2027, 1, 3, 6, 0, 0, 0, time.UTC)
	// THEN 12 + 24 + 6 runs fall in it
	if got := s.Runs(from, to, time.UTC); got != 42 {
		t.Fatalf("runs %g, want 42", got)
	}
	// AND the weekday rules count by the day's weekday: the Mondays of January 2027
	mon, _ := ParseSchedule("cron(0 9 ? * MON *)")
	if got := mon.Runs(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), time.UTC); got != 4 {
		t.Fatalf("Mondays %g, want 4", got)
	}
}

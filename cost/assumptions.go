package cost

import (
	"fmt"
	"math"
)

// Assumptions are the usage figures an estimate needs that the answers do
// not say. Each appears on the lines it changes, so a person can check it;
// the command takes a flag for each.
type Assumptions struct {
	// HoursPerMonth is the hours an always-on resource runs in a month.
	HoursPerMonth float64 `json:"hoursPerMonth"`
	// SpotDiscount is the fraction Spot capacity (Fargate Spot and EC2 Spot)
	// costs less than on-demand, 0 to 1.
	SpotDiscount float64 `json:"spotDiscount"`
	// LCUs is the load balancer capacity units used on average each hour.
	LCUs float64 `json:"lcus"`
	// LogGB is the application logs, GB ingested a month, all services.
	LogGB float64 `json:"logGB"`
	// Releases is the releases a month through each pipeline.
	Releases float64 `json:"releases"`
	// BuildMinutes is the minutes one CodeBuild build takes.
	BuildMinutes float64 `json:"buildMinutes"`
	// DeployMinutes is the minutes a rolling ECS deploy takes to settle.
	DeployMinutes float64 `json:"deployMinutes"`
	// ImageGB is the images kept in each ECR repository, GB.
	ImageGB float64 `json:"imageGB"`
	// CDNGB is the data CloudFront serves to viewers a month, GB.
	CDNGB float64 `json:"cdnGB"`
	// CDNRequests is the HTTPS requests CloudFront serves a month.
	CDNRequests float64 `json:"cdnRequests"`
	// SiteGB is the static site kept in its S3 bucket, GB.
	SiteGB float64 `json:"siteGB"`
	// ArtifactsGB is what the artifacts bucket holds, GB.
	ArtifactsGB float64 `json:"artifactsGB"`
	// EFSGB is what each EFS file system ecsdeck creates holds, GB.
	EFSGB float64 `json:"efsGB"`
	// JobMinutes is the minutes an average run of a scheduled job takes
	// (never more than the job's timeout).
	JobMinutes float64 `json:"jobMinutes"`
}

// DefaultAssumptions returns the baseline a small production platform
// starts from: 730 hours a month, Spot 65 % below on-demand, 1 LCU, 5 GB of
// logs, 20 releases a month per pipeline of 5 build minutes and a 5-minute
// deploy, 1 GB of images per repository, and for an S3 frontend 50 GB and
// one million HTTPS requests a month through CloudFront for a 1 GB site,
// and 10 GB in each EFS file system ecsdeck creates, and scheduled job runs
// of 5 minutes.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		HoursPerMonth: 730,
		SpotDiscount:  0.65,
		LCUs:          1,
		LogGB:         5,
		Releases:      20,
		BuildMinutes:  5,
		DeployMinutes: 5,
		ImageGB:       1,
		CDNGB:         50,
		CDNRequests:   1_000_000,
		SiteGB:        1,
		ArtifactsGB:   1,
		EFSGB:         10,
		JobMinutes:    5,
	}
}

// MaxAssumption bounds every usage assumption: past it an estimate would
// overflow (1e308 releases made the total +Inf, which JSON cannot encode).
const MaxAssumption = 1e9

// AssumptionError is an assumption that cannot be used. It is bad input:
// the command that takes the assumption from a flag exits 2 and names it.
type AssumptionError struct {
	Name    string  // the assumption's JSON name, e.g. releases
	Value   float64 // what was given
	Allowed string  // what is allowed
}

// Error says which assumption, what it is, and what is allowed.
func (e *AssumptionError) Error() string {
	return fmt.Sprintf("assumption %s is %g (%s)", e.Name, e.Value, e.Allowed)
}

// Check returns an *AssumptionError naming the first assumption that
// cannot be used: one that is not a finite number from 0 to MaxAssumption,
// hours past a month, or a Spot discount outside [0, 1).
func (a Assumptions) Check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"hoursPerMonth", a.HoursPerMonth}, {"lcus", a.LCUs}, {"logGB", a.LogGB},
		{"releases", a.Releases}, {"buildMinutes", a.BuildMinutes}, {"deployMinutes", a.DeployMinutes},
		{"imageGB", a.ImageGB}, {"cdnGB", a.CDNGB}, {"cdnRequests", a.CDNRequests},
		{"siteGB", a.SiteGB}, {"artifactsGB", a.ArtifactsGB}, {"efsGB", a.EFSGB}, {"jobMinutes", a.JobMinutes},
	} {
		if math.IsNaN(f.v) || f.v < 0 {
			return &AssumptionError{f.name, f.v, "a number of 0 or more"}
		}
		if f.v > MaxAssumption {
			return &AssumptionError{f.name, f.v, fmt.Sprintf("a number from 0 to %g", float64(MaxAssumption))}
		}
	}
	if a.HoursPerMonth > 744 {
		return &AssumptionError{"hoursPerMonth", a.HoursPerMonth, "a month has at most 744 hours"}
	}
	if math.IsNaN(a.SpotDiscount) || a.SpotDiscount < 0 || a.SpotDiscount >= 1 {
		return &AssumptionError{"spotDiscount", a.SpotDiscount, "a fraction from 0 up to, not including, 1"}
	}
	return nil
}

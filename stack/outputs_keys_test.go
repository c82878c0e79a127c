package stack

import (
	"reflect"
	"strings"
	"testing"
)

// The output keys are declared once, as constants; the JSON tags of the
// outputs' structs must be those keys, so reading back what the program
// exported cannot drift from what it exported.
func TestOutputTagsAreTheDeclaredKeys(t *testing.T) {
	for _, tt := range []struct {
		typ  any
		keys []string
	}{
		{Outputs{}, []string{OutRegion, OutClusterName, OutClusterARN, OutServices, OutJobs, OutPipelines, OutEndpoints,
			OutLoadBalancerDNS, OutDistributionID, OutDistributionDomain, OutFrontendBucket, OutArtifactsBucket,
			OutRepositories, OutLogGroups, OutDatabaseEndpoint, OutDatabaseSecretARN, OutDatabaseSnapshot, OutConnectionARN,
			OutConnectionARNs, OutConnectionPending}},
		{ServiceOutput{}, []string{SvcRole, SvcKind, SvcName, SvcTaskFamily, SvcContainer, SvcLogGroup, SvcLogStreamPrefix,
			SvcDeployController, SvcCodeDeployApp, SvcCodeDeployGroup, SvcTargetGroups, SvcURL}},
		{PipelineOutput{}, []string{PipeRole, PipeName, PipeBuildProject, PipeBuildLogGroup}},
		{JobOutput{}, []string{JobName, JobSchedule, JobTimezone, JobScheduleName, JobScheduleGroup, JobTaskFamily, JobContainer,
			JobLogGroup, JobLogStreamPrefix, JobTimeoutMinutes}},
	} {
		rt := reflect.TypeOf(tt.typ)
		var tags []string
		for i := 0; i < rt.NumField(); i++ {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			tags = append(tags, tag)
		}
		if strings.Join(tags, " ") != strings.Join(tt.keys, " ") {
			t.Errorf("%s: JSON tags %v, declared keys %v (declare a new key as a constant and tag the field with it)", rt.Name(), tags, tt.keys)
		}
	}
}

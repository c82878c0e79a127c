package program_test

import (
	"testing"

	"ecsdeck/profiles"
)

// These tests are about the second `up`: what a changed answer does to
// resources that already exist. The provider replaces a resource when a
// property it cannot update changes, by default creating the new one first,
// which fails for a physical name that AWS holds once.

func TestServiceChangesApplyWithoutAClashingReplacement(t *testing.T) {
	for _, deploy := range []profiles.DeployStrategy{profiles.DeployRolling, profiles.DeployBlueGreen} {
		t.Run(string(deploy), func(t *testing.T) {
			// GIVEN a service deployed rolling or blue/green
			s := base()
			withDomain(s)
			s.Pipeline.Deploy = deploy
			svc := one(t, planOf(t, s), tService)
			// THEN a replacement (the deploy strategy changed) deletes the old service first
			if !svc.DeleteBeforeReplace {
				t.Errorf("a replaced service would be created next to the old one, under the same name")
			}
			force, _ := svc.Inputs["forceNewDeployment"].(bool)
			strategyIgnored := contains(svc.IgnoreChanges, "capacityProviderStrategies")
			switch deploy {
			case profiles.DeployRolling:
				// AND a rolling service moves to a new capacity strategy in place:
				// without forceNewDeployment the provider replaces the service
				if !force || strategyIgnored {
					t.Errorf("rolling: forceNewDeployment %v, strategy ignored %v", force, strategyIgnored)
				}
			case profiles.DeployBlueGreen:
				// AND a CODE_DEPLOY service, which ECS refuses to force or to give a
				// new strategy, leaves the strategy to the next release's AppSpec
				if force || !strategyIgnored {
					t.Errorf("blue/green: forceNewDeployment %v, strategy ignored %v", force, strategyIgnored)
				}
			}
		})
	}
}

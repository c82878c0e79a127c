package program_test

import (
	"fmt"
	"regexp"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/program"

	"gopkg.in/yaml.v3"
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

func TestBlueGreenNetworkChangesTravelWithTheRelease(t *testing.T) {
	for _, launch := range []profiles.LaunchType{profiles.LaunchFargate, profiles.LaunchEC2} {
		t.Run(string(launch), func(t *testing.T) {
			// GIVEN a blue/green backend built by its pipeline
			s := base()
			withDomain(s)
			s.LaunchType, s.Pipeline.Deploy = launch, profiles.DeployBlueGreen
			s.Backend.Image, s.Backend.Repository.Name = "", "acme/api"
			if launch == profiles.LaunchEC2 {
				s.Backend.CPU, s.Backend.Memory = 512, 768
			}
			p := planOf(t, s)
			svc := one(t, p, tService)
			// WHEN its build writes the AppSpec
			run, _ := runBuild(t, s, p, profiles.RoleBackend, nil)
			var appspec map[string]any
			if err := yaml.Unmarshal(run.file(t, program.AppSpecFile), &appspec); err != nil {
				t.Fatalf("appspec.yaml: %v", err)
			}
			net := at(appspec, "Resources.0.TargetService.Properties.NetworkConfiguration.AwsvpcConfiguration")
			ignored := contains(svc.IgnoreChanges, "networkConfiguration")
			if launch == profiles.LaunchEC2 {
				// THEN bridge tasks have no network configuration to carry
				if net != nil || ignored {
					t.Errorf("bridge: appspec network %v, ignored %v", net, ignored)
				}
				return
			}
			// THEN ECS, which refuses a new network configuration for a CODE_DEPLOY
			// service, is not asked for one on update
			if !ignored {
				t.Errorf("the service's network configuration is updated in place, which ECS refuses under CODE_DEPLOY")
			}
			// AND each release deploys its tasks into the service's current subnets and group
			subnets, groups := strList(svc.Inputs, "networkConfiguration.subnets"), strList(svc.Inputs, "networkConfiguration.securityGroups")
			if got := strList(net, "Subnets"); len(subnets) != 2 || fmt.Sprint(got) != fmt.Sprint(subnets) {
				t.Errorf("appspec subnets %v, service %v", got, subnets)
			}
			if got := strList(net, "SecurityGroups"); len(groups) != 1 || fmt.Sprint(got) != fmt.Sprint(groups) {
				t.Errorf("appspec security groups %v, service %v", got, groups)
			}
			if atString(net, "AssignPublicIp") != "ENABLED" {
				t.Errorf("appspec public IP %v", at(net, "AssignPublicIp"))
			}
		})
	}
}

func TestDatabaseFinalSnapshotNameIsTheInstancesOwn(t *testing.T) {
	for _, protect := range []bool{true, false} {
		t.Run(fmt.Sprintf("deletionProtection=%v", protect), func(t *testing.T) {
			// GIVEN a database with or without deletion protection
			s := base()
			s.Database.Engine, s.Database.DeletionProtection = profiles.EnginePostgres, protect
			db := one(t, planOf(t, s), tRDS)
			// THEN its final snapshot is named for this instance, not for the platform:
			// a second instance's deletion does not meet the first one's snapshot
			name := atString(db.Inputs, "finalSnapshotIdentifier")
			if !regexp.MustCompile(`^app-prod-db-final-[0-9]{14}$`).MatchString(name) {
				t.Errorf("final snapshot %q", name)
			}
			// AND the name stays what it was when the instance was created
			if !contains(db.IgnoreChanges, "finalSnapshotIdentifier") {
				t.Errorf("the final snapshot name changes with every up: ignores %v", db.IgnoreChanges)
			}
			// AND the instance is snapshot when it goes, protected or not
			if skip, _ := db.Inputs["skipFinalSnapshot"].(bool); skip {
				t.Errorf("skipFinalSnapshot %v with deletion protection %v", skip, protect)
			}
		})
	}
}

func TestTargetGroupsSurviveANewApplicationPort(t *testing.T) {
	// GIVEN the same platform with three ways to reach the application: on
	// 8080, on 3000, and behind nginx
	ports := map[string]bool{}
	for _, edit := range []func(*profiles.Spec){
		func(s *profiles.Spec) {},
		func(s *profiles.Spec) { s.Backend.Port = 3000 },
		func(s *profiles.Spec) { s.Backend.Nginx.Enabled = true },
	} {
		s := base()
		edit(s)
		for _, tg := range planOf(t, s).Find(tTargetGroup) {
			ports[fmt.Sprint(at(tg.Inputs, "port"))] = true
		}
	}
	// THEN the target groups keep their port: a new port would replace them,
	// and a new group cannot take the name the old one holds
	if len(ports) != 1 {
		t.Errorf("target group ports %v change with the application port", ports)
	}
}

func TestANewSSHKeyReplacesTheKeyPairInTurn(t *testing.T) {
	// GIVEN an EC2 cluster whose key pair ecsdeck creates from a public key
	s := base()
	s.LaunchType, s.Backend.CPU, s.Backend.Memory = profiles.LaunchEC2, 512, 768
	s.Capacity.EC2.SSHPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFk0 ops@example.com"
	kp := one(t, planOf(t, s), "aws:ec2/keyPair:KeyPair")
	// THEN a new key deletes the old pair before importing the new one under its name
	if !kp.DeleteBeforeReplace {
		t.Errorf("a new public key would import a second key pair named %s", atString(kp.Inputs, "keyName"))
	}
}

package wizard

import (
	"reflect"
	"strings"
	"testing"

	"ecsdeck/profiles"
)

// flat is a view with its runs of spaces made one, for texts that wrap.
func flat(view string) string { return strings.Join(strings.Fields(view), " ") }

// hasFocus says whether a question of the view is focused: huh draws the
// focused question with a bar on its left.
func hasFocus(view string) bool { return strings.Contains(view, "┃") }

func TestADatabaseInAnExistingVPCIsSettledOnItsSubnets(t *testing.T) {
	// GIVEN a setup in an existing VPC, on the database page
	spec := ready()
	spec.Network.VPCID, spec.Network.SubnetIDs = "vpc-0123abcd", []string{"subnet-0aaa0001", "subnet-0aaa0002"}
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("database.engine"))
	if w.Title() != "Database" {
		t.Fatalf("page %q", w.Title())
	}

	// WHEN postgres is chosen
	d.Keys("down", "enter")

	// THEN the choice is taken, and the rule waits for the database subnets
	if spec.Database.Engine != profiles.EnginePostgres || w.Focused() != "database.instanceClass" {
		t.Fatalf("engine %q, focus %q:\n%s", spec.Database.Engine, w.Focused(), d.View())
	}
	for w.Focused() != "network.databaseSubnetIds" && w.Title() == "Database" {
		d.Keys("enter")
	}
	d.Keys("enter")
	want := "✗ 0 subnets given; a database (database.engine is postgres) in an existing VPC needs 2 or more private subnets"
	if w.Focused() != "network.databaseSubnetIds" || !strings.Contains(flat(d.View()), want) {
		t.Fatalf("focus %q; view lacks %q:\n%s", w.Focused(), want, d.View())
	}
	// AND typing them there settles it
	d.Type("subnet-0bbb0001 subnet-0bbb0002")
	d.Keys("enter")
	if w.Title() == "State" {
		d.Keys("enter") // the state stays on this machine
	}
	if !w.Done() || !reflect.DeepEqual(spec.Network.DatabaseSubnetIDs, []string{"subnet-0bbb0001", "subnet-0bbb0002"}) {
		t.Errorf("done %v, database subnets %v:\n%s", w.Done(), spec.Network.DatabaseSubnetIDs, d.View())
	}
}

func TestFewestAboveMostIsSettledOnMost(t *testing.T) {
	// GIVEN the backend's task count questions, Most at 1
	spec := ready()
	spec.Backend.Autoscaling.Min, spec.Backend.Autoscaling.Max, spec.Backend.DesiredCount = 1, 1, 1
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("backend.autoscaling.min"))
	for w.Focused() != "backend.autoscaling.min" {
		d.Keys("enter")
	}

	// WHEN Fewest is 3
	d.Keys("ctrl+u")
	d.Type("3")
	view := flat(d.View())
	d.Keys("enter")

	// THEN the answer is taken with a warning, and Most says what is wrong
	if !strings.Contains(view, "! backend.autoscaling.max: 1 is below backend.autoscaling.min 3") {
		t.Errorf("no warning on Fewest:\n%s", view)
	}
	if w.Focused() != "backend.autoscaling.max" {
		t.Fatalf("Fewest 3 was refused: focus %q:\n%s", w.Focused(), d.View())
	}
	d.Keys("enter")
	want := "✗ 1 is below backend.autoscaling.min 3 (min ≤ desiredCount ≤ max)"
	if w.Focused() != "backend.autoscaling.max" || !strings.Contains(flat(d.View()), want) {
		t.Fatalf("focus %q; view lacks %q:\n%s", w.Focused(), want, d.View())
	}
	d.Keys("ctrl+u")
	d.Type("4")
	d.Keys("enter")
	if w.Focused() != "backend.desiredCount" {
		t.Errorf("Most 4 was refused: focus %q:\n%s", w.Focused(), d.View())
	}
}

func TestShiftTabAfterAWrongAnswerKeepsAQuestionFocused(t *testing.T) {
	// GIVEN the port, first question of its group, with a wrong answer
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("backend.port"))
	for w.Focused() != "backend.port" {
		d.Keys("enter")
	}
	d.Keys("ctrl+u")
	d.Type("x")

	// WHEN shift+tab is pressed
	d.Keys("shift+tab")

	// THEN a question is still focused and takes what is typed
	if !hasFocus(d.View()) {
		t.Fatalf("no question is focused:\n%s", d.View())
	}
	d.Keys("backspace")
	d.Type("8080")
	d.Keys("enter")
	if spec.Backend.Port != 8080 || w.Focused() != "backend.cpu" {
		t.Errorf("port %d, focus %q:\n%s", spec.Backend.Port, w.Focused(), d.View())
	}
}

func TestArm64TakesTheGravitonTwinOfTheDefaultInstanceType(t *testing.T) {
	// GIVEN EC2 with the default instance type t3.small
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("launchType"))
	if spec.Capacity.EC2.InstanceType != "t3.small" {
		t.Fatalf("default instance type %q", spec.Capacity.EC2.InstanceType)
	}
	// WHEN ec2 and arm64 are chosen
	d.Keys("down", "enter", "down", "enter")
	// THEN the instance type is t4g.small, shown and valid
	if spec.Capacity.EC2.InstanceType != "t4g.small" || w.Focused() != "capacity.ec2.instanceType" || !strings.Contains(d.View(), "> t4g.small") {
		t.Fatalf("instance type %q, focus %q:\n%s", spec.Capacity.EC2.InstanceType, w.Focused(), d.View())
	}
	d.Keys("enter")
	if w.Focused() != "capacity.ec2.min" {
		t.Errorf("t4g.small refused: focus %q:\n%s", w.Focused(), d.View())
	}
}

func TestAnAWSProfileThatDoesNotExistIsRefusedOnTheFirstPage(t *testing.T) {
	// GIVEN the machine's profiles are known: prod
	w, d := start(t, ready(), Options{Lookup: &fakeLookup{}})
	for w.Focused() != "awsProfile" {
		d.Keys("enter")
	}
	// WHEN a profile that is not there is typed
	d.Type("staging")
	d.Keys("enter")
	// THEN it is refused at once, naming the ones there are
	want := `✗ there is no AWS profile "staging" in the shared config files (they are prod); leave it empty for the default credential chain`
	if w.Focused() != "awsProfile" || !strings.Contains(flat(d.View()), want) {
		t.Fatalf("focus %q; view lacks %q:\n%s", w.Focused(), want, d.View())
	}
	d.Keys("ctrl+u")
	d.Type("prod")
	d.Keys("enter")
	if w.Title() != "Architecture" {
		t.Errorf("prod refused: page %q:\n%s", w.Title(), d.View())
	}
}

func TestPrivateSubnetsForTheLoadBalancerAreWarnedAbout(t *testing.T) {
	// GIVEN a VPC whose second subnet the account shows as private
	l := &fakeLookup{
		vpcs:   []VPC{{ID: "vpc-0bbb2222", CIDR: "10.0.0.0/16"}},
		subnet: []Subnet{{ID: "subnet-0aaa0001", Zone: "eu-west-1a", Public: true}, {ID: "subnet-0aaa0002", Zone: "eu-west-1b"}},
	}
	w, d := start(t, ready(), Options{Lookup: l})
	d.Run(w.GoTo("network.vpcId"))
	d.Keys("down", "enter")
	if w.Title() != "Subnets" {
		t.Fatalf("page %q", w.Title())
	}
	// WHEN both are chosen
	d.Keys("space", "down", "space")
	// THEN a warning says the private one cannot face the internet
	want := "! subnet-0aaa0002 is private (no public addresses): the load balancer there cannot be reached from the internet; choose public subnets"
	if !strings.Contains(flat(d.View()), want) {
		t.Errorf("view lacks %q:\n%s", want, d.View())
	}
}

func TestTheMemoryListOfAQuarterVCPUShowsItsSmallestSize(t *testing.T) {
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Run(w.GoTo("backend.cpu"))
	for w.Focused() != "backend.cpu" {
		d.Keys("enter")
	}
	// WHEN 0.25 vCPU is chosen
	d.Keys("up", "enter")
	// THEN the memory list shows 512 MiB, its first size
	if spec.Backend.CPU != 256 || w.Focused() != "backend.memory" || !strings.Contains(d.View(), "512 MiB") {
		t.Errorf("cpu %d, focus %q:\n%s", spec.Backend.CPU, w.Focused(), d.View())
	}
}

func TestAProblemAboveThePageGoesOnceSettled(t *testing.T) {
	// GIVEN the basics page left with pgdn and no name
	spec := ready()
	w, d := start(t, spec, Options{})
	d.Keys("ctrl+u", "pgdown")
	if !strings.Contains(d.View(), "Fix these before going on:") || w.Title() != "Basics" {
		t.Fatalf("page %q:\n%s", w.Title(), d.View())
	}
	// WHEN the name is typed
	d.Type("shop")
	// THEN the problem is gone at once
	if strings.Contains(d.View(), "Fix these before going on:") {
		t.Errorf("the settled problem stays:\n%s", d.View())
	}
}

func TestALongProblemIsShownWholeAndFits(t *testing.T) {
	// GIVEN a narrow window and the database subnets refused
	spec := ready()
	spec.Network.VPCID, spec.Network.SubnetIDs = "vpc-0123abcd", []string{"subnet-0aaa0001", "subnet-0aaa0002"}
	spec.Database.Engine = profiles.EnginePostgres
	w, d := start(t, spec, Options{})
	w.SetSize(40, 30)
	d.Run(w.GoTo("network.databaseSubnetIds"))
	for w.Focused() != "network.databaseSubnetIds" {
		d.Keys("enter")
	}
	d.Keys("enter")

	// THEN the whole message shows, and the page still fits its height
	want := "✗ 0 subnets given; a database (database.engine is postgres) in an existing VPC needs 2 or more private subnets"
	view := d.View()
	if !strings.Contains(flat(view), want) {
		t.Errorf("view lacks %q:\n%s", want, view)
	}
	if n := strings.Count(view, "\n") + 1; n > 30 {
		t.Errorf("the view has %d lines in a window of 30:\n%s", n, view)
	}
}

func TestEveryAnswerOfTheFileLandsOnAPageThatAsksIt(t *testing.T) {
	// GIVEN every field path of the Spec (the field walk of the docs)
	Doc("name")
	if len(docs) < 100 {
		t.Fatalf("the field walk found %d paths", len(docs))
	}
	wizards := map[bool]*Wizard{}
	drivers := map[bool]*driver{}
	for _, lb := range []bool{false, true} {
		spec := ready()
		if lb {
			spec.LoadBalancer.Existing = &profiles.ExistingLoadBalancer{} // its fields exist only then
		}
		wizards[lb] = New(spec, Options{})
		wizards[lb].SetSize(100, 200)
		drivers[lb] = quickDrive(t, wizards[lb])
	}
	asked, other := 0, 0
	for path := range docs {
		lb := strings.HasPrefix(path, "loadBalancer.existing")
		w, d := wizards[lb], drivers[lb]
		// THEN a question owns it, or the More settings page asks it when sent there
		if w.owned(path) {
			asked++
			if p := w.pageOf(path); p < 0 || p >= len(w.pages)-1 {
				t.Errorf("%s: owned, but on page %d", path, p)
			}
			continue
		}
		other++
		clear(w.sentTo)
		d.Run(w.GoTo(path))
		view := d.View()
		if w.Title() != "More settings" || !strings.Contains(view, path) || !hasFocus(view) {
			t.Errorf("%s: sent to it, the wizard shows %q:\n%s", path, w.Title(), view)
		}
	}
	t.Logf("%d answer paths: %d asked by their questions, %d on More settings", asked+other, asked, other)
}

func TestAProblemNoQuestionAsksIsFixedOnMoreSettings(t *testing.T) {
	// GIVEN answers whose log retention is not a CloudWatch value
	spec := ready()
	spec.Cluster.LogRetentionDays = 4
	w, d := start(t, spec, Options{})
	// WHEN every page is answered with enter
	for i := 0; i < 100 && w.Title() != "More settings" && !w.Done(); i++ {
		d.Keys("enter")
	}
	// THEN the last page asks it, and a right value ends the wizard
	if w.Title() != "More settings" || w.Focused() != "cluster.logRetentionDays" {
		t.Fatalf("page %q focus %q:\n%s", w.Title(), w.Focused(), d.View())
	}
	d.Keys("enter")
	if w.Done() || !strings.Contains(d.View(), "✗") {
		t.Fatalf("4 days was accepted:\n%s", d.View())
	}
	d.Keys("ctrl+u")
	d.Type("7")
	d.Keys("enter")
	if !w.Done() || spec.Cluster.LogRetentionDays != 7 {
		t.Errorf("done %v, retention %d:\n%s", w.Done(), spec.Cluster.LogRetentionDays, d.View())
	}
}

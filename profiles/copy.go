package profiles

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of s: no map, slice or pointer is shared, so a
// goroutine can read the copy while the original goes on changing (the
// wizard's estimate and plan run on copies). A new reference field of Spec
// must be copied here; TestCloneCopiesEveryReference fails until it is.
func (s *Spec) Clone() *Spec {
	if s == nil {
		return nil
	}
	c := *s
	c.Tags = maps.Clone(s.Tags)
	c.Network = s.Network.clone()
	c.LoadBalancer.Existing = s.LoadBalancer.Existing.clone()
	c.Backend = s.Backend.clone()
	c.Frontend.Service = s.Frontend.Service.clone()
	c.Workers = cloneWorkers(s.Workers)
	c.Jobs = cloneJobs(s.Jobs)
	return &c
}

func (n Network) clone() Network {
	n.AvailabilityZones = slices.Clone(n.AvailabilityZones)
	n.SubnetIDs = slices.Clone(n.SubnetIDs)
	n.DatabaseSubnetIDs = slices.Clone(n.DatabaseSubnetIDs)
	n.AppPorts = slices.Clone(n.AppPorts)
	return n
}

func (e *ExistingLoadBalancer) clone() *ExistingLoadBalancer {
	if e == nil {
		return nil
	}
	c := *e
	c.TargetGroups.Backend = slices.Clone(e.TargetGroups.Backend)
	c.TargetGroups.Frontend = slices.Clone(e.TargetGroups.Frontend)
	return &c
}

func (s Service) clone() Service {
	s.Env = maps.Clone(s.Env)
	s.SSMPlaceholders = slices.Clone(s.SSMPlaceholders)
	return s
}

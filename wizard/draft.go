package wizard

import (
	"slices"
	"strings"

	"ecsdeck/profiles"
)

// Source is how a service gets its image: a wizard choice that the answers
// file expresses by which of image and repository.name is set.
type Source string

// Image sources.
const (
	SourceImage    Source = "image"    // a ready image
	SourcePipeline Source = "pipeline" // built by ecsdeck's pipeline from a repository
	SourceCI       Source = "ci"       // pushed to the ECR repository by another CI (or, for an S3 site, uploaded by hand)
)

// draft keeps the answers to the wizard's own choices, which decide which
// Spec fields apply. Answers of a choice not taken stay here, so going back
// and choosing again finds them; apply writes what the choices select.
type draft struct {
	hosting        profiles.Hosting // the frontend's hosting when the tier is two-tier
	serviceConnect bool
	existing       bool // an existing VPC
	vpcID          string
	subnets        []string
	dbSubnets      []string
	svc            map[profiles.Role]*svcDraft
	deploy         profiles.DeployStrategy
	domain         profiles.Domain // everything but the name, which the Spec holds
	hostsFor       string          // the domain the host names were derived from
	zoneOffered    bool            // the hosted zone list was shown (its first zone pre-chosen once)
	certOffered    map[string]bool // the same for certificates, by region
	shared         bool            // the state is kept in a bucket
	backend        string          // the bucket's backend URL
}

type svcDraft struct {
	source  Source
	image   string
	repo    string
	taskDef string
}

func newDraft(s *profiles.Spec) draft {
	d := draft{
		hosting:        s.Frontend.Hosting,
		serviceConnect: s.ServiceConnect,
		existing:       s.Network.VPCID != "",
		vpcID:          s.Network.VPCID,
		subnets:        slices.Clone(s.Network.SubnetIDs),
		dbSubnets:      slices.Clone(s.Network.DatabaseSubnetIDs),
		deploy:         s.Pipeline.Deploy,
		domain:         s.Domain,
		svc:            map[profiles.Role]*svcDraft{},
		certOffered:    map[string]bool{},
		shared:         s.State.Backend != "" && !strings.HasPrefix(s.State.Backend, "file://"),
		backend:        s.State.Backend,
	}
	if d.hosting == "" || d.hosting == profiles.HostingNone {
		d.hosting = profiles.HostingS3
	}
	for _, r := range []struct {
		role profiles.Role
		svc  *profiles.Service
	}{{profiles.RoleBackend, &s.Backend}, {profiles.RoleFrontend, &s.Frontend.Service}} {
		sd := &svcDraft{image: r.svc.Image, repo: r.svc.Repository.Name, taskDef: r.svc.TaskDefinitionFile}
		switch {
		case r.svc.Repository.Name != "":
			sd.source = SourcePipeline
		case r.svc.Image != "":
			sd.source = SourceImage
		case r.role == profiles.RoleFrontend && s.Frontend.Hosting == profiles.HostingS3:
			sd.source = SourceCI // a saved S3 site without a repository is uploaded by hand
		case r.role == profiles.RoleFrontend:
			sd.source = SourcePipeline
		default:
			sd.source = SourceImage
		}
		d.svc[r.role] = sd
	}
	return d
}

// isSet says whether the preset gave the answer path.
func (w *Wizard) isSet(path string) bool {
	return w.preset != nil && w.preset.IsSet(path)
}

// apply writes the draft's choices into the Spec. It never changes an
// answer the preset gave.
func (w *Wizard) apply() {
	s, d := w.spec, &w.d
	if !w.isSet("frontend.hosting") {
		s.Frontend.Hosting = profiles.HostingNone
		if s.Tier == profiles.TierTwoTier {
			s.Frontend.Hosting = d.hosting
		}
	}
	if !w.isSet("serviceConnect") {
		s.ServiceConnect = s.FrontendOnECS() && d.serviceConnect
	}
	if !w.isSet("network.vpcId") {
		s.Network.VPCID = ""
		if d.existing {
			s.Network.VPCID = d.vpcID
		}
	}
	if !w.isSet("network.subnetIds") {
		s.Network.SubnetIDs = nil
		if d.existing {
			s.Network.SubnetIDs = slices.Clone(d.subnets)
		}
	}
	if !w.isSet("network.databaseSubnetIds") {
		s.Network.DatabaseSubnetIDs = nil
		if s.Network.VPCID != "" && s.HasDatabase() {
			s.Network.DatabaseSubnetIDs = slices.Clone(d.dbSubnets)
		}
	}
	if !w.isSet("state.backend") {
		s.State.Backend = ""
		if d.shared {
			s.State.Backend = strings.TrimSpace(d.backend)
		}
	}
	w.applyDomain()
	w.applyWorkload()
	w.applyService("backend", &s.Backend, d.svc[profiles.RoleBackend])
	w.applyService("frontend", &s.Frontend.Service, d.svc[profiles.RoleFrontend])
	if !w.isSet("pipeline.deploy") {
		s.Pipeline.Deploy = d.deploy
		if s.ServiceConnect {
			s.Pipeline.Deploy = profiles.DeployRolling
		}
	}
}

func (w *Wizard) applyService(p string, svc *profiles.Service, sd *svcDraft) {
	if !w.isSet(p + ".image") {
		svc.Image = ""
		if sd.source == SourceImage {
			svc.Image = sd.image
		}
	}
	if !w.isSet(p + ".repository.name") {
		svc.Repository.Name = ""
		if sd.source == SourcePipeline {
			svc.Repository.Name = sd.repo
		}
	}
	if !w.isSet(p + ".taskDefinitionFile") {
		svc.TaskDefinitionFile = ""
		if svc.Repository.Name != "" {
			svc.TaskDefinitionFile = sd.taskDef
		}
	}
	if !w.isSet(p+".nginx.config") && svc.Repository.Name == "" {
		svc.Nginx.Config = profiles.NginxGenerated
	}
}

// applyDomain writes the DNS and HTTPS answers when there is a domain, and
// leaves them out (kept in the draft) when there is none.
func (w *Wizard) applyDomain() {
	s, d := w.spec, &w.d.domain
	on := s.Domain.Name != ""
	for _, f := range []struct {
		path string
		dst  *string
		val  string
		use  bool
	}{
		{"domain.hostedZoneId", &s.Domain.HostedZoneID, d.HostedZoneID, on},
		{"domain.certificateArn", &s.Domain.CertificateARN, d.CertificateARN, on},
		{"domain.cloudFrontCertificateArn", &s.Domain.CloudFrontCertificateARN, d.CloudFrontCertificateARN, on && s.FrontendOnS3()},
		{"domain.backendHost", &s.Domain.BackendHost, d.BackendHost, on},
		{"domain.frontendHost", &s.Domain.FrontendHost, d.FrontendHost, on && s.Frontend.Hosting != profiles.HostingNone},
	} {
		if w.isSet(f.path) {
			continue
		}
		*f.dst = ""
		if f.use {
			*f.dst = f.val
		}
	}
}

// deriveHosts fills the host names from the domain, and follows a changed
// domain while they still hold the names derived from the old one.
func (w *Wizard) deriveHosts() {
	dom, d := w.spec.Domain.Name, &w.d
	if dom == "" {
		return
	}
	if d.domain.BackendHost == "" || (d.hostsFor != "" && d.domain.BackendHost == "api."+d.hostsFor) {
		d.domain.BackendHost = "api." + dom
	}
	if d.domain.FrontendHost == "" || (d.hostsFor != "" && d.domain.FrontendHost == "www."+d.hostsFor) {
		d.domain.FrontendHost = "www." + dom
	}
	d.hostsFor = dom
}

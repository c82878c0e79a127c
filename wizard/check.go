package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"ecsdeck/profiles"
)

// problems returns what profiles.Validate says about the answer path on
// the answers so far (completed the way the loader completes them). A rule
// between two answers belongs to the one asked later, where it can be
// settled ("ecs needs domain.name" is for the domain; "postgres in an
// existing VPC needs network.databaseSubnetIds" for the subnets):
//
//   - the path's own problems, except those that name an answer a later
//     question asks;
//   - errors on answers asked before this one (or not asked at all) whose
//     message names the path ("ebs cannot be used with pipeline.deploy:
//     blue-green" shows on pipeline.deploy).
//
// With live set, what is left out above comes back as warnings, so the
// person sees it without being stopped.
func (w *Wizard) problems(path string, live bool) profiles.Problems {
	w.apply()
	c := *w.spec
	c.Complete()
	at := w.posOf(path)
	var out profiles.Problems
	for _, p := range profiles.Validate(&c) {
		own := p.Path == path || strings.HasPrefix(p.Path, path+".") || strings.HasPrefix(p.Path, path+"[")
		switch {
		case own:
			if w.deferred(p, at) || w.namesLater(path, p.Message) {
				if !live {
					continue
				}
				p.Warning = true
			}
			out = append(out, p)
		case !p.Warning && mentionable(path) && mentions(p.Message, path):
			later := (at.before(w.posOf(p.Path)) && !w.isSet(p.Path)) || w.formAfter(path, p.Path)
			if later && !live {
				continue
			}
			p.Warning = p.Warning || later
			p.Message = p.Path + ": " + p.Message
			out = append(out, p)
		}
	}
	return out
}

// blocking returns the errors that keep the answer path from being left.
func (w *Wizard) blocking(path string) profiles.Problems {
	return w.problems(path, false).Errors()
}

// check is a huh validator for the answer path.
func (w *Wizard) check(path string) error {
	if err := w.extra(path); err != nil {
		return err
	}
	if errs := w.blocking(path); len(errs) > 0 {
		return errors.New(errs[0].Message)
	}
	return nil
}

// extra holds the rules of the wizard's own choices, which the answers file
// does not have (it says "no image" by leaving image empty).
func (w *Wizard) extra(path string) error {
	if err := w.workloadExtra(path); err != nil {
		return err
	}
	role, field, ok := strings.Cut(path, ".")
	if ok && (role == "backend" || role == "frontend") {
		sd := w.d.svc[profiles.Role(role)]
		switch {
		case field == "image" && sd.source == SourceImage && strings.TrimSpace(sd.image) == "":
			return errors.New("type the image to run (such as public.ecr.aws/nginx/nginx:1.27), or choose how the image is built")
		case field == "repository.name" && sd.source == SourcePipeline && strings.TrimSpace(sd.repo) == "":
			return errors.New("type the repository the pipeline builds (owner/repository, such as acme/shop-api)")
		}
	}
	if path == "awsProfile" && w.spec.AWSProfile != "" {
		if profs, ok := factOf[[]string](w, "profiles"); ok && !slices.Contains(profs, w.spec.AWSProfile) {
			known := "there are none"
			if len(profs) > 0 {
				known = "they are " + strings.Join(profs, ", ")
			}
			return fmt.Errorf("there is no AWS profile %q in the shared config files (%s); leave it empty for the default credential chain", w.spec.AWSProfile, known)
		}
	}
	if path == "state.backend" && w.d.shared && strings.TrimSpace(w.d.backend) == "" {
		return errors.New("type the bucket and prefix (s3://bucket/prefix), or keep the state on this machine")
	}
	if path == "network.vpcId" && w.d.existing && strings.TrimSpace(w.d.vpcID) == "" {
		return errors.New("type the id of the existing VPC (vpc-...), or choose to create one")
	}
	return nil
}

// notices are warnings from what the account says about an answer: public
// subnets that AWS lists as private.
func (w *Wizard) notices(path string) profiles.Problems {
	if path != "network.subnetIds" {
		return nil
	}
	subnets, ok := factOf[[]Subnet](w, w.subnetsKey())
	if !ok {
		return nil
	}
	var private []string
	for _, sn := range subnets {
		if !sn.Public && slices.Contains(w.d.subnets, sn.ID) {
			private = append(private, sn.ID)
		}
	}
	if len(private) == 0 {
		return nil
	}
	return profiles.Problems{{Path: path, Warning: true, Message: fmt.Sprintf(
		"%s %s private (no public addresses): the load balancer there cannot be reached from the internet; choose public subnets",
		strings.Join(private, ", "), map[bool]string{true: "is", false: "are"}[len(private) == 1])}}
}

// deferred says whether problem p names an answer that a question after
// the one at at asks (and the preset leaves to ask).
func (w *Wizard) deferred(p profiles.Problem, at qpos) bool {
	for path, o := range w.owner {
		if at.before(o) && !w.isSet(path) && mentionable(path) && mentions(p.Message, path) {
			return true
		}
	}
	return false
}

// formAfter says whether the question of path b comes after the one of
// path a in the form on screen. NOTE: the questions of a list item (the
// form of a worker or a job) share one place in the wizard's order, the
// list's; among themselves the form's order settles their rules.
func (w *Wizard) formAfter(a, b string) bool {
	if !strings.Contains(a, "[") || !strings.Contains(b, "[") {
		return false
	}
	seen := false
	for _, g := range w.built {
		for _, f := range g.fields {
			switch k := f.GetKey(); {
			case k == a:
				seen = true
			case seen && (k == b || strings.HasPrefix(b, k+".") || strings.HasPrefix(b, k+"[")):
				return true
			}
		}
	}
	return false
}

// namesLater says whether msg, a problem of path, names the answer of a
// question that comes after path's in the form on screen.
func (w *Wizard) namesLater(path, msg string) bool {
	if !strings.Contains(path, "[") {
		return false
	}
	seen := false
	for _, g := range w.built {
		for _, f := range g.fields {
			k := f.GetKey()
			if seen && mentions(msg, k) {
				return true
			}
			seen = seen || k == path
		}
	}
	return false
}

// qpos is where a question stands in the wizard: its page and its place
// among the page's questions.
type qpos struct{ page, n int }

func (a qpos) before(b qpos) bool { return a.page < b.page || (a.page == b.page && a.n < b.n) }

// questionOwners maps every answer path a question declares to that
// question: its key, and the answers it sets besides (a question's own key
// wins over another's set). It comes from the pages' questions themselves,
// so a question added to a page owns its answers with nothing else to list.
func questionOwners(w *Wizard) map[string]qpos {
	keys, sets := map[string]qpos{}, map[string]qpos{}
	for i, p := range w.pages {
		if p.id == "other" {
			continue // it asks what no question owns
		}
		n := 0
		b := &builder{w: w, dry: true, census: func(qu question) {
			at := qpos{i, n}
			n++
			if _, ok := keys[qu.f.GetKey()]; !ok {
				keys[qu.f.GetKey()] = at
			}
			for _, s := range qu.set {
				if _, ok := sets[s]; !ok {
					sets[s] = at
				}
			}
		}}
		p.build(b)
	}
	for s, at := range sets {
		if _, ok := keys[s]; !ok {
			keys[s] = at
		}
	}
	return keys
}

// posOf returns the question that asks path or its nearest parent (the
// longest prefix a question owns), or the other page, after every
// question, when none asks it.
func (w *Wizard) posOf(path string) qpos {
	for _, p := range profiles.Ancestors(path) {
		if at, ok := w.owner[p]; ok {
			return at
		}
	}
	return qpos{page: len(w.pages) - 1} // the other page
}

// pageOf returns the index of the page that asks path or its nearest
// parent: the last page (More settings) when no question before asks it.
func (w *Wizard) pageOf(path string) int { return w.posOf(path).page }

// mentionable says whether a path is distinctive enough to be found in a
// message: a dotted path or a camelCase key, not a plain word like "name".
func mentionable(path string) bool {
	return strings.ContainsRune(path, '.') || strings.ContainsFunc(path, unicode.IsUpper)
}

// mentions says whether msg names path as a whole path (not as the start
// of a longer one).
func mentions(msg, path string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], path)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(path)
		before := start == 0 || !pathChar(rune(msg[start-1]))
		after := end == len(msg) || !pathChar(rune(msg[end])) ||
			(msg[end] == '.' && (end+1 == len(msg) || !unicode.IsLetter(rune(msg[end+1]))))
		if before && after {
			return true
		}
		i = start + 1
	}
}

func pathChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-'
}

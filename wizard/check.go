package wizard

import (
	"errors"
	"strings"
	"unicode"

	"ecsdeck/profiles"
)

// problems returns what profiles.Validate says about the answer path on
// the answers so far (completed the way the loader completes them):
//
//   - the path's own problems, except those that name an answer a later
//     page asks (the rule is settled there: "ecs needs domain.name");
//   - errors on answers of this page or earlier ones whose message names
//     the path ("ebs cannot be used with pipeline.deploy: blue-green"
//     shows on pipeline.deploy).
//
// With live set, what is left out above comes back as warnings, so the
// person sees it without being stopped.
func (w *Wizard) problems(path string, live bool) profiles.Problems {
	w.apply()
	c := *w.spec
	c.Complete()
	var out profiles.Problems
	for _, p := range profiles.Validate(&c) {
		own := p.Path == path || strings.HasPrefix(p.Path, path+".") || strings.HasPrefix(p.Path, path+"[")
		switch {
		case own:
			if w.deferred(p) {
				if !live {
					continue
				}
				p.Warning = true
			}
			out = append(out, p)
		case !p.Warning && mentionable(path) && mentions(p.Message, path):
			settled := w.pageOf(p.Path) <= w.cur
			if !settled && !live {
				continue
			}
			p.Warning = p.Warning || !settled
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
	if path == "network.vpcId" && w.d.existing && strings.TrimSpace(w.d.vpcID) == "" {
		return errors.New("type the id of the existing VPC (vpc-...), or choose to create one")
	}
	return nil
}

// deferred says whether problem p names an answer that a later page asks.
func (w *Wizard) deferred(p profiles.Problem) bool {
	for path, i := range w.owner {
		if i > w.cur && mentionable(path) && mentions(p.Message, path) {
			return true
		}
	}
	return false
}

// pageOf returns the index of the page that asks path or its nearest
// parent, or len(pages) when no page asks it.
func (w *Wizard) pageOf(path string) int {
	for _, p := range profiles.Ancestors(path) {
		if i, ok := w.owner[p]; ok {
			return i
		}
	}
	return len(w.pages)
}

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

package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"ecsdeck/profiles"
)

// images: every public image the services run exists in its registry (and
// has the platform's architecture), asked anonymously through the
// registry HTTP API as ECS would pull it. A registry that cannot be
// reached is said, not failed.
func (v *Verifier) images(ctx context.Context, s *profiles.Spec) []Check {
	seen := map[string]bool{}
	var out []Check
	imgs := []string{}
	for _, t := range s.Services() {
		imgs = append(imgs, t.Service.Image)
	}
	for i := range s.Jobs {
		imgs = append(imgs, s.Jobs[i].Image)
	}
	for _, img := range imgs {
		if img == "" || seen[img] {
			continue
		}
		seen[img] = true
		out = append(out, v.image(ctx, img, s.Architecture))
	}
	return out
}

// imageRef is an image reference taken apart as the Docker CLI does.
type imageRef struct {
	host, repo, ref string
}

func parseImage(image string) imageRef {
	r := imageRef{host: "registry-1.docker.io"}
	rest := image
	if i := strings.IndexByte(rest, '/'); i > 0 {
		first := rest[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			r.host, rest = first, rest[i+1:]
		}
	}
	if r.host == "docker.io" || r.host == "index.docker.io" {
		r.host = "registry-1.docker.io"
	}
	r.repo, r.ref = rest, "latest"
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		r.repo, r.ref = rest[:i], rest[i+1:]
	} else if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		r.repo, r.ref = rest[:i], rest[i+1:]
	}
	if r.host == "registry-1.docker.io" && !strings.Contains(r.repo, "/") {
		r.repo = "library/" + r.repo
	}
	return r
}

var privateECR = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

const manifestTypes = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, " +
	"application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"

func (v *Verifier) image(ctx context.Context, image string, arch profiles.Architecture) Check {
	const name = "image"
	r := parseImage(image)
	if privateECR.MatchString(r.host) {
		return Check{Name: name, Subject: image, Status: Unchecked, Detail: "a private ECR image: the tasks' execution role pulls it; not checked here"}
	}
	base := "https://" + r.host
	if b, ok := v.Registries[r.host]; ok {
		base = b
	}
	u := fmt.Sprintf("%s/v2/%s/manifests/%s", base, r.repo, r.ref)
	resp, err := v.getManifest(ctx, u, "")
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		challenge := resp.Header.Get("Www-Authenticate")
		resp.Body.Close()
		var token string
		token, err = v.registryToken(ctx, challenge, r.repo)
		if err == nil {
			resp, err = v.getManifest(ctx, u, token)
		}
	}
	if err != nil {
		return Check{Name: name, Subject: image, Status: Unchecked, Detail: "the registry " + r.host + " could not be asked: " + err.Error()}
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return failed(name, image, "not found in "+r.host, "check the image name and tag (the registry has no "+r.repo+":"+r.ref+")")
	case http.StatusUnauthorized, http.StatusForbidden:
		return failed(name, image, "not found, or private: "+r.host+" refused to show it without credentials",
			"check the name and tag; a private image needs its registry's credentials (repositoryCredentials), which ecsdeck does not set up")
	default:
		return Check{Name: name, Subject: image, Status: Unchecked, Detail: fmt.Sprintf("the registry %s answered HTTP %d", r.host, resp.StatusCode)}
	}
	var m struct {
		MediaType string `json:"mediaType"`
		Manifests []struct {
			Platform struct {
				OS           string `json:"os"`
				Architecture string `json:"architecture"`
			} `json:"platform"`
		} `json:"manifests"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	want := "amd64"
	if arch == profiles.ArchARM {
		want = "arm64"
	}
	if json.Unmarshal(body, &m) == nil && len(m.Manifests) > 0 {
		var archs []string
		for _, p := range m.Manifests {
			if p.Platform.OS == "linux" && p.Platform.Architecture == want {
				return passed(name, image, "exists in "+r.host+", for linux/"+want)
			}
			if p.Platform.Architecture != "" && p.Platform.Architecture != "unknown" {
				archs = append(archs, p.Platform.OS+"/"+p.Platform.Architecture)
			}
		}
		return failed(name, image, "has no linux/"+want+" image (it has "+list(archs)+")",
			"choose architecture "+otherArch(want)+", or an image built for linux/"+want)
	}
	return passed(name, image, "exists in "+r.host)
}

func otherArch(want string) string {
	if want == "arm64" {
		return string(profiles.ArchX86)
	}
	return string(profiles.ArchARM)
}

func (v *Verifier) getManifest(ctx context.Context, u, token string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", manifestTypes)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return v.client().Do(req)
}

func (v *Verifier) client() *http.Client {
	if v.Registry != nil {
		return v.Registry
	}
	return http.DefaultClient
}

var challengeParam = regexp.MustCompile(`(\w+)="([^"]*)"`)

// registryToken gets an anonymous pull token as the Bearer challenge says.
func (v *Verifier) registryToken(ctx context.Context, challenge, repo string) (string, error) {
	if !strings.HasPrefix(strings.ToLower(challenge), "bearer ") {
		return "", fmt.Errorf("it asks for credentials (%s)", strings.SplitN(challenge, " ", 2)[0])
	}
	params := map[string]string{}
	for _, m := range challengeParam.FindAllStringSubmatch(challenge, -1) {
		params[strings.ToLower(m[1])] = m[2]
	}
	realm, err := url.Parse(params["realm"])
	if err != nil || realm.Host == "" {
		return "", fmt.Errorf("its token service is not named")
	}
	q := realm.Query()
	if s := params["service"]; s != "" {
		q.Set("service", s)
	}
	scope := params["scope"]
	if scope == "" {
		scope = "repository:" + repo + ":pull"
	}
	q.Set("scope", scope)
	realm.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, realm.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := v.client().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var t struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("its token service answered HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&t); err != nil {
		return "", fmt.Errorf("its token service answered no token")
	}
	if t.Token == "" {
		t.Token = t.AccessToken
	}
	return t.Token, nil
}

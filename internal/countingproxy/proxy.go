// Package countingproxy is an HTTP reverse proxy to put in front of an AWS
// endpoint (moto_server) in benchmarks: it counts, per operation, the
// calls that pass and the events their answers carry (the length of the
// JSON `events` array, as FilterLogEvents and GetLogEvents answer), and
// can add latency to every call. Figures come from the wire, not from the
// counters of the code measured.
package countingproxy

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Proxy is a running counting proxy.
type Proxy struct {
	// URL is the endpoint to give the SDK.
	URL string
	// Latency is added before each call is forwarded (0: none).
	Latency time.Duration

	srv *httptest.Server

	mu    sync.Mutex
	calls map[string][]time.Time // per operation key, when each call came
	evs   map[string]int
}

// Start starts a proxy to upstream (e.g. http://127.0.0.1:5123).
func Start(upstream string) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil {
		return nil, err
	}
	p := &Proxy{calls: map[string][]time.Time{}, evs: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = p.count
	// A call its client gave up on is not news.
	rp.ErrorLog = log.New(io.Discard, "", 0)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := Operation(r)
		p.mu.Lock()
		p.calls[key] = append(p.calls[key], time.Now())
		lat := p.Latency
		p.mu.Unlock()
		if lat > 0 {
			select {
			case <-time.After(lat):
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// SetLatency changes the latency added to each call.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Latency = d
}

// Operation is "service.Op" of a request: the SigV4 signing name and the
// X-Amz-Target operation (JSON protocols) or Action (query protocols).
func Operation(r *http.Request) string {
	service := ""
	auth := r.Header.Get("Authorization")
	if i := strings.Index(auth, "Credential="); i >= 0 {
		scope := auth[i+len("Credential="):]
		if j := strings.IndexAny(scope, ", "); j >= 0 {
			scope = scope[:j]
		}
		if parts := strings.Split(scope, "/"); len(parts) >= 5 {
			service = parts[3]
		}
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return service + "." + t[strings.LastIndex(t, ".")+1:]
	}
	if r.URL.Query().Get("Action") != "" {
		return service + "." + r.URL.Query().Get("Action")
	}
	return service + "." + r.Method + " " + r.URL.Path
}

// count reads the events of a JSON answer and puts the body back.
func (p *Proxy) count(resp *http.Response) error {
	key := Operation(resp.Request)
	// NOTE: moto labels its JSON answers text/html; look at the body.
	if resp.Request.Header.Get("X-Amz-Target") == "" {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var out struct {
		Events []json.RawMessage `json:"events"`
	}
	if json.Unmarshal(body, &out) == nil && len(out.Events) > 0 {
		p.mu.Lock()
		p.evs[key] += len(out.Events)
		p.mu.Unlock()
	}
	return nil
}

// Calls is how many calls of the operation key ("logs.FilterLogEvents")
// passed, or of every operation when key is "".
func (p *Proxy) Calls(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if key != "" {
		return len(p.calls[key])
	}
	n := 0
	for _, c := range p.calls {
		n += len(c)
	}
	return n
}

// CallTimes is when each call of the operation key came, in order.
func (p *Proxy) CallTimes(key string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.calls[key]...)
}

// Events is how many events the answers to the operation key carried.
func (p *Proxy) Events(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.evs[key]
}

// Keys lists the operations seen, sorted.
func (p *Proxy) Keys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.calls))
	for k := range p.calls {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Reset forgets every count.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = map[string][]time.Time{}
	p.evs = map[string]int{}
}

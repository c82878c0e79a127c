package countingproxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCountsCallsAndEventsAndPassesAnswersOn(t *testing.T) {
	// GIVEN an endpoint answering FilterLogEvents with three events
	answer := `{"events":[{"eventId":"1"},{"eventId":"2"},{"eventId":"3"}],"nextToken":"t"}`
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, answer)
	}))
	defer up.Close()
	p, err := Start(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SetLatency(30 * time.Millisecond)
	call := func(target string) string {
		req, _ := http.NewRequest("POST", p.URL+"/", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260304/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	// WHEN it is called twice through the proxy, and once for another operation
	start := time.Now()
	got := call("Logs_20140328.FilterLogEvents")
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Fatalf("the call took %s, without the latency added", took)
	}
	call("Logs_20140328.FilterLogEvents")
	call("Logs_20140328.DescribeLogGroups")
	// THEN the answer passed unchanged, and calls and events were counted per operation
	if got != answer {
		t.Fatalf("answer = %s", got)
	}
	if n, e := p.Calls("logs.FilterLogEvents"), p.Events("logs.FilterLogEvents"); n != 2 || e != 6 {
		t.Fatalf("FilterLogEvents: %d calls, %d events; want 2 and 6", n, e)
	}
	if n := p.Calls(""); n != 3 {
		t.Fatalf("%d calls in all, want 3", n)
	}
	if keys := strings.Join(p.Keys(), " "); keys != "logs.DescribeLogGroups logs.FilterLogEvents" {
		t.Fatalf("keys = %s", keys)
	}
}

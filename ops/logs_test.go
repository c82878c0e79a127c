package ops

import (
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

// logsWorld seeds a service "web" whose task definition logs to
// /ecs/logs/web with prefix "ecs" (streams ecs/app/TASK).
func logsWorld(t *testing.T) (*world, LogSource) {
	t.Helper()
	w := newWorld(t, seedOf("logs", svc("web", 1)))
	s, err := w.client.Services.Lookup(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	src, err := w.client.Logs.Source(w.ctx, s, "app")
	if err != nil {
		t.Fatal(err)
	}
	w.front.ResetCalls()
	return w, src
}

func put(w *world, stream string, lines ...mototest.LogLine) {
	w.t.Helper()
	if err := mototest.PutLogs(w.ctx, w.cfg, "/ecs/logs/web", stream, lines...); err != nil {
		w.t.Fatal(err)
	}
}

func messages(lines []LogLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Message)
	}
	return out
}

func TestLogSourceComesFromTheTaskDefinition(t *testing.T) {
	// GIVEN a service whose container logs with awslogs
	w, src := logsWorld(t)
	// THEN its group, stream prefix and group ARN come from the task definition
	want := LogSource{
		Service: "web", Group: "/ecs/logs/web", Region: "us-east-1", StreamPrefix: "ecs/app/", Containers: []string{"app"},
		GroupARN: "arn:aws:logs:us-east-1:" + w.front.Account + ":log-group:/ecs/logs/web",
	}
	if !reflect.DeepEqual(src, want) {
		t.Fatalf("source = %+v\nwant     %+v", src, want)
	}
}

func TestFetchMergesStreamsInTimeOrder(t *testing.T) {
	w, src := logsWorld(t)
	base := time.Now().Add(-5 * time.Minute).Truncate(time.Millisecond)
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }
	// GIVEN two tasks' streams with interleaved lines, and another
	// container's stream in the same group
	put(w, "ecs/app/task1", mototest.LogLine{Time: at(1), Message: "one"}, mototest.LogLine{Time: at(3), Message: "three ERROR"}, mototest.LogLine{Time: at(5), Message: "five"})
	put(w, "ecs/app/task2", mototest.LogLine{Time: at(2), Message: "two"}, mototest.LogLine{Time: at(4), Message: "four ERROR"})
	put(w, "ecs/nginx/task1", mototest.LogLine{Time: at(3), Message: "not this one"})
	// WHEN fetched since before the first line
	page, err := w.client.Logs.Fetch(w.ctx, src, LogQuery{Since: base})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the lines of the service's streams come merged in time order
	if got := messages(page.Lines); !reflect.DeepEqual(got, []string{"one", "two", "three ERROR", "four ERROR", "five"}) {
		t.Fatalf("lines = %q", got)
	}
	if page.Lines[1].Task() != "task2" || page.Lines[1].Container() != "app" {
		t.Fatalf("line = %+v", page.Lines[1])
	}
	// AND --since leaves out older lines, --filter non-matching ones
	page, err = w.client.Logs.Fetch(w.ctx, src, LogQuery{Since: at(2), Filter: "ERROR"})
	if err != nil {
		t.Fatal(err)
	}
	if got := messages(page.Lines); !reflect.DeepEqual(got, []string{"three ERROR", "four ERROR"}) {
		t.Fatalf("filtered lines = %q", got)
	}
	// AND a limit keeps the newest lines and counts the rest
	w.client.Logs.Limit = 2
	page, err = w.client.Logs.Fetch(w.ctx, src, LogQuery{Since: base})
	if err != nil {
		t.Fatal(err)
	}
	if got := messages(page.Lines); !reflect.DeepEqual(got, []string{"four ERROR", "five"}) || page.Dropped != 3 {
		t.Fatalf("limited lines = %q dropped %d", got, page.Dropped)
	}
}

func TestABadFilterIsAFilterError(t *testing.T) {
	// GIVEN CloudWatch Logs refuses the pattern
	w, src := logsWorld(t)
	w.front.Handle("logs.FilterLogEvents", mototest.Always(mototest.Error(http.StatusBadRequest, "InvalidParameterException", "Invalid filter pattern")))
	// WHEN fetched with it
	_, err := w.client.Logs.Fetch(w.ctx, src, LogQuery{Filter: "{ $.level = "})
	// THEN the error names the pattern
	var fe *FilterError
	if !errors.As(err, &fe) || fe.Pattern != "{ $.level = " {
		t.Fatalf("error = %v", err)
	}
	if want := `filter "{ $.level = " is not a valid CloudWatch Logs filter pattern: `; err.Error()[:len(want)] != want {
		t.Fatalf("error = %q", err)
	}
}

func TestAServiceWithoutAwslogsHasNoLogSource(t *testing.T) {
	w := newWorld(t, seedOf("nolog", svc("web", 1)))
	s, err := w.client.Services.Lookup(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// GIVEN a task definition without a log configuration
	w.front.Handle("ecs.DescribeTaskDefinition", mototest.Always(mototest.JSON(map[string]any{"taskDefinition": map[string]any{
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/web:1", "family": "web", "revision": 1,
		"containerDefinitions": []any{map[string]any{"name": "app", "image": "x", "essential": true}},
	}})))
	// WHEN its log source is read THEN the error says why there is none
	_, err = w.client.Logs.Source(w.ctx, s, "")
	if err == nil || err.Error() != "web's task definition web:1 sends no logs to CloudWatch Logs (no awslogs log configuration)" {
		t.Fatalf("error = %v", err)
	}
}

func TestRing(t *testing.T) {
	// GIVEN a ring of three
	r := NewRing[int](3)
	// WHEN five values go through
	r.Push(1, 2, 3, 4, 5)
	// THEN the newest three remain, oldest first, and two were dropped
	if got := r.Items(); !reflect.DeepEqual(got, []int{3, 4, 5}) || r.Len() != 3 || r.Dropped() != 2 || r.Cap() != 3 {
		t.Fatalf("items = %v len %d dropped %d", got, r.Len(), r.Dropped())
	}
	if got := r.Last(2); !reflect.DeepEqual(got, []int{4, 5}) {
		t.Fatalf("last 2 = %v", got)
	}
	r.Reset()
	if r.Len() != 0 || len(r.Items()) != 0 {
		t.Fatal("reset ring is not empty")
	}
}

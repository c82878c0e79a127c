package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/internal/ssmtest"
	"ecsdeck/stack"
)

// fakeSessionPlugin puts a session-manager-plugin test double on PATH: it
// writes its arguments, one a line, to a file and exits 7.
func fakeSessionPlugin(t *testing.T) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '" + argsFile + "'; done\nexit 7\n"
	if err := os.WriteFile(filepath.Join(dir, sessionPlugin), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

// execReady answers the calls of exec for web: ECS Exec on, one running
// task whose app container's agent is in state agent.
func execReady(t *testing.T, c *opsCLI, enabled bool, agent string) (*mototest.Recorder, string) {
	return execReadyAt(t, c, enabled, agent, "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ecs-execute-command-1")
}

// execReadyAt is execReady whose sessions stream from streamURL.
func execReadyAt(t *testing.T, c *opsCLI, enabled bool, agent, streamURL string) (*mototest.Recorder, string) {
	t.Helper()
	id := "0123456789abcdef0123456789abcdef"
	arn := "arn:aws:ecs:us-east-1:" + c.front.Account + ":task/shop/" + id
	td := describeService(t, c, "web")["taskDefinition"]
	c.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Patch(func(out map[string]any) {
		for _, s := range out["services"].([]any) {
			s.(map[string]any)["enableExecuteCommand"] = enabled
		}
	})))
	c.front.Handle("ecs.ListTasks", mototest.Always(mototest.JSON(map[string]any{"taskArns": []string{arn}})))
	c.front.Handle("ecs.DescribeTasks", mototest.Always(mototest.JSON(map[string]any{"tasks": []any{map[string]any{
		"taskArn": arn, "lastStatus": "RUNNING", "desiredStatus": "RUNNING", "enableExecuteCommand": true, "taskDefinitionArn": td,
		"startedAt": 1767225600, "containers": []any{map[string]any{"name": "app", "runtimeId": id + "-1234567890",
			"managedAgents": []any{map[string]any{"name": "ExecuteCommandAgent", "lastStatus": agent}}}},
	}}})))
	var rec mototest.Recorder
	c.front.Handle("ecs.ExecuteCommand", rec.Wrap(mototest.Always(mototest.JSON(map[string]any{
		"clusterArn": "arn:aws:ecs:us-east-1:" + c.front.Account + ":cluster/shop", "containerName": "app", "interactive": true, "taskArn": arn,
		"session": map[string]any{"sessionId": "ecs-execute-command-1", "streamUrl": streamURL, "tokenValue": "session-token"},
	}))))
	return &rec, id
}

func TestExecDrivesTheSessionItselfWithNoPluginInstalled(t *testing.T) {
	// GIVEN no session-manager-plugin on PATH, and an agent double whose
	// shell echoes what it gets
	c := newOpsCLI(t, shop())
	t.Setenv("PATH", t.TempDir())
	agent := ssmtest.New(t, ssmtest.Options{Token: "session-token", Echo: true})
	rec, id := execReadyAt(t, c, true, "RUNNING", agent.StreamURL("ecs-execute-command-1"))
	c.stdin = "print(1)\n"
	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	// WHEN a command runs in web's running task, its input piped in
	go func() {
		code, out, errs := c.run("exec", "web", "--answers", hello, "--", "./manage.py", "shell")
		done <- result{code, out, errs}
	}()
	conn := agent.Next(t)
	// THEN the agent gets the input and, stdin having ended, a Ctrl-D
	conn.Wait(t, "the input", func() bool { return conn.Input() == "print(1)\n\x04" })
	conn.Output("1\n")
	conn.Exit(7)
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("exec did not end")
	}
	// AND the echo and output are on stdout, the agent's exit code is ecsdeck's
	if r.code != 7 || r.out != "print(1)\n\x041\n" {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.out, r.errs)
	}
	in := rec.Inputs()
	if len(in) != 1 || in[0]["command"] != "./manage.py shell" || in[0]["container"] != "app" || in[0]["interactive"] != true || !strings.HasSuffix(in[0]["task"].(string), id) {
		t.Fatalf("ExecuteCommand inputs %v", in)
	}
	if !strings.Contains(r.errs, "./manage.py shell in app of task "+id) {
		t.Errorf("stderr:\n%s", r.errs)
	}
}

func TestExecSaysWhenTheSessionDrops(t *testing.T) {
	c := newOpsCLI(t, shop())
	agent := ssmtest.New(t, ssmtest.Options{Token: "session-token"})
	execReadyAt(t, c, true, "RUNNING", agent.StreamURL("ecs-execute-command-1"))
	done := make(chan [2]string, 1)
	var code int
	go func() {
		var out, errs string
		code, out, errs = c.run("exec", "web", "--answers", hello)
		done <- [2]string{out, errs}
	}()
	agent.Next(t).Drop()
	r := <-done
	if code != exitFailed || !strings.Contains(r[1], "the connection to Session Manager dropped") {
		t.Fatalf("exit %d\n%s", code, r[1])
	}
}

func TestExecHandsTheSessionToTheSessionManagerPluginWhenAsked(t *testing.T) {
	c := newOpsCLI(t, shop())
	args := fakeSessionPlugin(t)
	rec, id := execReady(t, c, true, "RUNNING")
	// WHEN a command runs in web's running task through the plugin
	code, out, errs := c.run("exec", "web", "--answers", hello, "--session-manager-plugin", "--", "./manage.py", "shell")
	// THEN ECS was asked for an interactive session in its app container,
	// the plugin got that session and its target, and its exit code is ecsdeck's
	if code != 7 {
		t.Fatalf("exit %d, want the plugin's 7\n%s\n%s", code, out, errs)
	}
	in := rec.Inputs()
	if len(in) != 1 || in[0]["command"] != "./manage.py shell" || in[0]["container"] != "app" || in[0]["interactive"] != true || !strings.HasSuffix(in[0]["task"].(string), id) {
		t.Fatalf("ExecuteCommand inputs %v", in)
	}
	b, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(got) != 6 || got[1] != "us-east-1" || got[2] != "StartSession" {
		t.Fatalf("plugin args %q", got)
	}
	var sess struct{ SessionId, StreamUrl, TokenValue string }
	var params struct{ Target string }
	if json.Unmarshal([]byte(got[0]), &sess) != nil || sess.SessionId != "ecs-execute-command-1" || sess.TokenValue != "session-token" {
		t.Fatalf("session %q", got[0])
	}
	if json.Unmarshal([]byte(got[4]), &params) != nil || params.Target != "ecs:shop_"+id+"_"+id+"-1234567890" {
		t.Fatalf("target %q", got[4])
	}
	if !strings.Contains(errs, "./manage.py shell in app of task "+id) {
		t.Errorf("stderr:\n%s", errs)
	}
}

func TestExecSaysWhatECSExecLacks(t *testing.T) {
	c := newOpsCLI(t, shop())
	fakeSessionPlugin(t)
	// GIVEN ECS Exec off for the service
	execReady(t, c, false, "RUNNING")
	if code, _, errs := c.run("exec", "web", "--answers", hello); code != exitUsage || !strings.Contains(errs, "ECS Exec is not turned on for web") {
		t.Fatalf("exec off: exit %d\n%s", code, errs)
	}
	// GIVEN the agent not running in the container
	execReady(t, c, true, "STOPPED")
	if code, _, errs := c.run("exec", "web", "--answers", hello); code != exitUsage || !strings.Contains(errs, "the ECS Exec agent in app of task") || !strings.Contains(errs, "ssmmessages") {
		t.Fatalf("agent stopped: exit %d\n%s", code, errs)
	}
	// GIVEN a task that is not there
	execReady(t, c, true, "RUNNING")
	if code, _, errs := c.run("exec", "web", "--answers", hello, "--task", "ffff"); code != exitUsage || !strings.Contains(errs, "has no running task ffff") {
		t.Fatalf("unknown task: exit %d\n%s", code, errs)
	}
	if n := c.front.Calls("ecs.ExecuteCommand"); n != 0 {
		t.Fatalf("ECS was asked for a session %d times despite the problems", n)
	}
	// GIVEN no session-manager-plugin on PATH when it is asked for
	t.Setenv("PATH", t.TempDir())
	t.Setenv(pluginEnv, "1")
	if code, _, errs := c.run("exec", "web", "--answers", hello); code != exitFailed || !strings.Contains(errs, "session-manager-plugin, which is not on PATH") {
		t.Fatalf("no plugin: exit %d\n%s", code, errs)
	}
}

func TestTunnelToTheDatabaseSaysHowToConnectWithoutThePassword(t *testing.T) {
	c := newOpsCLI(t, shop())
	t.Setenv(pluginEnv, "1")
	args := fakeSessionPlugin(t)
	_, id := execReady(t, c, true, "RUNNING")
	secret := "arn:aws:secretsmanager:us-east-1:" + c.front.Account + ":secret:rds!db-0a1b2c"
	c.editOutputs = func(o *stack.Outputs) {
		o.DatabaseEndpoint, o.DatabaseSecretARN = "shop-prod-db.c9akciq32.us-east-1.rds.amazonaws.com:5432", secret
	}
	var sessions mototest.Recorder
	c.front.Handle("ssm.StartSession", sessions.Wrap(mototest.Always(mototest.JSON(map[string]any{
		"SessionId": "tunnel-1", "StreamUrl": "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/tunnel-1", "TokenValue": "tunnel-token",
	}))))
	base, err := os.ReadFile(hello)
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "db.yaml", string(base)+"database:\n  engine: postgres\n  username: app\n  name: shop\n")
	// WHEN a tunnel to the database opens on local port 15432
	code, _, errs := c.run("tunnel", "db", "--answers", file, "--local-port", "15432")
	if code != 7 {
		t.Fatalf("exit %d, want the plugin's 7\n%s", code, errs)
	}
	// THEN Session Manager was asked to forward to the database through
	// web's task, and the plugin got that session
	in := sessions.Inputs()
	if len(in) != 1 || in[0]["Target"] != "ecs:shop_"+id+"_"+id+"-1234567890" || in[0]["DocumentName"] != "AWS-StartPortForwardingSessionToRemoteHost" {
		t.Fatalf("StartSession inputs %v", in)
	}
	p := in[0]["Parameters"].(map[string]any)
	if fmt.Sprint(p["host"]) != "[shop-prod-db.c9akciq32.us-east-1.rds.amazonaws.com]" || fmt.Sprint(p["portNumber"]) != "[5432]" || fmt.Sprint(p["localPortNumber"]) != "[15432]" {
		t.Fatalf("parameters %v", p)
	}
	b, _ := os.ReadFile(args)
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(got) != 6 || !strings.Contains(got[0], `"SessionId":"tunnel-1"`) || !strings.Contains(got[4], `"DocumentName":"AWS-StartPortForwardingSessionToRemoteHost"`) {
		t.Fatalf("plugin args %q", got)
	}
	// AND it says how to connect, naming the password's secret, never a password
	for _, want := range []string{"forwarding 127.0.0.1:15432 to shop-prod-db.c9akciq32.us-east-1.rds.amazonaws.com:5432 through task " + id,
		"connect: postgresql://app@127.0.0.1:15432/shop", "get-secret-value --secret-id " + secret} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	// AND a platform without a database, or a bad port, is bad input
	c.editOutputs = nil
	if code, _, errs := c.run("tunnel", "db", "--answers", file); code != exitUsage || !strings.Contains(errs, "has no database") {
		t.Fatalf("no database: exit %d\n%s", code, errs)
	}
	if code, _, errs := c.run("tunnel", "web", "70000", "--answers", hello); code != exitUsage || !strings.Contains(errs, "give a port") {
		t.Fatalf("bad port: exit %d\n%s", code, errs)
	}
}

func TestTunnelForwardsTwoConnectionsWithNoPluginInstalled(t *testing.T) {
	// GIVEN no session-manager-plugin on PATH, and an agent double that
	// forwards to an echo server
	c := newOpsCLI(t, shop())
	t.Setenv("PATH", t.TempDir())
	_, id := execReady(t, c, true, "RUNNING")
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			conn, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(conn, conn); conn.Close() }()
		}
	}()
	agent := ssmtest.New(t, ssmtest.Options{Token: "tunnel-token", SessionType: "Port", ForwardTo: echo.Addr().String(),
		Properties: map[string]any{"type": "LocalPortForwarding", "portNumber": "8080"}})
	c.front.Handle("ssm.StartSession", mototest.Always(mototest.JSON(map[string]any{
		"SessionId": "tunnel-1", "StreamUrl": agent.StreamURL("tunnel-1"), "TokenValue": "tunnel-token",
	})))
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	port := free.Addr().(*net.TCPAddr).Port
	free.Close()
	done := make(chan [2]string, 1)
	var code int
	go func() {
		var out, errs string
		code, out, errs = c.run("tunnel", "web", "8080", "--answers", hello, "--local-port", strconv.Itoa(port))
		done <- [2]string{out, errs}
	}()
	conn := agent.Next(t)
	// WHEN two clients talk through the local port at once
	var clients []net.Conn
	for range 2 {
		cl, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		clients = append(clients, cl)
	}
	for i, cl := range clients {
		fmt.Fprintf(cl, "hello %d\n", i)
	}
	for i, cl := range clients {
		cl.SetReadDeadline(time.Now().Add(10 * time.Second))
		got, err := bufio.NewReader(cl).ReadString('\n')
		if err != nil || got != fmt.Sprintf("hello %d\n", i) {
			t.Fatalf("client %d read %q, %v", i, got, err)
		}
	}
	// THEN the tunnel ends with exit 0 when Session Manager closes it
	conn.CloseChannel("")
	r := <-done
	if code != exitOK || !strings.Contains(r[1], fmt.Sprintf("forwarding 127.0.0.1:%d to port 8080 of task %s", port, id)) {
		t.Fatalf("exit %d\n%s", code, r[1])
	}
}

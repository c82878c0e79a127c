package auto

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"ecsdeck/stack"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AWS's documented example credentials.
const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleToken  = "IQoJb3JpZ2luX2VjEXAMPLETOKENaCXVzLWVhc3QtMSJHMEUCIQD+example+session/token=="
)

func TestRedactAWSSecretsByShape(t *testing.T) {
	var r redactor
	// GIVEN texts in which a provider or the SDK echoes credentials
	for _, c := range []struct{ in, want string }{
		{"aws_secret_access_key = " + exampleSecret, "aws_secret_access_key = [secret]"},
		{`{"AccessKeyId":"` + exampleKeyID + `","SecretAccessKey":"` + exampleSecret + `","SessionToken":"` + exampleToken + `"}`,
			`{"AccessKeyId":"` + exampleKeyID + `","SecretAccessKey":"[secret]","SessionToken":"[secret]"}`},
		{"<SecretAccessKey>" + exampleSecret + "</SecretAccessKey>", "<SecretAccessKey>[secret]</SecretAccessKey>"},
		{"X-Amz-Security-Token: " + exampleToken, "X-Amz-Security-Token: [secret]"},
		{"secret_access_key: '" + exampleSecret + "'", "secret_access_key: '[secret]'"},
		{"aws_session_token=" + exampleToken, "aws_session_token=[secret]"},
		// an access key id names a key; it is not secret and stays readable
		{"InvalidClientTokenId: key " + exampleKeyID + " is not valid", "InvalidClientTokenId: key " + exampleKeyID + " is not valid"},
		{"commit 3f786850e387550fdab836ed7e6dc881de23001b", "commit 3f786850e387550fdab836ed7e6dc881de23001b"},
	} {
		// WHEN redacted THEN the secret is gone and the rest reads as before
		if got := r.redact(c.in); got != c.want {
			t.Errorf("redact(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestEngineNeverShowsAWSSecrets(t *testing.T) {
	h := newHarness(t)
	// GIVEN AWS credentials in the environment, and a program that echoes
	// them (as a provider's error might) and fails
	t.Setenv("AWS_SECRET_ACCESS_KEY", exampleSecret)
	envToken := "FwoGZXIvYXdzEPT//////////wEaDEXAMPLEenvTOKEN"
	shapedSecret := "9drTJvcXLB89EXAMPLELB8923FB892xMFI"
	e, err := New(Options{
		Stack: "shop-test", StateDir: h.stateDir, CLI: cliPath(t), Log: h.log,
		Env: map[string]string{"PULUMI_HOME": filepath.Join(h.stateDir, "home"), "AWS_SESSION_TOKEN": envToken},
		Program: func(ctx *pulumi.Context) error {
			ctx.Log.Warn("retrying with "+exampleSecret+" and token "+envToken, nil)
			var c struct{ pulumi.ResourceState }
			if err := ctx.RegisterComponentResource("ecsdeck:aws:Thing", "leaky", &c); err != nil {
				return err
			}
			return fmt.Errorf("SignatureDoesNotMatch: aws_secret_access_key=%s SessionToken: %s", shapedSecret, envToken)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// WHEN it runs
	evs, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(context.Background(), ch) })
	if err == nil {
		t.Fatal("the failing program succeeded")
	}
	// THEN no secret is in the error, an event or the log
	all := err.Error() + "\n" + h.log.String()
	for _, ev := range evs {
		all += fmt.Sprintf("\n%+v", ev)
	}
	for _, s := range []string{exampleSecret, envToken, shapedSecret} {
		if strings.Contains(all, s) {
			t.Errorf("secret %q leaked:\n%s", s[:6]+"…", all)
		}
	}
	// AND what went wrong still reads, with the secrets replaced
	if !strings.Contains(all, "SignatureDoesNotMatch: aws_secret_access_key=[secret] SessionToken: [secret]") ||
		!strings.Contains(all, "retrying with [secret] and token [secret]") {
		t.Errorf("the messages:\n%s", all)
	}
	// AND Scrub, which callers use for their own lines, knows the same secrets
	if got := e.Scrub("key " + exampleSecret + " token " + envToken); got != "key [secret] token [secret]" {
		t.Errorf("Scrub = %q", got)
	}
}

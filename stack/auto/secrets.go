package auto

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"ecsdeck/stack"
)

// PassphraseEnv is the variable that, when set, holds the state passphrase.
const PassphraseEnv = "PULUMI_CONFIG_PASSPHRASE"

// PassphraseFileEnv names a file that holds the state passphrase (the
// team's, from a secret store), as the Pulumi CLI reads it.
const PassphraseFileEnv = "PULUMI_CONFIG_PASSPHRASE_FILE"

// passphraseSource is where a passphrase came from.
type passphraseSource int

const (
	passphraseGiven     passphraseSource = iota // PULUMI_CONFIG_PASSPHRASE or _FILE
	passphraseGenerated                         // this machine's own file
)

// passphraseOf is Passphrase with where it came from: the environment, a
// file PULUMI_CONFIG_PASSPHRASE_FILE names, or this machine's own file.
func passphraseOf(path string) (string, passphraseSource, error) {
	if p, ok := os.LookupEnv(PassphraseEnv); ok && p != "" {
		return p, passphraseGiven, nil
	}
	if f := os.Getenv(PassphraseFileEnv); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", passphraseGiven, fmt.Errorf("read the passphrase file %s named by %s: %w", f, PassphraseFileEnv, unwrapPath(err))
		}
		p := strings.TrimSpace(string(b))
		if p == "" {
			return "", passphraseGiven, fmt.Errorf("the passphrase file %s named by %s is empty", f, PassphraseFileEnv)
		}
		return p, passphraseGiven, nil
	}
	p, err := Passphrase(path)
	return p, passphraseGenerated, err
}

// LocalPassphraseError refuses to create a stack on a shared backend whose
// secrets would be encrypted with this machine's own passphrase.
type LocalPassphraseError struct {
	Stack, Backend, File string
}

func (e *LocalPassphraseError) Error() string {
	return fmt.Sprintf("%s would be created in the shared backend %s with secrets that only this machine can read (its own passphrase, %s).\n"+
		"  Give the team's passphrase in %s (or a file holding it in %s), kept in your secret store,\n"+
		"  or set state.secretsProvider to a KMS key (awskms://alias/NAME?region=REGION);\n"+
		"  or, to use this machine's passphrase anyway, run again with --local-passphrase and share that file with the team",
		e.Stack, redactURL(e.Backend), e.File, PassphraseEnv, PassphraseFileEnv)
}

// Is matches stack.ErrLocalPassphrase.
func (e *LocalPassphraseError) Is(target error) bool { return target == stack.ErrLocalPassphrase }

// redactURL drops the query of a backend URL (endpoints and options) for a message.
func redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// Passphrase returns the passphrase that encrypts the stack's secrets: from
// PULUMI_CONFIG_PASSPHRASE when set, else from the 0600 file at path,
// generated on first use. The passphrase never appears in an error.
func Passphrase(path string) (string, error) {
	if p, ok := os.LookupEnv(PassphraseEnv); ok && p != "" {
		return p, nil
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if st, serr := os.Stat(path); serr == nil && st.Mode().Perm()&0o077 != 0 {
			return "", fmt.Errorf("the passphrase file %s can be read by others (mode %v): run chmod 600 %s", path, st.Mode().Perm(), path)
		}
		p := strings.TrimSpace(string(b))
		if p == "" {
			return "", fmt.Errorf("the passphrase file %s is empty: restore it from your backup, or set %s", path, PassphraseEnv)
		}
		return p, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("read the passphrase file %s: %w", path, unwrapPath(err))
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate a passphrase: %w", err)
	}
	p := base64.RawURLEncoding.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(path), unwrapPath(err))
	}
	// O_EXCL: two first runs at once must not each write their own.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return Passphrase(path)
	}
	if err != nil {
		return "", fmt.Errorf("write the passphrase file %s: %w", path, unwrapPath(err))
	}
	if _, err := f.WriteString(p + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("write the passphrase file %s: %w", path, unwrapPath(err))
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write the passphrase file %s: %w", path, unwrapPath(err))
	}
	return p, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// redactor replaces every secret it knows with [secret]: the values it
// holds (the passphrase, secret config, the AWS credentials in the
// environment) and anything shaped like an AWS secret access key or
// session token next to its name.
type redactor []string

// awsSecretEnv are the variables whose values are AWS secrets. (An access
// key id, AKIA…/ASIA…, names a key and is not secret; its secret is.)
var awsSecretEnv = []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}

// reAWSSecret finds a secret key or token after its name, as the SDKs,
// the credentials file, JSON, XML and HTTP headers spell it.
var reAWSSecret = regexp.MustCompile(`(?i)((?:aws_?secret_?access_?key|secret_?access_?key|aws_?session_?token|session_?token|security_?token|x-amz-security-token)` +
	`["']?\s*(?:=>|[:=>])?\s*["']?\s*)([A-Za-z0-9/+=]{16,})`)

// withAWSSecrets adds the AWS secrets of the environments to the redactor.
func (r redactor) withAWSSecrets(envs ...map[string]string) redactor {
	for _, k := range awsSecretEnv {
		if v := os.Getenv(k); v != "" {
			r = append(r, v)
		}
		for _, env := range envs {
			if v := env[k]; v != "" {
				r = append(r, v)
			}
		}
	}
	return r
}

func (r redactor) redact(s string) string {
	for _, secret := range r {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[secret]")
		}
	}
	return reAWSSecret.ReplaceAllString(s, "${1}[secret]")
}

// secretsProvider is the provider a new stack is created with.
func (e *Engine) secretsProvider() string {
	if e.o.SecretsProvider != "" {
		return e.o.SecretsProvider
	}
	return "passphrase"
}

package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ConfigOptions selects the AWS configuration. Everything left empty comes
// from the SDK's default chain: environment (AWS_REGION, AWS_PROFILE,
// AWS_ENDPOINT_URL, ...), shared config and SSO, instance roles.
type ConfigOptions struct {
	Region string
	// Profile is an AWS shared-config profile (not an ecsdeck profile).
	Profile string
	// Endpoint overrides every service's endpoint (as AWS_ENDPOINT_URL does).
	Endpoint string
	// Credentials replaces the default credential chain.
	Credentials aws.CredentialsProvider
	// MaxAttempts per call (default 3); MaxBackoff between attempts (default 20s).
	MaxAttempts int
	MaxBackoff  time.Duration
	// ThrottleAttempts per call when AWS throttles it (default
	// DefaultThrottleAttempts, or MaxAttempts or AWS_MAX_ATTEMPTS when
	// those are given): throttling is the account's request rate, not the
	// person's mistake, so it is waited out for longer, with backoff.
	ThrottleAttempts int
	// RetryMode is adaptive unless set (tests use standard: adaptive mode
	// sleeps after throttling, which is its point).
	RetryMode aws.RetryMode
	// Logger receives the SDK's own warnings; default: none, so that
	// nothing but ecsdeck writes to the terminal.
	Logger logging.Logger
	// Extra load options go last (tests point the SDK at an emulator).
	Extra []func(*config.LoadOptions) error
}

// NoCredentialsError is an AWS call that found no credentials to sign with.
type NoCredentialsError struct{ Err error }

func (e *NoCredentialsError) Error() string {
	return "no AWS credentials found: set AWS_PROFILE (or awsProfile in the answers), run aws sso login, " +
		"or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
}

func (e *NoCredentialsError) Unwrap() error { return e.Err }

// explainCredentials turns the credential chain's failure into a
// NoCredentialsError that says what to do.
type explainCredentials struct{ aws.CredentialsProvider }

func (p explainCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.CredentialsProvider.Retrieve(ctx)
	if err != nil && ctx.Err() == nil {
		return c, &NoCredentialsError{Err: err}
	}
	return c, err
}

// ErrNoRegion means no region was given and the default chain has none.
var ErrNoRegion = errors.New("no AWS region: give --region, or set AWS_REGION or a region in your AWS profile")

// LoadConfig is ecsdeck's one AWS configuration loader (the day-2 clients,
// the wizard's lookups and the Price List client all use it). It loads the
// configuration with adaptive retries: a throttled
// call is retried and the client slows its own request rate, so throttling
// makes a refresh slower rather than failed. AWS_RETRY_MODE and
// AWS_MAX_ATTEMPTS (or the shared config's retry_mode and max_attempts)
// are honoured when the options leave them unset.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	// NOTE: the logger goes in before the credential chain is built, so the
	// instance-metadata client under it does not warn on the terminal.
	var logger logging.Logger = logging.Nop{}
	if o.Logger != nil {
		logger = o.Logger
	}
	opts := []func(*config.LoadOptions) error{config.WithLogger(logger)}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(o.Endpoint))
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, append(opts, o.Extra...)...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	if cfg.Credentials != nil {
		cfg.Credentials = explainCredentials{cfg.Credentials}
	}
	mode := firstOf(o.RetryMode, cfg.RetryMode, aws.RetryModeAdaptive)
	attempts := firstOf(o.MaxAttempts, cfg.RetryMaxAttempts, retry.DefaultMaxAttempts)
	throttled := firstOf(o.ThrottleAttempts, o.MaxAttempts, cfg.RetryMaxAttempts, DefaultThrottleAttempts)
	backoff := firstOf(o.MaxBackoff, retry.DefaultMaxBackoff)
	standard := func(s *retry.StandardOptions) {
		s.MaxAttempts = max(attempts, throttled)
		s.MaxBackoff = backoff
		s.Backoff = retry.NewExponentialJitterBackoff(backoff)
	}
	cfg.RetryMode, cfg.RetryMaxAttempts = mode, max(attempts, throttled)
	cfg.Retryer = func() aws.Retryer {
		var r aws.RetryerV2
		if mode == aws.RetryModeStandard {
			r = retry.NewStandard(standard)
		} else {
			r = retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
				a.StandardOptions = append(a.StandardOptions, standard)
			})
		}
		return patient{RetryerV2: r, attempts: attempts}
	}
	// NOTE: an emulator or proxy endpoint (AWS_ENDPOINT_URL) is one host;
	// operations with a host prefix (logs StartLiveTail: "stream-") would
	// otherwise call a host that does not exist.
	if cfg.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS") != "" {
		cfg.APIOptions = append(cfg.APIOptions, disableHostPrefix)
	}
	return cfg, nil
}

// DefaultThrottleAttempts is how many times a throttled call is tried: with
// the SDK's backoff (up to 20s between attempts) about 45s in all, so a
// command rides out a burst of throttling instead of failing.
const DefaultThrottleAttempts = 8

// patient is the SDK's retryer trying throttled calls up to its
// MaxAttempts and other retryable failures (no answer, HTTP 5xx) only up
// to attempts, so AWS being unreachable is said as soon as before.
type patient struct {
	aws.RetryerV2
	attempts int
}

func (p patient) RetryDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= p.attempts && !IsThrottle(err) {
		return 0, err
	}
	return p.RetryerV2.RetryDelay(attempt, err)
}

func firstOf[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}

func disableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ecsdeckDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

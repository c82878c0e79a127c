package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// UnknownServiceError is a service name the target does not have.
type UnknownServiceError struct {
	Name    string
	Cluster string
	Known   []string
}

func (e *UnknownServiceError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("unknown service %q: cluster %s has no services", e.Name, e.Cluster)
	}
	return fmt.Sprintf("unknown service %q in cluster %s (known: %s)", e.Name, e.Cluster, strings.Join(e.Known, ", "))
}

// UnknownPipelineError is a pipeline name the target does not have, or
// (Missing) one that does not exist in the account and region.
type UnknownPipelineError struct {
	Name    string
	Known   []string
	Missing bool
}

func (e *UnknownPipelineError) Error() string {
	if e.Missing {
		return fmt.Sprintf("pipeline %q does not exist in this account and region", e.Name)
	}
	if len(e.Known) == 0 {
		return fmt.Sprintf("unknown pipeline %q: this platform has no pipelines", e.Name)
	}
	return fmt.Sprintf("unknown pipeline %q (known: %s)", e.Name, strings.Join(e.Known, ", "))
}

// ClusterNotFoundError is a cluster that does not exist in the region.
type ClusterNotFoundError struct {
	Cluster string
	Region  string
}

func (e *ClusterNotFoundError) Error() string {
	return fmt.Sprintf("cluster %s not found in %s (check --cluster and --region)", e.Cluster, e.Region)
}

// NotPossibleError is an action the service's current state does not allow;
// nothing was changed.
type NotPossibleError struct {
	Reason string
}

func (e *NotPossibleError) Error() string { return e.Reason }

// IsThrottle says whether err is AWS asking the caller to slow down.
func IsThrottle(err error) bool {
	if err == nil {
		return false
	}
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}

// IsUnsupported says whether the endpoint does not offer the operation: an
// unknown operation, or an HTTP 500 that is not an AWS error (as emulators
// answer for operations they lack).
func IsUnsupported(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "UnknownOperationException", "InvalidAction", "NotImplemented":
			return true
		}
		return false
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusInternalServerError
}

// IsTransient says whether err is a failure worth trying again later: a
// server error (HTTP 5xx) or a request that did not reach AWS.
func IsTransient(err error) bool {
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		return true
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= 500
}

// isCode says whether err is the AWS error code.
func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// canceled says whether err comes from the context ending.
func canceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// describeErr says briefly what an AWS call's error was: the AWS error code
// and message, the HTTP status, or the error itself.
func describeErr(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		return "the request did not get an answer: " + se.Err.Error()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		if re.HTTPStatusCode() == http.StatusInternalServerError {
			return "the endpoint does not offer it: HTTP 500"
		}
		return fmt.Sprintf("HTTP %d", re.HTTPStatusCode())
	}
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// UnreachableError is an AWS call that got no answer at all: no network, a
// proxy or firewall in the way, or a wrong endpoint.
type UnreachableError struct {
	// URL is the address that was called, when the SDK says it.
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	const hint = " (check the network, a proxy or firewall, or AWS_ENDPOINT_URL)"
	if e.URL != "" {
		return fmt.Sprintf("could not reach AWS at %s: %v%s", e.URL, e.Err, hint)
	}
	return fmt.Sprintf("could not reach AWS: %v%s", e.Err, hint)
}

// Unwrap returns the SDK's error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// ThrottledError is an AWS call that AWS kept refusing as too many requests,
// after every retry: the account's request rate, not the person's mistake.
type ThrottledError struct {
	// Operation is the AWS operation, such as DescribeServices.
	Operation string
	Err       error
}

func (e *ThrottledError) Error() string {
	op := "the calls"
	if e.Operation != "" {
		op = e.Operation
	}
	return fmt.Sprintf("AWS throttled %s (too many requests for this account and region, from ecsdeck or others): try again in a minute", op)
}

// Unwrap returns the SDK's error.
func (e *ThrottledError) Unwrap() error { return e.Err }

// Explain gives an AWS call's error its meaning as one of ops' typed errors
// (UnreachableError, ThrottledError, NoCredentialsError), so callers branch
// on types and people read words, not the SDK's retry chain. Other errors
// come back as they are.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	var (
		nc *NoCredentialsError
		ue *UnreachableError
		te *ThrottledError
	)
	if errors.As(err, &nc) || errors.As(err, &ue) || errors.As(err, &te) {
		if nc != nil {
			return nc // what the SDK chain says around it adds nothing a person can act on
		}
		return err
	}
	if IsThrottle(err) {
		var oe *smithy.OperationError
		op := ""
		if errors.As(err, &oe) {
			op = oe.Operation()
		}
		return &ThrottledError{Operation: op, Err: err}
	}
	var se *smithyhttp.RequestSendError
	if !errors.As(err, &se) {
		return err
	}
	var urlErr *url.Error
	if errors.As(se.Err, &urlErr) {
		return &UnreachableError{URL: urlErr.URL, Err: urlErr.Err}
	}
	return &UnreachableError{Err: se.Err}
}

// IsBadInput says whether err is something the person asked for that cannot
// be: an unknown service, pipeline or cluster, a bad filter, or an action
// the service's state does not allow. Commands exit 2 on these.
func IsBadInput(err error) bool {
	var (
		us *UnknownServiceError
		up *UnknownPipelineError
		cn *ClusterNotFoundError
		fe *FilterError
		np *NotPossibleError
		uj *UnknownJobError
	)
	return errors.As(err, &us) || errors.As(err, &up) || errors.As(err, &cn) || errors.As(err, &fe) || errors.As(err, &np) || errors.As(err, &uj)
}

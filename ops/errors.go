package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

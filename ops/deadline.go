package ops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go"
)

// DefaultReadDeadline is how long one read (a refresh of the services, a
// service's detail, a pipeline's state, a log source) may wait for AWS.
const DefaultReadDeadline = 20 * time.Second

// DeadlineError is a read that got no answer before its deadline: an
// endpoint that hangs, not one that refuses.
type DeadlineError struct {
	// Call is the AWS call that did not answer, such as "ECS
	// DescribeServices", or the service read when the SDK does not say.
	Call string
	// After is the deadline.
	After time.Duration
	Err   error
}

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("%s did not answer in %s", e.Call, e.After)
}

// Unwrap returns the SDK's error.
func (e *DeadlineError) Unwrap() error { return e.Err }

// WithDeadline runs read with a context that ends after d (0:
// DefaultReadDeadline). When that deadline ends it, the error is a
// *DeadlineError naming the AWS call that was waiting, or what when the
// error does not say; ctx ending is not a deadline and comes back as is.
func WithDeadline[T any](ctx context.Context, d time.Duration, what string, read func(context.Context) (T, error)) (T, error) {
	if d <= 0 {
		d = DefaultReadDeadline
	}
	rctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	v, err := read(rctx)
	if err == nil || ctx.Err() != nil || !errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return v, err
	}
	call := what
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		call = oe.Service() + " " + oe.Operation()
	}
	return v, &DeadlineError{Call: call, After: d, Err: err}
}

// Package statebucket makes sure the S3 bucket a shared state backend
// names exists, creating it (after asking) the way a bucket holding a
// platform's state should be: versioned, encrypted, closed to the public,
// its old versions expiring.
package statebucket

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"ecsdeck/ops"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// NoncurrentDays is how long a replaced version of the state is kept.
const NoncurrentDays = 90

// Backend is an s3:// state backend taken apart.
type Backend struct {
	Bucket, Prefix string
	// Region, Endpoint and PathStyle come from the URL's query, as the
	// Pulumi CLI reads them (an S3-compatible store).
	Region, Endpoint string
	PathStyle        bool
}

// Parse takes an s3:// backend URL apart; ok is false for any other.
func Parse(raw string) (b Backend, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return Backend{}, false
	}
	q := u.Query()
	return Backend{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Region: q.Get("region"), Endpoint: q.Get("endpoint"),
		PathStyle: q.Get("s3ForcePathStyle") == "true" || q.Get("use_path_style") == "true"}, true
}

// Client returns an S3 client for the backend on cfg (its region and
// endpoint overriding cfg's when the URL gives them).
func (b Backend) Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if b.Region != "" {
			o.Region = b.Region
		}
		if b.Endpoint != "" {
			o.BaseEndpoint = aws.String(b.Endpoint)
		}
		o.UsePathStyle = b.PathStyle || b.Endpoint != ""
	})
}

// ErrDeclined is a missing bucket the person chose not to create.
var ErrDeclined = errors.New("the state bucket does not exist")

// API is what Ensure calls; *s3.Client satisfies it.
type API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	CreateBucket(context.Context, *s3.CreateBucketInput, ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	PutBucketVersioning(context.Context, *s3.PutBucketVersioningInput, ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error)
	PutBucketEncryption(context.Context, *s3.PutBucketEncryptionInput, ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
	PutPublicAccessBlock(context.Context, *s3.PutPublicAccessBlockInput, ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	PutBucketLifecycleConfiguration(context.Context, *s3.PutBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error)
}

// Ensure returns whether it created the bucket. A missing bucket is
// created only when ask says yes (ErrDeclined otherwise); one that exists
// is left as it is.
func Ensure(ctx context.Context, api API, b Backend, region string, ask func(question string) bool) (bool, error) {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b.Bucket)})
	if err == nil {
		return false, nil
	}
	var re *smithyhttp.ResponseError
	switch {
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound:
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden:
		return false, fmt.Errorf("the state bucket %s exists but these credentials may not use it (another account's, or s3:ListBucket is not allowed): name a bucket of yours in state.backend", b.Bucket)
	default:
		return false, fmt.Errorf("look for the state bucket %s: %w", b.Bucket, ops.Explain(err))
	}
	if b.Region != "" {
		region = b.Region
	}
	q := fmt.Sprintf("The state bucket %s does not exist. Create it in %s (versioned, encrypted, public access blocked, replaced versions kept %d days)?", b.Bucket, region, NoncurrentDays)
	if !ask(q) {
		return false, ErrDeclined
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(b.Bucket)}
	if region != "" && region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	steps := []struct {
		what string
		do   func() error
	}{
		{"create it", func() error { _, err := api.CreateBucket(ctx, in); return err }},
		{"turn versioning on", func() error {
			_, err := api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b.Bucket),
				VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
			return err
		}},
		{"encrypt it", func() error {
			_, err := api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(b.Bucket),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
					BucketKeyEnabled:                   aws.Bool(true),
				}}}})
			return err
		}},
		{"block public access", func() error {
			_, err := api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b.Bucket),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
					BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
			return err
		}},
		{"expire replaced versions", func() error {
			_, err := api.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(b.Bucket),
				LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{
					ID: aws.String("ecsdeck-state-old-versions"), Status: s3types.ExpirationStatusEnabled,
					Filter:                         &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
					NoncurrentVersionExpiration:    &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(NoncurrentDays)},
					AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)},
				}}}})
			return err
		}},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			if i == 0 {
				return false, fmt.Errorf("create the state bucket %s: %w", b.Bucket, ops.Explain(err))
			}
			return true, fmt.Errorf("the state bucket %s was created, but ecsdeck could not %s: %w (do it in the S3 console before relying on it)", b.Bucket, st.what, ops.Explain(err))
		}
	}
	return true, nil
}

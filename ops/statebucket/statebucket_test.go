package statebucket

import (
	"context"
	"errors"
	"os"
	"testing"

	"ecsdeck/internal/mototest"
	"ecsdeck/ops"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var moto *mototest.Server

func TestMain(m *testing.M) {
	os.Setenv("AWS_CONFIG_FILE", "/dev/null")
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	os.Exit(mototest.RunTests(m, mototest.Options{}, &moto))
}

func TestParse(t *testing.T) {
	b, ok := Parse("s3://acme-state/shop/prod?region=eu-west-1&endpoint=http://127.0.0.1:9000&s3ForcePathStyle=true")
	if !ok || b != (Backend{Bucket: "acme-state", Prefix: "shop/prod", Region: "eu-west-1", Endpoint: "http://127.0.0.1:9000", PathStyle: true}) {
		t.Fatalf("%+v %v", b, ok)
	}
	for _, bad := range []string{"", "file:///tmp/x", "gs://b", "s3://", "https://app.pulumi.com"} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) ok", bad)
		}
	}
}

func TestAMissingBucketIsCreatedAsAStateBucketShouldBe(t *testing.T) {
	ctx := context.Background()
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: "eu-west-1", Endpoint: moto.URL, MaxAttempts: 1, RetryMode: aws.RetryModeStandard,
		Credentials: credentials.NewStaticCredentialsProvider("AKIA"+moto.NewAccount(), "x", "")})
	if err != nil {
		t.Fatal(err)
	}
	b := Backend{Bucket: "acme-platform-state", Prefix: "shop", Endpoint: moto.URL}
	c := b.Client(cfg)
	// WHEN the person declines THEN nothing is created
	asked := ""
	created, err := Ensure(ctx, c, b, "eu-west-1", func(q string) bool { asked = q; return false })
	if !errors.Is(err, ErrDeclined) || created || asked == "" {
		t.Fatalf("declined: %v %v %q", created, err, asked)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b.Bucket)}); err == nil {
		t.Fatal("the bucket exists after a no")
	}
	// WHEN the person agrees THEN it is created versioned, encrypted,
	// closed to the public, its replaced versions expiring
	created, err = Ensure(ctx, c, b, "eu-west-1", func(string) bool { return true })
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Bucket)})
	if err != nil || v.Status != "Enabled" {
		t.Errorf("versioning %+v %v", v, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(b.Bucket)})
	if err != nil || len(enc.ServerSideEncryptionConfiguration.Rules) != 1 || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" {
		t.Errorf("encryption %+v %v", enc, err)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b.Bucket)})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Errorf("public access block %+v %v", pab, err)
	}
	lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b.Bucket)})
	if err != nil || len(lc.Rules) != 1 || aws.ToInt32(lc.Rules[0].NoncurrentVersionExpiration.NoncurrentDays) != NoncurrentDays {
		t.Errorf("lifecycle %+v %v", lc, err)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(b.Bucket)})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Errorf("location %+v %v", loc, err)
	}
	// WHEN it exists THEN nothing is asked
	created, err = Ensure(ctx, c, b, "eu-west-1", func(string) bool { t.Error("asked about a bucket that exists"); return false })
	if err != nil || created {
		t.Fatalf("existing: %v %v", created, err)
	}
}

"""Check the documents the program hands AWS against AWS's own models.

usage: awsvalidate.py [MOTO_URL]

stdin: one JSON object per line:
  {"id": "...", "service": "ecs", "operation": "RegisterTaskDefinition",
   "params": {...the request, as the SDKs send it...},
   "setup": {"roleTrust": "...the trust policy of a pipeline's role..."}}
stdout: one JSON object per line, in the same order:
  {"id": "...", "errors": "" | "botocore's report of what the model refuses"}

botocore's ParamValidator checks each request against the operation's input
shape in the service model shipped with botocore: required members, types,
enums where botocore checks them, unknown members, and minimum lengths and
ranges. With MOTO_URL, each request that passes is then made against
moto_server there (with what the call needs created
first and removed after), which parses the documents it takes: task definitions, lifecycle
and IAM policies, pipelines. Nothing here is a schema of this project's own.
"""

import json
import sys

import boto3
import botocore.session
from botocore.validate import ParamValidator

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": [
    "codepipeline.amazonaws.com", "codebuild.amazonaws.com", "ecs-tasks.amazonaws.com"]}}]})

# What moto_server implements of the operations the documents travel in.
MOTO_OPERATIONS = {
    ("ecs", "RegisterTaskDefinition"), ("ecr", "PutLifecyclePolicy"), ("iam", "CreateRole"), ("iam", "CreatePolicy"),
    ("iam", "PutRolePolicy"), ("s3", "PutBucketPolicy"), ("codepipeline", "CreatePipeline"), ("efs", "CreateFileSystem"),
    ("scheduler", "CreateSchedule"),
}


def moto_call(client, service, operation, params, setup):
    """Make one request against moto_server, with what it needs created
    first, and remove what it made afterwards (faster than a reset)."""
    undo = []
    c = client(service)
    iam, s3 = client("iam"), client("s3")

    def role(name, trust):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust or TRUST)
        undo.append(lambda: iam.delete_role(RoleName=name))

    def bucket(name):
        s3.create_bucket(Bucket=name)
        undo.append(lambda: s3.delete_bucket(Bucket=name))

    try:
        if (service, operation) == ("ecr", "PutLifecyclePolicy"):
            c.create_repository(repositoryName=params["repositoryName"])
            undo.append(lambda: c.delete_repository(repositoryName=params["repositoryName"], force=True))
        if (service, operation) == ("iam", "PutRolePolicy"):
            role(params["RoleName"], None)
            undo.append(lambda: iam.delete_role_policy(RoleName=params["RoleName"], PolicyName=params["PolicyName"]))
        if (service, operation) == ("s3", "PutBucketPolicy"):
            bucket(params["Bucket"])
            undo.append(lambda: s3.delete_bucket_policy(Bucket=params["Bucket"]))
        if (service, operation) == ("codepipeline", "CreatePipeline"):
            # The pipeline's own role, with the trust policy the plan gives it.
            role(params["pipeline"]["roleArn"].split("/")[-1], setup.get("roleTrust"))
            bucket(params["pipeline"]["artifactStore"]["location"])
        if (service, operation) == ("scheduler", "CreateSchedule"):
            c.create_schedule_group(Name=params["GroupName"])
            undo.append(lambda: c.delete_schedule_group(Name=params["GroupName"]))
            undo.append(lambda: c.delete_schedule(Name=params["Name"], GroupName=params["GroupName"]))
        method = next(k for k, v in c.meta.method_to_api_mapping.items() if v == operation)
        out = getattr(c, method)(**params)
        if (service, operation) == ("iam", "CreateRole"):
            undo.append(lambda: iam.delete_role(RoleName=params["RoleName"]))
        if (service, operation) == ("iam", "CreatePolicy"):
            undo.append(lambda: iam.delete_policy(PolicyArn=out["Policy"]["Arn"]))
        if (service, operation) == ("codepipeline", "CreatePipeline"):
            undo.append(lambda: c.delete_pipeline(name=params["pipeline"]["name"]))
        if (service, operation) == ("efs", "CreateFileSystem"):
            undo.append(lambda: c.delete_file_system(FileSystemId=out["FileSystemId"]))
    finally:
        for u in reversed(undo):
            u()


def main():
    session = botocore.session.get_session()
    models = {}
    validator = ParamValidator()
    moto = sys.argv[1] if len(sys.argv) > 1 else ""
    clients = {}

    def client(service):
        if service not in clients:
            clients[service] = boto3.client(service, endpoint_url=moto, region_name="us-east-1",
                                            aws_access_key_id="test", aws_secret_access_key="test")
        return clients[service]

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        service = req["service"]
        if service not in models:
            models[service] = session.get_service_model(service)
        op = models[service].operation_model(req["operation"])
        report = validator.validate(req["params"], op.input_shape)
        errors = report.generate_report() if report.has_errors() else ""
        if moto and not errors and (service, req["operation"]) in MOTO_OPERATIONS:
            try:
                moto_call(client, service, req["operation"], req["params"], req.get("setup") or {})
            except Exception as e:  # moto's refusal, reported to the test
                errors = "moto_server: " + str(e)
        sys.stdout.write(json.dumps({"id": req["id"], "errors": errors}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

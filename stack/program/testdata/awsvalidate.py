"""Check the documents the program hands AWS against AWS's own models.

stdin: one JSON object per line:
  {"id": "...", "service": "ecs", "operation": "RegisterTaskDefinition",
   "params": {...the request, as the SDKs send it...}}
stdout: one JSON object per line, in the same order:
  {"id": "...", "errors": "" | "botocore's report of what the model refuses"}

botocore's ParamValidator checks each request against the operation's input
shape in the service model shipped with botocore: required members, types,
enums where botocore checks them, unknown members, and minimum lengths and
ranges. Nothing here is a schema of this project's own.
"""

import json
import sys

import botocore.session
from botocore.validate import ParamValidator


def main():
    session = botocore.session.get_session()
    models = {}
    validator = ParamValidator()
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
        sys.stdout.write(json.dumps({"id": req["id"], "errors": errors}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

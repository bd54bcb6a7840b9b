"""How the client scripts report: one JSON object on stdout with what each
step saw, or, on an unexpected failure, {"error": code, "message": ...,
"step": ...} and exit status 1."""

import json
import sys

from botocore.exceptions import ClientError


class Run:
    """What a script saw so far (`out`) and the step it is at (`step`)."""

    def __init__(self):
        self.out = {}
        self.step = "start"


def report(main):
    """Runs main(run) and prints its report."""
    run = Run()
    try:
        main(run)
    except ClientError as e:
        err = e.response["Error"]
        fail(err.get("Code"), err.get("Message"), run.step)
    except Exception as e:  # noqa: BLE001 - report anything else the same way
        fail(type(e).__name__, str(e), run.step)
    print(json.dumps(run.out, default=str))


def error_code(f, expected=ClientError):
    """The Cognito error code f() fails with, as the exception class
    `expected` (botocore's modeled one, say); None if it does not fail. Any
    other exception propagates."""
    try:
        f()
    except expected as e:
        return e.response["Error"]["Code"]
    return None


def fail(code, message, step):
    print(json.dumps({"error": code, "message": message, "step": step}))
    sys.exit(1)

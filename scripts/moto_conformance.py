"""moto's Cognito tests against kognit: a pytest plugin and the report.

As a pytest plugin (`-p moto_conformance`, used by scripts/moto-conformance)
it records every test's outcome and whether moto marks it `aws_verified`
(its authors ran it against AWS) into the JSON file named by
KOGNIT_MOTO_RESULTS.

As a script (`moto_conformance.py RESULTS DOC`) it prints "N passed, N
failed" and checks the results against the doc, whose table rows start with
the test's name in backquotes. It exits 1 when a failed or skipped test has
no row, when a test marked aws_verified fails, or when a row names a test
that passed.
"""

import json
import os
import re
import sys

_results = {}




def pytest_collection_modifyitems(session, config, items):
    for item in items:
        _results[item.name] = {
            "outcome": "not run",
            "aws_verified": item.get_closest_marker("aws_verified") is not None,
            "message": "",
        }


def pytest_runtest_logreport(report):
    name = report.nodeid.split("::")[-1]
    entry = _results.setdefault(
        name, {"aws_verified": False, "message": ""}
    )
    if report.when == "call" or report.outcome != "passed":
        if entry.get("outcome") in (None, "not run", "passed"):
            entry["outcome"] = report.outcome
            if report.outcome == "skipped" and isinstance(report.longrepr, tuple):
                entry["message"] = report.longrepr[2]
            elif report.outcome == "failed":
                crash = getattr(report.longrepr, "reprcrash", None)
                text = crash.message if crash else report.longreprtext
                entry["message"] = " ".join(text.split())[:400]


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("KOGNIT_MOTO_RESULTS")
    if path:
        with open(path, "w") as f:
            json.dump(_results, f, indent=1, sort_keys=True)


def _documented(doc_path):
    names = set()
    with open(doc_path) as f:
        for line in f:
            m = re.match(r"\|\s*`(test_[^`]+)`", line)
            if m:
                names.add(m.group(1))
    return names


def _has_entry(name, documented):
    return name in documented or name.split("[")[0] in documented


def main(results_path, doc_path):
    with open(results_path) as f:
        results = json.load(f)
    documented = _documented(doc_path)
    by = {"passed": [], "failed": [], "skipped": [], "not run": []}
    for name, r in sorted(results.items()):
        by.setdefault(r["outcome"], []).append(name)
    print(
        f"{len(by['passed'])} passed, {len(by['failed'])} failed, "
        f"{len(by['skipped'])} skipped"
    )
    verified = sorted(n for n, r in results.items() if r["aws_verified"])
    print(
        f"aws_verified: {sum(results[n]['outcome'] == 'passed' for n in verified)} "
        f"of {len(verified)} passed"
    )
    problems = []
    for name in by["failed"] + by["skipped"] + by["not run"]:
        if not _has_entry(name, documented):
            problems.append(
                f"no entry in {doc_path}: {name} ({results[name]['outcome']}): "
                f"{results[name]['message']}"
            )
    for name in verified:
        if results[name]["outcome"] != "passed":
            problems.append(
                f"aws_verified, but {results[name]['outcome']}: {name}: "
                f"{results[name]['message']}"
            )
    for name in sorted(documented):
        runs = [n for n in results if n == name or n.split("[")[0] == name]
        if runs and all(results[n]["outcome"] == "passed" for n in runs):
            problems.append(f"passes now, remove its entry: {name}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

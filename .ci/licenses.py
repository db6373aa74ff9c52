#!/usr/bin/env python3
"""Licence check: every crate in Cargo.lock (all targets, all platforms,
dev-dependencies included) must be usable under the licences allowed below,
which are compatible with sixin's own "MIT OR Apache-2.0".

An SPDX expression passes when some choice it offers uses allowed licences
only (`A OR B` needs one of them, `A AND B` both). Old-style "MIT/Apache-2.0"
counts as "MIT OR Apache-2.0", as Cargo treated it. A crate without a licence
expression fails unless listed in EXCEPTIONS with the reason it is fine.

Crates that only tests build (reached from the workspace through
dev-dependencies alone: the browser-test driver, say) may also use the
licences in TEST_ONLY: they are never compiled into what sixin ships, and
MPL-2.0 binds only changes to its own files, which we do not make.

Needs `pip install license-expression` (an SPDX parser); .ci/run installs it.
"""

import json
import subprocess
import sys

from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol, get_spdx_licensing

ALLOWED = {
    "MIT", "MIT-0", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD",
    "Zlib", "Unlicense", "CC0-1.0", "BSL-1.0", "Unicode-3.0", "Unicode-DFS-2016",
    "CDLA-Permissive-2.0",
}
ALLOWED_EXCEPTIONS = {"LLVM-exception"}
TEST_ONLY = {"MPL-2.0"}
# name -> why a crate without an SPDX `license` field is acceptable.
EXCEPTIONS = {}

licensing = get_spdx_licensing()


def allowed(node, licences):
    if isinstance(node, LicenseWithExceptionSymbol):
        return allowed(node.license_symbol, licences) and node.exception_symbol.key in ALLOWED_EXCEPTIONS
    if isinstance(node, LicenseSymbol):
        return node.key in licences
    if isinstance(node, AND):
        return all(allowed(arg, licences) for arg in node.args)
    if isinstance(node, OR):
        return any(allowed(arg, licences) for arg in node.args)
    raise ValueError(f"unexpected node {node!r}")


def shipped(metadata):
    """Ids of the packages a non-test build of the workspace compiles: the
    members and everything reached from them by normal or build
    dependencies (a dev-dependency edge is followed only from nowhere)."""
    nodes = {node["id"]: node for node in metadata["resolve"]["nodes"]}
    seen = set()
    stack = list(metadata["workspace_members"])
    while stack:
        package = stack.pop()
        if package in seen:
            continue
        seen.add(package)
        for dep in nodes[package]["deps"]:
            if any(kind["kind"] != "dev" for kind in dep["dep_kinds"]):
                stack.append(dep["pkg"])
    return seen


def main():
    metadata = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"]))
    failures = []
    used = {}
    in_builds = shipped(metadata)
    test_only = 0
    for package in metadata["packages"]:
        name = f"{package['name']} {package['version']}"
        expression = package.get("license")
        if not expression:
            if package["name"] not in EXCEPTIONS:
                failures.append(f"{name}: no SPDX licence expression")
            continue
        try:
            parsed = licensing.parse(expression.replace("/", " OR "), validate=True, strict=True)
        except Exception as err:  # an unknown licence id or bad syntax
            failures.append(f"{name}: cannot read licence {expression!r}: {err}")
            continue
        if package["id"] in in_builds:
            if not allowed(parsed, ALLOWED):
                failures.append(f"{name}: {expression} is not among the allowed licences")
        elif not allowed(parsed, ALLOWED | TEST_ONLY):
            failures.append(f"{name} (tests only): {expression} is not among the licences allowed for test tools")
        elif not allowed(parsed, ALLOWED):
            test_only += 1
        used[expression] = used.get(expression, 0) + 1
    if failures:
        print("licence check failed:", *failures, sep="\n  ")
        sys.exit(1)
    print(f"licences: {len(metadata['packages'])} crates, all under allowed licences "
          f"({len(used)} distinct expressions; {test_only} crate(s) only in test builds "
          f"use {', '.join(sorted(TEST_ONLY))})")


if __name__ == "__main__":
    main()

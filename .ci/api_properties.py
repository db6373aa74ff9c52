#!/usr/bin/env python3
"""Property-based tests of the running server against its own OpenAPI
document (/openapi.json), with schemathesis: every operation, with
generated valid and invalid inputs, as a visitor, a logged-in user and
the administrator. Fails on any HTTP 5xx or envelope code -500 (panics
are answered as -500), or if the server stops answering.

Usage: .ci/api_properties.py [SECONDS] (default 120; the time budget of the
schemathesis run). The server is target/debug/sixin unless SIXIN_BIN says
otherwise.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "schemathesis-admin-token"


def call(base, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def main():
    seconds = sys.argv[1] if len(sys.argv) > 1 else "120"
    binary = os.environ.get("SIXIN_BIN", os.path.join(ROOT, "target", "debug", "sixin"))
    data_dir = tempfile.mkdtemp(prefix="sixin-schemathesis-")
    log = open(os.path.join(data_dir, "server.log"), "w+")
    server = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(data_dir, "data")],
        env={**os.environ, "SIXIN_ADMIN_TOKEN": TOKEN, "SIXIN_LOG": "info"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        bound = None
        for _ in range(300):
            log.seek(0)
            found = re.search(r"bound=(\S+)", log.read())
            if found:
                bound = found.group(1)
                break
            if server.poll() is not None:
                sys.exit("the server did not start")
            time.sleep(0.1)
        if bound is None:
            sys.exit("the server did not say where it listens")
        base = f"http://{bound}"
        admin = {"Authorization": f"Bearer {TOKEN}"}
        for uname in ["alice", "bob", "carol"]:
            call(base, "POST", "/admin/v1/users", {"uname": uname, "password": "correct horse"}, admin)
        cookies = call(base, "POST", "/admin/v1/users/1/sessions", None, admin)["data"]
        cookie = f"SESSDATA={cookies['SESSDATA']}; bili_jct={cookies['bili_jct']}; DedeUserID=1"

        env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": os.path.dirname(os.path.abspath(__file__))}
        command = [
            "schemathesis", "run", f"{base}/openapi.json",
            "--url", base,
            "--checks", "not_a_server_error,no_internal_error",
            "--max-time", seconds,
            "--workers", "2",
            "--phases", "examples,coverage,fuzzing",
            "--suppress-health-check", "all",
            "--request-timeout", "30",
            "-H", f"Authorization: Bearer {TOKEN}",
            "-H", f"Cookie: {cookie}",
        ]
        result = subprocess.run(command, env=env)
        # The server still answers a well-behaved client.
        nav = call(base, "GET", "/x/web-interface/nav")
        alive = nav.get("code") in (0, -101)
        print(f"after the run the server answers nav with code {nav.get('code')}")
        if result.returncode != 0 or not alive or server.poll() is not None:
            log.seek(0)
            panics = [line for line in log if "panic" in line.lower()]
            print("".join(panics[-20:]), file=sys.stderr)
            sys.exit(f"schemathesis failed (exit {result.returncode})")
        print("schemathesis: no 5xx, no -500, the server kept answering")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()

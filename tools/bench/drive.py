"""Drives a running sixin for tools/bench/instructions.sh: sets up two users
who know each other, warms up, then runs exactly N sends, history fetches or
session lists (`sessions`: `new_sessions` of a user with 200 sessions, each
with one unread message) from one keep-alive connection with callgrind's
instrumentation on around them. With CONNECTIONS=C in the environment, C
threads share the N requests, each on a keep-alive connection of its own (so
that the SQLite writer commits several sends together, as under load).

    python3 drive.py PORT send|fetch|sessions N VALGRIND_PID
"""
import http.client
import json
import os
import subprocess
import sys
import threading
import urllib.parse

port, what, n, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
connections = int(os.environ.get("CONNECTIONS", "1"))
local = threading.local()


def call(method, path, body=None, headers=None):
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPConnection("127.0.0.1", port)
    local.conn.request(method, path, body, headers or {})
    return json.loads(local.conn.getresponse().read())


admin = {"Authorization": "Bearer bench-token", "Content-Type": "application/json"}
form = {"Content-Type": "application/x-www-form-urlencoded"}
a = call("POST", "/admin/v1/users", json.dumps({"uname": "alice"}), admin)["data"]["mid"]
b = call("POST", "/admin/v1/users", json.dumps({"uname": "bob"}), admin)["data"]["mid"]
la = call("POST", f"/admin/v1/users/{a}/sessions", None, admin)["data"]
lb = call("POST", f"/admin/v1/users/{b}/sessions", None, admin)["data"]
# Bob follows Alice, so she is no stranger to him.
call("POST", "/x/relation/modify", f"fid={a}&act=1&csrf={lb['bili_jct']}",
     {**form, "Cookie": "SESSDATA=" + lb["SESSDATA"]})
alice = {**form, "Cookie": "SESSDATA=" + la["SESSDATA"]}


def send(i):
    body = urllib.parse.urlencode({
        "msg[sender_uid]": a, "msg[receiver_id]": b, "msg[receiver_type]": 1,
        "msg[msg_type]": 1, "msg[msg_status]": 0, "msg[dev_id]": "bench",
        "msg[timestamp]": i, "msg[content]": json.dumps({"content": f"hello {i}"}),
        "csrf": la["bili_jct"],
    })
    answer = call("POST", "/web_im/v1/web_im/send_msg", body, alice)
    assert answer["code"] == 0, answer


def fetch(_):
    path = f"/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={b}&session_type=1&size=20"
    answer = call("GET", path, None, alice)
    assert answer["code"] == 0, answer


def new_sessions(_):
    path = "/session_svr/v1/session_svr/new_sessions?begin_ts=0&build=0&mobi_app=web"
    answer = call("GET", path, None, alice)
    assert answer["code"] == 0, answer


if what == "sessions":
    # Alice follows 200 talkers (so none is a stranger), each sends her one.
    for i in range(200):
        t = call("POST", "/admin/v1/users", json.dumps({"uname": f"talker{i}"}), admin)["data"]["mid"]
        lt = call("POST", f"/admin/v1/users/{t}/sessions", None, admin)["data"]
        call("POST", "/x/relation/modify", f"fid={t}&act=1&csrf={la['bili_jct']}", alice)
        body = urllib.parse.urlencode({
            "msg[sender_uid]": t, "msg[receiver_id]": a, "msg[receiver_type]": 1,
            "msg[msg_type]": 1, "msg[msg_status]": 0, "msg[dev_id]": "bench",
            "msg[timestamp]": i, "msg[content]": json.dumps({"content": f"hi {i}"}),
            "csrf": lt["bili_jct"],
        })
        answer = call("POST", "/web_im/v1/web_im/send_msg", body,
                      {**form, "Cookie": "SESSDATA=" + lt["SESSDATA"]})
        assert answer["code"] == 0, answer

op = {"send": send, "fetch": fetch, "sessions": new_sessions}[what]
for i in range(80):  # a history of at least 20 messages, and warm caches
    send(i) if i < 30 else op(i)
subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
if connections == 1:
    for i in range(n):
        op(100_000 + i)
else:
    def worker(t):
        for i in range(t, n, connections):
            op(100_000 + i)
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)

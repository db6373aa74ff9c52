"""Drive a sixin server with the third-party Python client `bilibili-api-python`.

The client is used as published; only the hosts it talks to are rewritten to
the sixin base URL (its request layer is wrapped), which is what "changing the
base URL" means for a client that hard-codes Bilibili's hosts.

    pip install bilibili-api-python
    python3 tools/compat/bilibili_api_python.py http://127.0.0.1:8080 ADMIN_TOKEN

It creates two users through the admin API, then through the client: reads
nav (WBI keys), sends text messages both ways, polls new sessions, lists
sessions, fetches history, reads a session's detail and recalls a message;
then follows both ways and reads the relation, the lists, the counts and the
automatic greeting.
Exits non-zero on the first difference from what a Bilibili server would answer.
"""

import asyncio
import json
import sys
import time
import urllib.request

from bilibili_api import Credential, request_settings, session, user
from bilibili_api.utils import network

BASE, TOKEN = sys.argv[1].rstrip("/"), sys.argv[2]
HOSTS = ("https://api.bilibili.com", "https://api.vc.bilibili.com")


def admin(path, body):
    req = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        method="POST",
    )
    answer = json.load(urllib.request.urlopen(req))
    assert answer["code"] == 0, answer
    return answer["data"]


def rewrite_hosts():
    client = network.get_client()
    original = client.request

    async def request(method="", url="", *args, **kwargs):
        for host in HOSTS:
            if url.startswith(host):
                url = BASE + url[len(host):]
        return await original(method, url, *args, **kwargs)

    client.request = request


async def main():
    request_settings.set_enable_auto_buvid(False)
    request_settings.set_enable_bili_ticket(False)
    rewrite_hosts()
    stamp = int(time.time())
    a = admin("/admin/v1/users", {"uname": f"py_alice_{stamp}"})["mid"]
    b = admin("/admin/v1/users", {"uname": f"py_bob_{stamp}"})["mid"]
    ca, cb = (admin(f"/admin/v1/users/{m}/sessions", None) for m in (a, b))
    alice = Credential(sessdata=ca["SESSDATA"], bili_jct=ca["bili_jct"], dedeuserid=str(a))
    bob = Credential(sessdata=cb["SESSDATA"], bili_jct=cb["bili_jct"], dedeuserid=str(b))

    me = await user.get_self_info(alice)
    assert me["mid"] == a, me
    print("nav/myinfo: ok", me["name"])

    since = int(time.time() * 1_000_000) - 1
    sent = await session.send_msg(alice, b, session.EventType.TEXT, "你好 bob")
    assert isinstance(sent["msg_key"], int) and sent["msg_key"] > 2**53, sent
    assert json.loads(sent["msg_content"])["content"] == "你好 bob", sent
    print("send_msg: ok", sent["msg_key"])
    reply = await session.send_msg(bob, a, session.EventType.TEXT, "hi alice")
    print("reply: ok", reply["msg_key"])

    fresh = await session.new_sessions(alice, since)
    talkers = [s["talker_id"] for s in fresh["session_list"]]
    assert talkers == [b], fresh
    assert fresh["session_list"][0]["last_msg"]["msg_key"] == reply["msg_key"]
    print("new_sessions: ok", talkers)

    listed = await session.get_sessions(bob)
    assert [s["talker_id"] for s in listed["session_list"]] == [a], listed
    print("get_sessions: ok")

    history = await session.fetch_session_msgs(b, alice)
    keys = [m["msg_key"] for m in history["messages"]]
    assert reply["msg_key"] in keys and sent["msg_key"] in keys, history
    assert history["max_seqno"] >= history["min_seqno"]
    print("fetch_session_msgs: ok", len(keys), "messages")

    detail = await session.get_session_detail(bob, a)
    assert detail["talker_id"] == a and detail["unread_count"] == 0, detail
    print("session_detail: ok")

    await session.send_msg(alice, b, session.EventType.WITHDRAW, str(sent["msg_key"]))
    history = await session.fetch_session_msgs(a, bob)
    recalled = [m for m in history["messages"] if m["msg_key"] == sent["msg_key"]]
    assert recalled and recalled[0]["msg_status"] == 1, history
    assert history["messages"][0]["msg_type"] == 5
    print("recall: ok")

    # Relations: follow both ways (which greets), read them back.
    await user.User(b, credential=alice).modify_relation(user.RelationType.SUBSCRIBE)
    await user.User(a, credential=bob).modify_relation(user.RelationType.SUBSCRIBE)
    rel = await user.User(b, credential=alice).get_relation()
    assert rel["relation"]["attribute"] == 6 and rel["be_relation"]["attribute"] == 6, rel
    followers = await user.User(a, credential=alice).get_followers()
    assert [f["mid"] for f in followers["list"]] == [b] and followers["total"] == 1, followers
    followings = await user.User(b, credential=alice).get_followings()
    assert [f["mid"] for f in followings["list"]] == [a], followings
    stat = await user.User(a, credential=alice).get_relation_info()
    assert stat["following"] == 1 and stat["follower"] == 1, stat
    history = await session.fetch_session_msgs(b, alice)
    assert history["messages"][0]["msg_source"] == 17, history
    print("relations: ok (mutual, lists, stat, greeting)")

    settings = await session.get_session_settings(alice)
    assert settings["receive_unfollow_msg"] == 1, settings
    print("link_setting/get: ok")
    print("bilibili-api-python drove sixin without a difference")


asyncio.run(main())

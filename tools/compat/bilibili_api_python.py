"""Drive a sixin server with the third-party Python client `bilibili-api-python`.

The client is used as published, with its default settings (so it fetches
and activates browser ids first: finger/spi, ExClimbWuzhi); only the hosts it
talks to are rewritten to the sixin base URL (its request layer is wrapped),
which is what "changing the base URL" means for a client that hard-codes
Bilibili's hosts.

    pip install bilibili-api-python aiohttp
    SIXIN_ADMIN_TOKEN="$(cat sixin-data/admin_token)" \
        python3 tools/compat/bilibili_api_python.py http://127.0.0.1:8080

(the admin token may also be the second argument, where `ps` shows it).

It creates two users through the admin API, then through the client: reads
nav (WBI keys), fetches a web ticket, sends text messages both ways, polls new
sessions, lists sessions, fetches history, reads a session's detail and
recalls a message; follows both ways and reads the relation, the lists, the
counts and the automatic greeting; and logs in by QR code (alice approves the
key through sixin's own scan/confirm endpoints, as `sixin login approve` does).
Exits non-zero on the first difference from what a Bilibili server would answer,
and lists every path the client called.
"""

import asyncio
import json
import os
import sys
import time
import urllib.parse
import urllib.request

from bilibili_api import Credential, login_v2, session, user
from bilibili_api.utils import network

BASE = sys.argv[1].rstrip("/")
TOKEN = sys.argv[2] if len(sys.argv) > 2 else os.environ["SIXIN_ADMIN_TOKEN"]
# ANCHOR: hosts_list
HOSTS = (
    "https://api.bilibili.com",
    "https://api.vc.bilibili.com",
    "https://passport.bilibili.com",
)
# ANCHOR_END: hosts_list
CALLED = []


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


# ANCHOR: hosts
def rewrite_hosts():
    client = network.get_client()
    original = client.request

    async def request(method="", url="", *args, **kwargs):
        for host in HOSTS:
            if url.startswith(host):
                url = BASE + url[len(host):]
        CALLED.append(f"{method} {url.removeprefix(BASE).split('?')[0]}")
        return await original(method, url, *args, **kwargs)

    client.request = request
# ANCHOR_END: hosts


def post_form(path, cookie, form):
    req = urllib.request.Request(
        BASE + path,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    return json.load(urllib.request.urlopen(req))


async def main():
    rewrite_hosts()
    stamp = int(time.time())
    a = admin("/admin/v1/users", {"uname": f"py_alice_{stamp}"})["mid"]
    b = admin("/admin/v1/users", {"uname": f"py_bob_{stamp}"})["mid"]
    # ANCHOR: cookies
    ca, cb = (admin(f"/admin/v1/users/{m}/sessions", None) for m in (a, b))
    alice = Credential(sessdata=ca["SESSDATA"], bili_jct=ca["bili_jct"], dedeuserid=str(a))
    bob = Credential(sessdata=cb["SESSDATA"], bili_jct=cb["bili_jct"], dedeuserid=str(b))
    # ANCHOR_END: cookies

    me = await user.get_self_info(alice)
    assert me["mid"] == a, me
    print("nav/myinfo: ok", me["name"])
    buvid3, buvid4 = await network.get_buvid()
    assert buvid3.endswith("infoc") and buvid4.endswith("infoc"), (buvid3, buvid4)
    print("buvid (finger/spi + ExClimbWuzhi): ok", buvid3)
    ticket, _ = await network.get_bili_ticket(alice)
    assert ticket.count(".") == 2, ticket
    print("bili_ticket (GenWebTicket): ok")

    since = int(time.time() * 1_000_000) - 1
    # ANCHOR: send
    sent = await session.send_msg(alice, b, session.EventType.TEXT, "你好 bob")
    # ANCHOR_END: send
    assert isinstance(sent["msg_key"], int) and sent["msg_key"] > 2**53, sent
    assert json.loads(sent["msg_content"])["content"] == "你好 bob", sent
    print("send_msg: ok", sent["msg_key"])
    reply = await session.send_msg(bob, a, session.EventType.TEXT, "hi alice")
    print("reply: ok", reply["msg_key"])

    # ANCHOR: new_sessions
    fresh = await session.new_sessions(alice, since)
    talkers = [s["talker_id"] for s in fresh["session_list"]]
    # ANCHOR_END: new_sessions
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
    # ANCHOR: follow
    await user.User(b, credential=alice).modify_relation(user.RelationType.SUBSCRIBE)
    # ANCHOR_END: follow
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

    # QR-code login: the client generates a key and polls it; alice approves it.
    # ANCHOR: qr_generate
    qr = login_v2.QrCodeLogin()
    await qr.generate_qrcode()
    # ANCHOR_END: qr_generate
    # The client shows the key only as a QR code; a phone would read it from
    # the image, the script reads the link the image encodes.
    link = qr._QrCodeLogin__qr_link
    assert link.startswith(BASE + "/h5-app/passport/login/scan?"), link
    key = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["qrcode_key"][0]
    assert await qr.check_state() == login_v2.QrCodeLoginEvents.SCAN
    cookie = f"SESSDATA={ca['SESSDATA']}; bili_jct={ca['bili_jct']}"
    for step in ("scan", "confirm"):
        answer = post_form(f"/x/sixin/qrcode/{step}", cookie, {"qrcode_key": key, "csrf": ca["bili_jct"]})
        assert answer["code"] == 0, answer
        if step == "scan":
            assert await qr.check_state() == login_v2.QrCodeLoginEvents.CONF
    # ANCHOR: qr_done
    assert await qr.check_state() == login_v2.QrCodeLoginEvents.DONE
    browser = qr.get_credential()
    # ANCHOR_END: qr_done
    me = await user.get_self_info(browser)
    assert me["mid"] == a, me
    print("QR login: ok, logged in as", me["name"])

    print("paths called:", ", ".join(dict.fromkeys(CALLED)))
    print("bilibili-api-python drove sixin without a difference")


asyncio.run(main())

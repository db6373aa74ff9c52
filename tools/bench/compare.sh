#!/usr/bin/env bash
# Two builds side by side under the same load: both servers run at once and
# the wrk runs alternate between them (in turn first), so that the machine's
# drift affects both alike. Prints the median requests/s of each build for
# 20-message history pages (measured first, on the same 25-message history)
# and durable sends, from 1 and from 16 connections.
#
#   tools/bench/compare.sh BINARY_A BINARY_B [rounds=5] [seconds per run=5]
#
# Needs wrk and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
bins=("$1" "$2") rounds=${3:-5} secs=${4:-5}
pids=() dirs=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "${dirs[@]}"' EXIT
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
declare -a base cookie csrf alice bob
for i in 0 1; do
  dir=$(mktemp -d); dirs+=("$dir")
  port=$((30000 + RANDOM % 10000 + i))
  SIXIN_LOG=warn "${bins[$i]}" serve --listen "127.0.0.1:$port" --data-dir "$dir" \
    --admin-token bench-token --send-burst 100000000 --send-burst-secs 1 --send-ban-strikes 0 &
  pids+=($!)
  b="http://127.0.0.1:$port"; base[$i]=$b
  for _ in $(seq 100); do curl -sf "$b/x/frontend/finger/spi" >/dev/null && break; sleep 0.1; done
  admin() { curl -sf -X POST "$b$1" -H "Authorization: Bearer bench-token" -H 'Content-Type: application/json' ${2:+-d "$2"}; }
  alice[$i]=$(admin /admin/v1/users '{"uname":"alice"}' | field "['data']['mid']")
  bob[$i]=$(admin /admin/v1/users '{"uname":"bob"}' | field "['data']['mid']")
  la=$(admin "/admin/v1/users/${alice[$i]}/sessions"); lb=$(admin "/admin/v1/users/${bob[$i]}/sessions")
  cookie[$i]="SESSDATA=$(echo "$la" | field "['data']['SESSDATA']")"
  csrf[$i]=$(echo "$la" | field "['data']['bili_jct']")
  curl -sf "$b/x/relation/modify" -b "SESSDATA=$(echo "$lb" | field "['data']['SESSDATA']")" \
    -d "fid=${alice[$i]}&act=1&csrf=$(echo "$lb" | field "['data']['bili_jct']")" >/dev/null
  for n in $(seq 25); do
    curl -sf "$b/web_im/v1/web_im/send_msg" -b "${cookie[$i]}" \
      --data-urlencode "msg[sender_uid]=${alice[$i]}" --data-urlencode "msg[receiver_id]=${bob[$i]}" \
      --data-urlencode "msg[receiver_type]=1" --data-urlencode "msg[msg_type]=1" \
      --data-urlencode "msg[content]={\"content\":\"seed $n\"}" --data-urlencode "csrf=${csrf[$i]}" >/dev/null
  done
done
results=$(mktemp); dirs+=("$results")
for what in fetch send; do
  for conns in 1 16; do
    for r in $(seq "$rounds"); do
      for i in $([ $((r % 2)) = 1 ] && echo 0 1 || echo 1 0); do
        if [ "$what" = send ]; then
          script=send.lua
          vars=(START=$((r * 100000000 + conns * 1000000)) SENDER="${alice[$i]}" RECEIVER="${bob[$i]}" CSRF="${csrf[$i]}")
        else
          script=fetch.lua
          vars=(TALKER="${bob[$i]}")
        fi
        rps=$(env "${vars[@]}" COOKIE="${cookie[$i]}" \
          wrk -t1 -c"$conns" -d"${secs}s" -s "tools/bench/$script" "${base[$i]}" | awk '/Requests\/sec/ {print $2}')
        echo "$what $conns $i $rps" >> "$results"
      done
    done
  done
done
python3 - "$results" "${bins[@]}" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    what, conns, i, rps = line.split()
    runs[(what, int(conns), int(i))].append(float(rps))
for what in ("fetch", "send"):
    for conns in (1, 16):
        cells = [f"{statistics.median(runs[(what, conns, i)]):8.0f}" for i in (0, 1)]
        print(f"{what:5} c={conns:<2}  {sys.argv[2]}: {cells[0]} req/s   {sys.argv[3]}: {cells[1]} req/s")
PY

#!/usr/bin/env bash
# A repeatable load on loopback: durable sends and 20-message history pages,
# each from 1 and from 16 connections, against a release build with a fresh
# data directory. Needs wrk (apt-get install wrk).
#
#   tools/bench/load.sh [seconds per run, default 10]
#
# SIXIN_BIN=path runs another build (to compare two builds in one sitting).
#
# Prints one line per run: what, connections, requests/s, and checks that
# every acknowledged send was stored (max_seqno grew by at least the count;
# sends still in flight when wrk stops are stored but not counted).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
bin=${SIXIN_BIN:-target/release/sixin}
[ -n "${SIXIN_BIN:-}" ] || cargo build --release -q -p sixin
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"
token=bench-token
SIXIN_LOG=warn "$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir" \
  --admin-token "$token" --send-burst 100000000 --send-burst-secs 1 --send-ban-strikes 0 &
server=$!
for _ in $(seq 100); do curl -sf "$base/x/frontend/finger/spi" >/dev/null && break; sleep 0.1; done

admin() { curl -sf -X "$1" "$base$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
a=$(admin POST /admin/v1/users '{"uname":"alice"}' | field "['data']['mid']")
b=$(admin POST /admin/v1/users '{"uname":"bob"}' | field "['data']['mid']")
login() { admin POST "/admin/v1/users/$1/sessions"; }
la=$(login "$a"); lb=$(login "$b")
cookie_a="SESSDATA=$(echo "$la" | field "['data']['SESSDATA']")"
csrf_a=$(echo "$la" | field "['data']['bili_jct']")
cookie_b="SESSDATA=$(echo "$lb" | field "['data']['SESSDATA']")"
csrf_b=$(echo "$lb" | field "['data']['bili_jct']")
# Bob follows Alice, so she is no stranger to him.
curl -sf "$base/x/relation/modify" -b "$cookie_b" -d "fid=$a&act=1&csrf=$csrf_b" >/dev/null

max_seqno() {
  curl -sf "$base/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=$b&session_type=1&size=1" \
    -b "$cookie_a" | field "['data']['max_seqno']"
}

run() { # what connections script env...
  local what=$1 conns=$2 script=$3; shift 3
  local out
  out=$(env "$@" wrk -t1 -c"$conns" -d"${secs}s" -s "tools/bench/$script" "$base" --latency)
  local rps requests
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '%-6s c=%-3s %10s req/s  (%s requests' "$what" "$conns" "$rps" "$requests"
  echo "$out" | grep -q 'Non-2xx' && printf ', NON-2XX ANSWERS'
  printf ')'
}

for conns in 1 16; do
  before=$(max_seqno)
  run send "$conns" send.lua START="$((conns * 100000000))" SENDER="$a" RECEIVER="$b" COOKIE="$cookie_a" CSRF="$csrf_a"
  after=$(max_seqno)
  echo "  stored $((after - before))"
done
for conns in 1 16; do
  run fetch "$conns" fetch.lua TALKER="$b" COOKIE="$cookie_a"
  echo
done

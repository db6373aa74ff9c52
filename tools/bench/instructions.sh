#!/usr/bin/env bash
# CPU instructions the server spends per request, counted by callgrind
# (repeatable to a fraction of a percent, whatever else the machine does).
# Instrumentation is on only around N sequential requests on one keep-alive
# connection; every thread of the server counts (HTTP, the SQLite writer,
# the readers).
#
#   tools/bench/instructions.sh send|fetch|sessions [N=300] [binary=target/release/sixin]
#
# With CONNECTIONS=C the N requests come from C connections at once (sends
# then share the SQLite writer's group commits).
#
# With KEEP=path the callgrind output is copied there, for
# `callgrind_annotate path`.
#
# Needs valgrind and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
what=$1 n=${2:-300} bin=${3:-target/release/sixin}
[ "$bin" != target/release/sixin ] || cargo build --release -q -p sixin
dir=$(mktemp -d)
out="$dir/callgrind.out"
port=$((40000 + RANDOM % 10000))
SIXIN_LOG=error valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
  "$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir/data" --admin-token bench-token \
  --send-burst 100000000 --send-burst-secs 1 --send-ban-strikes 0 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/x/frontend/finger/spi" >/dev/null && break; sleep 0.2; done
python3 tools/bench/drive.py "$port" "$what" "$n" "$pid"
kill -INT $pid
wait $pid || true
[ -z "${KEEP:-}" ] || cp "$out" "$KEEP"
total=$(awk '/^totals:/ {print $2; exit}' "$out")
echo "$what: $((total / n)) instructions per request ($total over $n requests, $bin)"

#!/usr/bin/env bash
# Third-party clients against a fresh sixin, as CI runs them:
#
#   tools/compat/run.sh            both clients
#   tools/compat/run.sh python     bilibili-api-python (tools/compat/bilibili_api_python.py)
#   tools/compat/run.sh rust       bpi-rs (examples/bpi-rs)
#
# Builds the server, starts it on a free port with a temporary data
# directory and its own admin token, runs each client against it (each
# exits non-zero on the first difference), stops the server. Prints how
# long each step took.
set -euo pipefail
cd "$(dirname "$0")/../.."

clients=("$@")
[ ${#clients[@]} -gt 0 ] || clients=(python rust)
for client in "${clients[@]}"; do
    case "$client" in
    python | rust) ;;
    *) echo "unknown client: $client (python, rust)" >&2 && exit 2 ;;
    esac
done

timed() {
    local label=$1 start=$SECONDS
    shift
    echo "== $label"
    "$@"
    echo "== $label: $((SECONDS - start))s"
}

timed "build sixin" cargo build --quiet --locked -p sixin

work=$(mktemp -d)
token="compat-$RANDOM$RANDOM$RANDOM"
SIXIN_LOG=info target/debug/sixin serve --listen 127.0.0.1:0 \
    --admin-token "$token" --data-dir "$work/data" 2>"$work/sixin.log" &
server=$!
finish() {
    local status=$?
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        echo "-- the server's log (last 40 lines):" >&2
        tail -n 40 "$work/sixin.log" >&2 || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap finish EXIT

address=
for _ in $(seq 300); do
    address=$(sed -n 's/.*bound=\([0-9.:]*\).*/\1/p' "$work/sixin.log" | head -n 1)
    [ -n "$address" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
[ -n "$address" ] || { echo "sixin did not start" >&2 && exit 1; }
base="http://$address"
echo "== sixin listening on $base"

for client in "${clients[@]}"; do
    case "$client" in
    python)
        timed "install the Python client" python3 -m pip install --quiet \
            --disable-pip-version-check -r tools/compat/requirements.txt
        timed "bilibili-api-python" python3 tools/compat/bilibili_api_python.py "$base" "$token"
        ;;
    rust)
        timed "build the bpi-rs example" cargo build --quiet --locked \
            --manifest-path examples/bpi-rs/Cargo.toml
        timed "bpi-rs" cargo run --quiet --locked \
            --manifest-path examples/bpi-rs/Cargo.toml -- "$base" "$token"
        ;;
    esac
done

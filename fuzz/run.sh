#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds each (default 30), starting from
# the checked-in corpus (fuzz/corpus/<target>, read only: new inputs go to
# a scratch directory). Any crash, timeout or out-of-memory fails the run
# and leaves the input in fuzz/artifacts/<target>/.
#
# Stable Rust is enough: without a sanitizer (`-s none`) cargo-fuzz needs
# no nightly flags; libFuzzer's coverage guidance still works. Everything
# sixin compiles forbids unsafe code, so panics (and hangs, huge
# allocations) are what there is to find.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
if ! command -v cargo-fuzz >/dev/null; then
    cargo install cargo-fuzz --locked --version 0.13.2
fi
# Inside the project's own target directory.
target_dir="../target/fuzz"
cargo fuzz build -s none --target-dir "$target_dir"
for target in $(cargo fuzz list); do
    scratch="$(mktemp -d)"
    log="$scratch.log"
    echo "fuzz: $target for ${secs}s"
    if ! cargo fuzz run -s none --target-dir "$target_dir" "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/" >&2
        rm -rf "$scratch" "$log"
        exit 1
    fi
    grep -E "DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
    rm -rf "$scratch" "$log"
done
echo "fuzz: every target ran ${secs}s with no crash"

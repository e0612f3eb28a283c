#!/usr/bin/env bash
# Echo benchmark: AsyncioSharp's Protocol echo server against CPython asyncio's (and uvloop's when installed) and a
# minimal C epoll server (the ceiling). For each: requests/s from bench/c/loadgen, and the server's CPU time per
# request read from /proc/PID/stat (utime+stime), which is what separates servers near the ceiling on 2 cores.
# Usage: bench/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-5}
out=$(mktemp -d)
gcc -O2 -o "$out/loadgen" c/loadgen.c
gcc -O2 -o "$out/echo_epoll" c/echo_epoll.c
dotnet build -c Release AsyncioSharp.Bench -o "$out/bench" >/dev/null
tick=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_one() { # name, command...
    local name=$1; shift
    "$@" > "$out/port" &
    local pid=$!
    for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.05; done
    local port; port=$(head -1 "$out/port")
    for spec in "1024 50" "16384 10"; do
        set -- $spec
        "$out/loadgen" "$port" "$1" "$2" 1 >/dev/null   # warm-up
        local c0; c0=$(cpu_ticks "$pid")
        local res; res=$("$out/loadgen" "$port" "$1" "$2" "$secs")
        local c1; c1=$(cpu_ticks "$pid")
        local reqs=${res%% *}
        awk -v n="$name" -v s="$1" -v c="$2" -v r="$reqs" -v t="$secs" -v cpu=$((c1 - c0)) -v hz="$tick" \
            'BEGIN { printf "%-14s %6d B x %3d conns  %10.0f req/s  %7.2f us CPU/req\n", n, s, c, r / t, cpu / hz * 1e6 / r }'
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_one "c-epoll" "$out/echo_epoll"
run_one "asynciosharp" dotnet "$out/bench/AsyncioSharp.Bench.dll" echo-server
run_one "cpython" python3 python/echo_asyncio.py
if python3 -c "import uvloop" 2>/dev/null; then
    run_one "uvloop" python3 python/echo_asyncio.py --uvloop
else
    echo "uvloop        not installed: skipped"
fi
rm -rf "$out"

#!/usr/bin/env bash
# Runs the benchmarks (see bench/README.md): installs the peers it needs, builds, measures, writes the table.
# Usage: bench/run.sh [echo] [streams] [python]   (extra AsyncioSharp server rows to include)
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c "import uvloop" 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-uvloop >/dev/null
fi
gcc -O2 -o c/echo_server c/echo_server.c
gcc -O2 -o c/load c/load.c
gcc -O2 -o c/conn_load c/conn_load.c
dotnet build -c Release AsyncioSharp.Bench --nologo -v q >/dev/null
if [[ " $* " == *" python "* ]]; then
  dotnet build -c Release ../src/AsyncioSharp.Runner --nologo -v q >/dev/null
fi
python3 run.py "$@"

#!/usr/bin/env bash
# Runs CPython's test_asyncio modules on asynciosharp.EventLoop, one process per module (a hang costs one module).
# Usage: pyproject-tests/run_cpython_suite.sh [module ...]   (summary lines on stdout; see README.md for the last run)
# With HOST=python3 the modules run under python3 -m asynciosharp (.NET loaded into python3) instead of the runner.
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/AsyncioSharp.Runner --nologo -v q >/dev/null
runner=src/AsyncioSharp.Runner/bin/Release/net10.0/AsyncioSharp.Runner.dll
host=(dotnet "$runner")
if [ "${HOST:-}" = python3 ]; then
  host=(env PYTHONPATH=src/AsyncioSharp.Runner/bin/Release/net10.0/python python3 -m asynciosharp)
fi
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  mapfile -t modules < <(grep -o "'test_[a-z0-9_]*'" pyproject-tests/cpython_suite.py | tr -d "'")
fi
for m in "${modules[@]}"; do
  timeout 600 "${host[@]}" pyproject-tests/cpython_suite.py "$m" 2>/dev/null | grep -v '^TOTAL'
  rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 124 ]; then echo "$m: timed out after 600s"; fi
done

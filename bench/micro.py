"""Loop micro-benchmarks, the same work as bench/AsyncioSharp.Bench's: run with python3 [uvloop]."""
import asyncio
import json
import sys
import time


async def call_soon(n):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    count = 0

    def cb():
        nonlocal count
        count += 1
        if count == n:
            done.set_result(None)

    t0 = time.perf_counter()
    for _ in range(n):
        loop.call_soon(cb)
    await done
    return time.perf_counter() - t0


async def noop():
    pass


async def tasks(n):
    loop = asyncio.get_running_loop()
    t0 = time.perf_counter()
    await asyncio.gather(*[loop.create_task(noop()) for _ in range(n)])
    return time.perf_counter() - t0


async def futures(n):
    loop = asyncio.get_running_loop()
    t0 = time.perf_counter()
    for _ in range(n):
        fut = loop.create_future()
        loop.call_soon(fut.set_result, None)
        await fut
    return time.perf_counter() - t0


async def sleep0(n):
    t0 = time.perf_counter()
    for _ in range(n):
        await asyncio.sleep(0)
    return time.perf_counter() - t0


BENCHES = [("call_soon", call_soon, 1_000_000), ("tasks", tasks, 200_000),
           ("future_roundtrip", futures, 200_000), ("sleep0", sleep0, 500_000)]


async def main():
    results = {}
    for name, fn, n in BENCHES:
        best = min([await fn(n) for _ in range(3)])
        results[name] = n / best
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "uvloop":
        import uvloop
        uvloop.install()
    print(json.dumps(asyncio.run(main())))

"""An unmodified asyncio program: run it with python3, or on the .NET loop with
    dotnet run --project src/AsyncioSharp.Runner -- examples/hello.py
"""

import asyncio
import sys


async def greet(name, delay):
    await asyncio.sleep(delay)
    return f"hello, {name}"


async def handle_echo(reader, writer):
    data = await reader.readline()
    writer.write(data.upper())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    loop = asyncio.get_running_loop()
    print(f"loop: {type(loop).__module__}.{type(loop).__name__}")
    t0 = loop.time()
    for greeting in await asyncio.gather(greet("asyncio", 0.2), greet("CPython on .NET", 0.1)):
        print(greeting)
    print(f"both in {loop.time() - t0:.2f}s, concurrently")

    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"echo over loopback\n")
    print((await reader.readline()).decode().strip())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

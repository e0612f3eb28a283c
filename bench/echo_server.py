"""Echo servers for the benchmark: python3 echo_server.py PORT protocol|streams [uvloop]. Prints "ready"."""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def handle(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def main(port, kind):
    loop = asyncio.get_running_loop()
    if kind == "protocol":
        server = await loop.create_server(Echo, "127.0.0.1", port)
    else:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[3] == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))

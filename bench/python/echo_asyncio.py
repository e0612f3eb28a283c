"""CPython asyncio's Protocol echo server (uvloop's too, with --uvloop when uvloop is installed)."""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main(use_uvloop):
    if use_uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == '__main__':
    use_uvloop = '--uvloop' in sys.argv
    if use_uvloop:
        import uvloop  # noqa: F401  (fail early when it is missing)
    asyncio.run(main(use_uvloop))

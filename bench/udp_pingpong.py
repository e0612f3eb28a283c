"""Datagram round trips on one loop: an echo endpoint and a connected client exchanging one 64-byte datagram at a
time over 127.0.0.1 (run by python3, python3 with --uvloop, or asynciosharp). Prints round trips per second."""

import asyncio
import sys
import time

ROUNDS = 50_000


async def main():
    loop = asyncio.get_running_loop()

    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            self.transport.sendto(data, addr)

    class Client(asyncio.DatagramProtocol):
        def __init__(self):
            self.count = 0
            self.done = loop.create_future()

        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            self.count += 1
            if self.count == ROUNDS:
                self.done.set_result(None)
            else:
                self.transport.sendto(data)

    server, _ = await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', 0))
    client, protocol = await loop.create_datagram_endpoint(Client, remote_addr=server.get_extra_info('sockname'))
    start = time.perf_counter()
    client.sendto(b'x' * 64)
    await protocol.done
    elapsed = time.perf_counter() - start
    print(f'{ROUNDS / elapsed:,.0f} round trips/s ({elapsed / ROUNDS * 1e6:.1f} us each)')
    client.close()
    server.close()


if __name__ == '__main__':
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main())

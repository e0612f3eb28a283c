"""A subclass of the default loop that overrides getaddrinfo sees create_connection call it, on either loop."""

import asyncio
import socket
import unittest


class LoopSubclassTests(unittest.TestCase):
    def test_create_connection_uses_overridden_getaddrinfo(self):
        policy_loop = asyncio.new_event_loop()
        base = type(policy_loop)
        policy_loop.close()
        asked = []

        class TestDnsLoop(base):
            async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):
                asked.append(host)
                return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, '', ('127.0.0.1', port))]

        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(asyncio.Protocol, 'service.test', port)
            peer = transport.get_extra_info('peername')
            transport.close()
            server.close()
            await server.wait_closed()
            return peer

        with asyncio.Runner(loop_factory=TestDnsLoop) as runner:
            peer = runner.run(main())
        self.assertEqual(asked, ['service.test'])
        self.assertEqual(peer[0], '127.0.0.1')


if __name__ == '__main__':
    unittest.main()

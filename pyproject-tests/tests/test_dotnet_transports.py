"""Plain TCP through the .NET socket transports (asynciosharp only: EventLoop(dotnet_transports=True))."""

import asyncio
import socket
import sys
import unittest

from .echo import echo_round_trip

HOSTED = 'asynciosharp' in sys.modules


@unittest.skipUnless(HOSTED, 'needs the asynciosharp host')
class DotnetTransportTests(unittest.TestCase):
    def run_on_dotnet_transports(self, coro):
        import asynciosharp
        with asyncio.Runner(loop_factory=lambda: asynciosharp.EventLoop(dotnet_transports=True)) as runner:
            return runner.run(coro)

    def test_streams_echo(self):
        def check_connection(writer, address):
            self.assertEqual(type(writer.transport).__module__, 'asynciosharp._transports')
            self.assertEqual(writer.get_extra_info('peername'), address)

        async def main():
            server = await echo_round_trip(self, bytes(range(256)) * 1000, check_connection)
            self.assertIsNone(server._sockets)

        self.run_on_dotnet_transports(main())

    def test_protocol_callbacks_in_order(self):
        async def main():
            loop = asyncio.get_running_loop()
            events = []
            done = loop.create_future()

            class Recorder(asyncio.Protocol):
                def connection_made(self, transport):
                    events.append('made')
                    self.transport = transport

                def data_received(self, data):
                    events.append(data)
                    self.transport.close()

                def eof_received(self):
                    events.append('eof')

                def connection_lost(self, exc):
                    events.append('lost')
                    done.set_result(None)

            server = await loop.create_server(Recorder, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(asyncio.Protocol, '127.0.0.1', port)
            transport.write(b'hi')
            await done
            transport.close()
            server.close()
            await server.wait_closed()
            self.assertEqual(events, ['made', b'hi', 'lost'])

        self.run_on_dotnet_transports(main())

    def test_connection_refused_is_python_exception(self):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        s.close()

        async def main():
            with self.assertRaises(ConnectionRefusedError):
                await asyncio.open_connection('127.0.0.1', port)

        self.run_on_dotnet_transports(main())


if __name__ == '__main__':
    unittest.main()

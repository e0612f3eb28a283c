"""TCP and TLS through the .NET socket transports (asynciosharp only: EventLoop(dotnet_transports=True, dotnet_tls=True))."""

import asyncio
import os
import socket
import ssl
import sys
import unittest

from .echo import echo_round_trip

HOSTED = 'asynciosharp' in sys.modules
# Copies of CPython's test certificates (Lib/test/certdata): localhost, signed by the test CA.
CERTS = os.path.dirname(__file__)


@unittest.skipUnless(HOSTED, 'needs the asynciosharp host')
class DotnetTransportTests(unittest.TestCase):
    def run_on_dotnet_transports(self, coro):
        import asynciosharp
        with asyncio.Runner(loop_factory=lambda: asynciosharp.EventLoop(dotnet_transports=True, dotnet_tls=True)) as runner:
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

    def test_face_reaches_its_dotnet_transport_and_bridge_on_first_use(self):
        # The face is made with capsules (no Python.NET conversion per connection); each is converted once, when used.
        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            transport, first = await loop.create_connection(asyncio.Protocol, '127.0.0.1', port)
            self.assertEqual(type(transport._net_ref).__name__, 'PyCapsule')
            self.assertEqual(type(transport._bridge_ref).__name__, 'PyCapsule')
            self.assertEqual(transport._net.GetType().Name, 'SelectorSocketTransport')
            self.assertIs(transport._net, transport._net_ref)
            second = asyncio.Protocol()
            transport.set_protocol(second)
            self.assertIs(transport.get_protocol(), second)
            self.assertEqual(transport._bridge.protocol, second)
            transport.close()
            server.close()
            await server.wait_closed()

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

    def tls_contexts(self):
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(os.path.join(CERTS, 'keycert3.pem'))
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client.load_verify_locations(os.path.join(CERTS, 'pycacert.pem'))
        return server, client

    def tls_echo(self, server_context, client_context):
        """A TLS echo of 5 bytes between a server and a client on the .NET transports, with these contexts."""
        async def handle(reader, writer):
            writer.write(await reader.readexactly(5))
            await writer.drain()
            writer.close()

        async def main():
            server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=server_context)
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection('127.0.0.1', port, ssl=client_context,
                                                           server_hostname='localhost')
            self.assertEqual(type(writer.transport).__module__, 'asynciosharp._transports')
            self.assertIsNotNone(writer.get_extra_info('peercert'))
            writer.write(b'hello')
            self.assertEqual(await reader.readexactly(5), b'hello')
            writer.close()
            await writer.wait_closed()
            server.close()
            await server.wait_closed()

        self.run_on_dotnet_transports(main())

    def test_tls_echo_with_python_ssl_contexts(self):
        self.tls_echo(*self.tls_contexts())

    def test_tls_echo_with_dotnet_ssl_contexts(self):
        # The .NET ssl mirror (AsyncioSharp.Ssl.SSLContext) is taken as it is, as a Python ssl.SSLContext would be.
        from AsyncioSharp.Ssl import SSLContext, _SSLMethod
        server_context = SSLContext(_SSLMethod.PROTOCOL_TLS_SERVER)
        server_context.LoadCertChain(os.path.join(CERTS, 'keycert3.pem'))
        client_context = SSLContext(_SSLMethod.PROTOCOL_TLS_CLIENT)
        client_context.LoadVerifyLocations(os.path.join(CERTS, 'pycacert.pem'))
        self.tls_echo(server_context, client_context)

    def test_untrusted_certificate_is_ssl_cert_verification_error(self):
        server_context, _ = self.tls_contexts()
        client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)

        async def main():
            server = await asyncio.start_server(lambda r, w: w.close(), '127.0.0.1', 0, ssl=server_context)
            port = server.sockets[0].getsockname()[1]
            with self.assertRaises(ssl.SSLCertVerificationError):
                await asyncio.open_connection('127.0.0.1', port, ssl=client_context, server_hostname='localhost')
            server.close()
            await server.wait_closed()

        self.run_on_dotnet_transports(main())

    def test_buffered_protocol_gets_the_bytes(self):
        async def main():
            loop = asyncio.get_running_loop()
            received = bytearray()
            done = loop.create_future()

            class Sink(asyncio.BufferedProtocol):
                def __init__(self):
                    self.buffer = bytearray(7)

                def get_buffer(self, sizehint):
                    return self.buffer

                def buffer_updated(self, nbytes):
                    received.extend(self.buffer[:nbytes])

                def connection_lost(self, exc):
                    done.set_result(None)

            server = await loop.create_server(Sink, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(asyncio.Protocol, '127.0.0.1', port)
            transport.write(b'0123456789' * 10)
            transport.close()
            await done
            server.close()
            await server.wait_closed()
            self.assertEqual(bytes(received), b'0123456789' * 10)

        self.run_on_dotnet_transports(main())

    def test_write_rejects_str_with_cpython_message(self):
        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(asyncio.Protocol, '127.0.0.1', port)
            with self.assertRaisesRegex(TypeError, "data argument must be a bytes-like object, not 'str'"):
                transport.write('text')
            transport.write(memoryview(b'ok'))
            transport.close()
            server.close()
            await server.wait_closed()

        self.run_on_dotnet_transports(main())


if __name__ == '__main__':
    unittest.main()

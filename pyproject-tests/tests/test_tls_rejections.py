"""TLS on the default loop: ssl= takes the .NET TLS by default under asynciosharp (dotnet_tls=False keeps CPython's
sslproto), and a certificate rejected on either side never gives the other side's protocol a connection, as with
stock CPython (these run both ways)."""

import asyncio
import os
import ssl
import sys
import unittest

HOSTED = 'asynciosharp' in sys.modules
# Copies of CPython's test certificates (Lib/test/certdata): localhost, signed by the test CA.
CERTS = os.path.dirname(__file__)
KEYCERT = os.path.join(CERTS, 'keycert3.pem')
CA = os.path.join(CERTS, 'pycacert.pem')


class ServerProtocol(asyncio.Protocol):
    def __init__(self, made, connected=None):
        self.made = made
        self.connected = connected

    def connection_made(self, transport):
        self.made.append(transport)
        if self.connected is not None:
            self.connected.set()


class TlsRejectionTests(unittest.TestCase):
    def server_context(self, maximum=None, require_client_cert=False):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(KEYCERT)
        if maximum is not None:
            context.maximum_version = maximum
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(CA)
        return context

    async def refused_by_client(self, maximum):
        loop = asyncio.get_running_loop()
        made = []
        connected = asyncio.Event()
        server = await loop.create_server(lambda: ServerProtocol(made, connected), '127.0.0.1', 0,
                                          ssl=self.server_context(maximum))
        port = server.sockets[0].getsockname()[1]
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no CA: the server's certificate is untrusted
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            await loop.create_connection(asyncio.Protocol, '127.0.0.1', port, ssl=client,
                                         server_hostname='localhost')
        self.assertEqual(caught.exception.verify_code, 20)
        # A trusting client next: once the server made its connection, it had read the refused client's last bytes
        # (sent before the refusal was raised) and would have made that connection first.
        await self.connect_trusting(port)
        # In TLS 1.3 the trusting client is connected before the server has read its Finished: wait for the server.
        await asyncio.wait_for(connected.wait(), 10)
        server.close()
        await server.wait_closed()
        return made

    async def connect_trusting(self, port):
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client.load_verify_locations(CA)
        transport, _ = await asyncio.get_running_loop().create_connection(
            asyncio.Protocol, '127.0.0.1', port, ssl=client, server_hostname='localhost')
        transport.close()

    def test_client_rejecting_the_certificate_leaves_the_server_unconnected_tls13(self):
        self.assertEqual(len(asyncio.run(self.refused_by_client(None))), 1)

    def test_client_rejecting_the_certificate_leaves_the_server_unconnected_tls12(self):
        self.assertEqual(len(asyncio.run(self.refused_by_client(ssl.TLSVersion.TLSv1_2))), 1)

    def test_tls12_server_requiring_a_client_certificate_fails_the_client_handshake(self):
        async def main():
            loop = asyncio.get_running_loop()
            made = []
            server = await loop.create_server(
                lambda: ServerProtocol(made), '127.0.0.1', 0,
                ssl=self.server_context(ssl.TLSVersion.TLSv1_2, require_client_cert=True))
            port = server.sockets[0].getsockname()[1]
            client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            client.load_verify_locations(CA)
            # CPython's server closes without sending its alert (ConnectionResetError); the .NET one sends
            # OpenSSL's handshake_failure alert (an SSLError): both are OSErrors raised by the handshake.
            with self.assertRaises(OSError):
                await loop.create_connection(asyncio.Protocol, '127.0.0.1', port, ssl=client,
                                             server_hostname='localhost')
            server.close()
            await server.wait_closed()
            self.assertEqual(made, [])

        asyncio.run(main())

    @unittest.skipUnless(HOSTED and os.environ.get('ASYNCIOSHARP_TLS') != 'cpython'
                         and os.environ.get('ASYNCIOSHARP_TRANSPORTS') != 'cpython',
                         'needs the asynciosharp host with its default transports and TLS')
    def test_ssl_takes_the_dotnet_tls_by_default_and_dotnet_tls_false_opts_out(self):
        import asynciosharp

        async def transport_module():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0, ssl=self.server_context())
            port = server.sockets[0].getsockname()[1]
            client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            client.load_verify_locations(CA)
            transport, _ = await loop.create_connection(asyncio.Protocol, '127.0.0.1', port, ssl=client,
                                                        server_hostname='localhost')
            module = type(transport).__module__
            self.assertEqual(transport.get_extra_info('peercert')['OCSP'],
                             ('http://testca.pythontest.net/testca/ocsp/',))
            transport.close()
            server.close()
            await server.wait_closed()
            return module

        with asyncio.Runner(loop_factory=asynciosharp.EventLoop) as runner:
            self.assertEqual(runner.run(transport_module()), 'asynciosharp._transports')
        with asyncio.Runner(loop_factory=lambda: asynciosharp.EventLoop(dotnet_tls=False)) as runner:
            self.assertEqual(runner.run(transport_module()), 'asyncio.sslproto')


if __name__ == '__main__':
    unittest.main()

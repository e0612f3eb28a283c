"""Bad arguments to create_connection/create_server get CPython's exception type and message, on either loop."""

import asyncio
import socket
import unittest


class BadInputTests(unittest.TestCase):
    def check(self, make_call, exc_type, message):
        """Runs make_call(loop, port) against a live server; it must raise exc_type with exactly message."""
        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(asyncio.Protocol, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            try:
                with self.assertRaises(exc_type) as caught:
                    await make_call(loop, port)
                self.assertEqual(str(caught.exception), message)
            finally:
                server.close()
                await server.wait_closed()

        asyncio.run(main())

    def test_protocol_factory_not_callable(self):
        self.check(lambda loop, port: loop.create_connection(None, '127.0.0.1', port),
                   TypeError, "'NoneType' object is not callable")

    def test_protocol_factory_raises(self):
        def factory():
            raise ValueError('no protocol today')

        self.check(lambda loop, port: loop.create_connection(factory, '127.0.0.1', port),
                   ValueError, 'no protocol today')

    def test_protocol_without_connection_made(self):
        self.check(lambda loop, port: loop.create_connection(lambda: 5, '127.0.0.1', port),
                   AttributeError, "'int' object has no attribute 'connection_made'")

    def test_port_out_of_range(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', 99999),
                   OverflowError, 'connect(): port must be 0-65535.')

    def test_negative_port(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', -1),
                   OverflowError, 'connect(): port must be 0-65535.')

    def test_server_hostname_without_ssl(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', port,
                                                             server_hostname='x'),
                   ValueError, 'server_hostname is only meaningful with ssl')

    def test_handshake_timeout_without_ssl(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', port,
                                                             ssl_handshake_timeout=1),
                   ValueError, 'ssl_handshake_timeout is only meaningful with ssl')

    def test_bad_ssl_type(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', port, ssl='x'),
                   AttributeError, "'str' object has no attribute 'wrap_bio'")

    def test_unsupported_family(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', port, family=99),
                   socket.gaierror, '[Errno -6] ai_family not supported')

    def test_happy_eyeballs_delay_not_a_number(self):
        self.check(lambda loop, port: loop.create_connection(asyncio.Protocol, '127.0.0.1', port,
                                                             happy_eyeballs_delay='x'),
                   TypeError, "'<=' not supported between instances of 'str' and 'int'")

    def test_server_handshake_timeout_without_ssl(self):
        self.check(lambda loop, port: loop.create_server(asyncio.Protocol, '127.0.0.1', 0, ssl_handshake_timeout=1),
                   ValueError, 'ssl_handshake_timeout is only meaningful with ssl')


if __name__ == '__main__':
    unittest.main()

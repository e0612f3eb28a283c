"""sock=, unix sockets, host lists, datagram endpoints and pipes: CPython's behaviour, which asynciosharp gives on the .NET
transports (under the host, each test also checks that the .NET transport was the one used)."""

import asyncio
import os
import socket
import sys
import tempfile
import unittest
from asyncio import trsock

HOSTED = 'asynciosharp' in sys.modules
# Under the host, connections take the .NET transports unless ASYNCIOSHARP_TRANSPORTS=cpython opts out.
DOTNET_TRANSPORTS = HOSTED and os.environ.get('ASYNCIOSHARP_TRANSPORTS') != 'cpython'


def _has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.bind(('::1', 0))
        return True
    except OSError:
        return False


IPV6 = socket.has_ipv6 and _has_ipv6_loopback()


class SocketTests(unittest.TestCase):
    def assert_dotnet(self, transport):
        if DOTNET_TRANSPORTS:
            self.assertEqual(type(transport).__module__, 'asynciosharp._transports')

    def run_main(self, coro):
        return asyncio.run(coro)

    def test_create_connection_sock_uses_the_callers_socket(self):
        async def main():
            loop = asyncio.get_running_loop()
            lost = loop.create_future()

            class Client(asyncio.Protocol):
                def connection_lost(self, exc):
                    # As CPython: the socket is closed after connection_lost, not before.
                    lost.set_result(sock.fileno())

            server = await asyncio.start_server(lambda r, w: w.write(b'hi'), '127.0.0.1', 0)
            sock = socket.create_connection(server.sockets[0].getsockname())
            transport, _ = await loop.create_connection(Client, sock=sock)
            self.assert_dotnet(transport)
            self.assertFalse(sock.getblocking())
            extra = transport.get_extra_info('socket')
            self.assertIsInstance(extra, trsock.TransportSocket)
            self.assertEqual(extra.fileno(), sock.fileno())
            self.assertEqual(transport.get_extra_info('sockname'), sock.getsockname())
            self.assertEqual(transport.get_extra_info('peername'), sock.getpeername())
            transport.close()
            self.assertNotEqual(await lost, -1)
            self.assertEqual(sock.fileno(), -1)
            server.close()
            await server.wait_closed()

        self.run_main(main())

    def test_create_server_sock_closed_with_the_server(self):
        async def main():
            listener = socket.create_server(('127.0.0.1', 0))
            server = await asyncio.start_server(lambda r, w: w.close(), sock=listener)
            self.assertEqual(server.sockets[0].fileno(), listener.fileno())
            reader, writer = await asyncio.open_connection(*listener.getsockname())
            self.assertEqual(await reader.read(), b'')
            writer.close()
            server.close()
            await server.wait_closed()
            self.assertEqual(listener.fileno(), -1)
            self.assertEqual(server.sockets, ())

        self.run_main(main())

    def test_serve_forever_cancelled_closes_the_sock(self):
        async def main():
            listener = socket.create_server(('127.0.0.1', 0))
            server = await asyncio.start_server(lambda r, w: w.close(), sock=listener)
            serving = asyncio.ensure_future(server.serve_forever())
            await asyncio.sleep(0)
            serving.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await serving
            self.assertFalse(server.is_serving())
            self.assertEqual(listener.fileno(), -1)

        self.run_main(main())

    def test_create_server_host_list(self):
        async def main():
            loop = asyncio.get_running_loop()
            made = loop.create_future()

            class Recorder(asyncio.Protocol):
                def connection_made(self, transport):
                    made.set_result(transport)

            server = await loop.create_server(Recorder, ['127.0.0.1', '127.0.0.1'], 0)
            # The same address twice is bound once.
            self.assertEqual(len(server.sockets), 1)
            reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
            transport = await made
            self.assert_dotnet(transport)
            transport.close()
            self.assertEqual(await reader.read(), b'')
            writer.close()
            server.close()
            await server.wait_closed()

        self.run_main(main())

    def test_connect_accepted_socket(self):
        async def main():
            loop = asyncio.get_running_loop()
            received = loop.create_future()

            class Server(asyncio.Protocol):
                def data_received(self, data):
                    received.set_result(data)

            listener = socket.create_server(('127.0.0.1', 0))
            client = socket.create_connection(listener.getsockname())
            accepted, _ = listener.accept()
            listener.close()
            transport, _ = await loop.connect_accepted_socket(Server, accepted)
            self.assert_dotnet(transport)
            client.sendall(b'ping')
            self.assertEqual(await received, b'ping')
            transport.close()
            await asyncio.sleep(0)
            self.assertEqual(accepted.fileno(), -1)
            client.close()

        self.run_main(main())

    def test_unix_path_and_abstract_addresses(self):
        async def echo(reader, writer):
            writer.write(await reader.read(100))
            writer.close()

        async def round_trip(path):
            server = await asyncio.start_unix_server(echo, path)
            reader, writer = await asyncio.open_unix_connection(path)
            self.assert_dotnet(writer.transport)
            writer.write(b'unix')
            self.assertEqual(await reader.read(), b'unix')
            addresses = (writer.get_extra_info('sockname'), writer.get_extra_info('peername'),
                         server.sockets[0].getsockname())
            writer.close()
            server.close()
            await server.wait_closed()
            return addresses

        async def main():
            with tempfile.TemporaryDirectory() as directory:
                path = os.path.join(directory, 'sock')
                self.assertEqual(await round_trip(path), ('', path, path))
            abstract = f'\0asynciosharp-test-{os.getpid()}'
            name = abstract.encode()
            self.assertEqual(await round_trip(abstract), ('', name, name))

        self.run_main(main())

    def test_unix_connection_sock(self):
        async def main():
            loop = asyncio.get_running_loop()
            received = loop.create_future()

            lost = loop.create_future()

            class Reader(asyncio.Protocol):
                def data_received(self, data):
                    received.set_result(data)

                def connection_lost(self, exc):
                    lost.set_result(exc)

            ours, theirs = socket.socketpair()
            transport, _ = await loop.create_unix_connection(Reader, sock=ours)
            self.assert_dotnet(transport)
            self.assertIs(transport.get_extra_info('socket').family, socket.AF_UNIX)
            theirs.sendall(b'pair')
            self.assertEqual(await received, b'pair')
            transport.write(b'back')
            self.assertEqual(theirs.recv(10), b'back')
            transport.close()
            await lost
            self.assertEqual(theirs.recv(10), b'')
            self.assertEqual(ours.fileno(), -1)
            theirs.close()

        self.run_main(main())

    def test_datagram_endpoints(self):
        async def main():
            loop = asyncio.get_running_loop()

            class Endpoint(asyncio.DatagramProtocol):
                def __init__(self):
                    self.queue = asyncio.Queue()

                def datagram_received(self, data, addr):
                    self.queue.put_nowait((data, addr))

                def error_received(self, exc):
                    self.queue.put_nowait(exc)

            server, server_proto = await loop.create_datagram_endpoint(Endpoint, local_addr=('127.0.0.1', 0))
            self.assert_dotnet(server)
            address = server.get_extra_info('sockname')
            client, client_proto = await loop.create_datagram_endpoint(Endpoint, remote_addr=address)
            self.assertEqual(client.get_extra_info('peername'), address)
            client.sendto(b'ping')
            data, sender = await server_proto.queue.get()
            self.assertEqual((data, sender), (b'ping', client.get_extra_info('sockname')))
            server.sendto(b'pong', sender)
            self.assertEqual(await client_proto.queue.get(), (b'pong', address))
            with self.assertRaisesRegex(ValueError, r"Invalid address: must be None or \('127\.0\.0\.1', \d+\)"):
                client.sendto(b'x', ('127.0.0.1', 9))
            with self.assertRaisesRegex(TypeError, "data argument must be a bytes-like object, not 'str'"):
                server.sendto('text', sender)
            server.close()
            await asyncio.sleep(0)
            # Nobody listens on the port any more: the connected socket reports it.
            client.sendto(b'lost')
            self.assertIsInstance(await client_proto.queue.get(), ConnectionRefusedError)
            client.close()

        self.run_main(main())

    @unittest.skipUnless(IPV6, 'needs IPv6 loopback')
    def test_ipv6_family_and_addresses(self):
        async def main():
            loop = asyncio.get_running_loop()
            queue = asyncio.Queue()

            class Endpoint(asyncio.DatagramProtocol):
                def datagram_received(self, data, addr):
                    queue.put_nowait((data, addr))

            server, _ = await loop.create_datagram_endpoint(Endpoint, local_addr=('::1', 0))
            address = server.get_extra_info('sockname')
            self.assertEqual((address[0], len(address)), ('::1', 4))
            # family=AF_INET6 and no address: an unbound IPv6 socket, sendto() with the 4-tuple.
            client, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, family=socket.AF_INET6)
            self.assert_dotnet(client)
            client.sendto(b'six', address)
            data, sender = await queue.get()
            self.assertEqual((data, sender[0], len(sender)), (b'six', '::1', 4))
            client.close()
            server.close()

            tcp = await asyncio.start_server(lambda r, w: w.close(), '::1', 0)
            port = tcp.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(asyncio.Protocol, '::1', port, family=socket.AF_INET6)
            self.assert_dotnet(transport)
            self.assertEqual(transport.get_extra_info('peername')[:2], ('::1', port))
            transport.close()
            tcp.close()
            await tcp.wait_closed()

        self.run_main(main())

    def test_datagram_sock_and_unix(self):
        async def main():
            loop = asyncio.get_running_loop()
            got = loop.create_future()

            class Endpoint(asyncio.DatagramProtocol):
                def datagram_received(self, data, addr):
                    got.set_result((data, addr))

            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(('127.0.0.1', 0))
            transport, _ = await loop.create_datagram_endpoint(Endpoint, sock=udp)
            self.assert_dotnet(transport)
            self.assertEqual(transport.get_extra_info('socket').fileno(), udp.fileno())
            transport.close()
            await asyncio.sleep(0)
            self.assertEqual(udp.fileno(), -1)

            with tempfile.TemporaryDirectory() as directory:
                path = os.path.join(directory, 'dgram')
                transport, _ = await loop.create_datagram_endpoint(Endpoint, local_addr=path, family=socket.AF_UNIX)
                self.assert_dotnet(transport)
                sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                sender.bind(os.path.join(directory, 'sender'))
                sender.sendto(b'hello', path)
                self.assertEqual(await got, (b'hello', os.path.join(directory, 'sender')))
                sender.close()
                transport.close()

        self.run_main(main())

    def test_pipes(self):
        async def main():
            loop = asyncio.get_running_loop()
            read_fd, write_fd = os.pipe()
            read_file, write_file = open(read_fd, 'rb', 0), open(write_fd, 'wb', 0)
            events = asyncio.Queue()

            class Reader(asyncio.Protocol):
                def data_received(self, data):
                    events.put_nowait(data)

                def eof_received(self):
                    events.put_nowait('eof')

                def connection_lost(self, exc):
                    events.put_nowait(('lost', exc))

            reader, _ = await loop.connect_read_pipe(Reader, read_file)
            writer, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, write_file)
            self.assert_dotnet(reader)
            self.assert_dotnet(writer)
            self.assertIs(reader.get_extra_info('pipe'), read_file)
            self.assertIs(writer.get_extra_info('pipe'), write_file)
            writer.write(b'through the pipe')
            self.assertEqual(await events.get(), b'through the pipe')
            with self.assertRaises(AssertionError):
                writer.write('text')
            writer.close()
            self.assertEqual([await events.get(), await events.get()], ['eof', ('lost', None)])
            await asyncio.sleep(0)
            self.assertTrue(read_file.closed)
            self.assertTrue(write_file.closed)

        self.run_main(main())

    def test_argument_errors_are_cpythons(self):
        async def main():
            loop = asyncio.get_running_loop()
            tcp = socket.socket()
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            checks = [
                (loop.create_connection(asyncio.Protocol, sock=udp),
                 ValueError, f'A Stream Socket was expected, got {udp!r}'),
                (loop.create_connection(asyncio.Protocol, '127.0.0.1', 1, sock=tcp),
                 ValueError, 'host/port and sock can not be specified at the same time'),
                (loop.create_connection(asyncio.Protocol),
                 ValueError, 'host and port was not specified and no sock specified'),
                (loop.create_server(asyncio.Protocol, sock=udp),
                 ValueError, f'A Stream Socket was expected, got {udp!r}'),
                (loop.create_server(asyncio.Protocol, '127.0.0.1', 0, sock=tcp),
                 ValueError, 'host/port and sock can not be specified at the same time'),
                (loop.connect_accepted_socket(asyncio.Protocol, udp),
                 ValueError, f'A Stream Socket was expected, got {udp!r}'),
                (loop.create_unix_connection(asyncio.Protocol, sock=tcp),
                 ValueError, f'A UNIX Domain Stream Socket was expected, got {tcp!r}'),
                (loop.create_unix_connection(asyncio.Protocol, '/nonexistent', sock=tcp),
                 ValueError, 'path and sock can not be specified at the same time'),
                (loop.create_unix_server(asyncio.Protocol, sock=tcp),
                 ValueError, f'A UNIX Domain Stream Socket was expected, got {tcp!r}'),
                (loop.create_unix_server(asyncio.Protocol),
                 ValueError, 'path was not specified, and no sock specified'),
                (loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=tcp),
                 ValueError, f'A UDP Socket was expected, got {tcp!r}'),
                (loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=udp, family=socket.AF_INET),
                 ValueError, 'socket modifier keyword arguments can not be used when sock is specified. '
                             '(family=2)'),
                (loop.create_datagram_endpoint(asyncio.DatagramProtocol),
                 ValueError, 'unexpected address family'),
                (loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr='x'),
                 TypeError, '2-tuple is expected'),
                (loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=('a', 1), family=socket.AF_UNIX),
                 TypeError, 'string is expected'),
            ]
            for coro, exc_type, message in checks:
                with self.subTest(message=message):
                    with self.assertRaises(exc_type) as caught:
                        await coro
                    self.assertEqual(str(caught.exception), message)
            with self.assertRaises(TypeError) as caught:
                await loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=udp, reuse_address=True)
            self.assertEqual(str(caught.exception), "BaseEventLoop.create_datagram_endpoint() got an unexpected "
                                                    "keyword argument 'reuse_address'")
            tcp.close()
            udp.close()

        self.run_main(main())


if __name__ == '__main__':
    unittest.main()

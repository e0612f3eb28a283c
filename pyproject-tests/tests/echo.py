"""One echo round trip through asyncio streams, shared by the stream tests."""

import asyncio


async def echo_round_trip(test, payload, on_connected=None):
    """Start an echo server, send ``payload`` through open_connection, check it comes back and that EOF closes
    both sides; ``on_connected(writer, (host, port))`` may check the connection. Returns the closed server."""

    async def handle(reader, writer):
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    address = server.sockets[0].getsockname()[:2]
    reader, writer = await asyncio.open_connection(*address)
    if on_connected is not None:
        on_connected(writer, address)
    writer.write(payload)
    await writer.drain()
    test.assertEqual(await reader.readexactly(len(payload)), payload)
    writer.write_eof()
    test.assertEqual(await reader.read(), b'')
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return server

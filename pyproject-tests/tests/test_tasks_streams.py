"""Tasks, cancellation, timeouts, locks, queues and streams over loopback."""

import asyncio
import socket
import subprocess
import sys
import unittest

from .echo import echo_round_trip


class TaskTests(unittest.IsolatedAsyncioTestCase):
    async def test_gather_and_cancel(self):
        async def sleeper(d):
            await asyncio.sleep(d)
            return d

        self.assertEqual(await asyncio.gather(sleeper(0.01), sleeper(0)), [0.01, 0])
        task = asyncio.create_task(sleeper(10))
        await asyncio.sleep(0)
        task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertTrue(task.cancelled())

    async def test_wait_for_times_out(self):
        with self.assertRaises(TimeoutError):
            await asyncio.wait_for(asyncio.sleep(10), 0.01)

    async def test_timeout_context(self):
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.01):
                await asyncio.sleep(10)

    async def test_taskgroup_collects_errors(self):
        async def fail():
            raise ValueError('x')

        with self.assertRaises(ExceptionGroup) as cm:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(fail())
                tg.create_task(asyncio.sleep(10))
        self.assertIsInstance(cm.exception.exceptions[0], ValueError)

    async def test_queue_and_lock(self):
        q = asyncio.Queue()
        lock = asyncio.Lock()
        got = []

        async def consumer():
            while (item := await q.get()) is not None:
                async with lock:
                    got.append(item)

        c = asyncio.create_task(consumer())
        for i in range(5):
            await q.put(i)
        await q.put(None)
        await c
        self.assertEqual(got, list(range(5)))


class StreamTests(unittest.IsolatedAsyncioTestCase):
    async def test_echo_over_loopback(self):
        await echo_round_trip(self, b'x' * 200_000)

    async def test_connection_refused(self):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        s.close()
        with self.assertRaises(ConnectionRefusedError):
            await asyncio.open_connection('127.0.0.1', port)

    async def test_sock_methods(self):
        loop = asyncio.get_running_loop()
        a, b = socket.socketpair()
        a.setblocking(False)
        b.setblocking(False)
        try:
            await loop.sock_sendall(a, b'ping')
            self.assertEqual(await loop.sock_recv(b, 10), b'ping')
        finally:
            a.close()
            b.close()

    async def test_add_reader(self):
        loop = asyncio.get_running_loop()
        a, b = socket.socketpair()
        try:
            fut = loop.create_future()
            loop.add_reader(b.fileno(), lambda: fut.done() or fut.set_result(b.recv(10)))
            a.send(b'ready')
            self.assertEqual(await asyncio.wait_for(fut, 5), b'ready')
            self.assertTrue(loop.remove_reader(b.fileno()))
            self.assertFalse(loop.remove_reader(b.fileno()))
        finally:
            a.close()
            b.close()

    async def test_subprocess(self):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, '-c', 'import sys; print(sys.stdin.read().upper())',
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        out, _ = await proc.communicate(b'hello')
        self.assertEqual(out.strip(), b'HELLO')
        self.assertEqual(proc.returncode, 0)


if __name__ == '__main__':
    unittest.main()

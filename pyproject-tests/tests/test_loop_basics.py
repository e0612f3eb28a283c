"""Loop basics: the same assertions hold on stock asyncio and on asynciosharp."""

import asyncio
import contextvars
import sys
import threading
import time
import unittest

HOSTED = 'asynciosharp' in sys.modules


class LoopTypeTests(unittest.TestCase):
    def test_asyncio_run_uses_expected_loop(self):
        async def main():
            return type(asyncio.get_running_loop())
        cls = asyncio.run(main())
        if HOSTED:
            import asynciosharp
            self.assertTrue(issubclass(cls, asynciosharp.EventLoop))
        else:
            self.assertEqual(cls.__module__, 'asyncio.unix_events')

    def test_new_event_loop_and_runner_use_policy(self):
        loop = asyncio.new_event_loop()
        try:
            policy_loop_type = type(loop)
        finally:
            loop.close()
        with asyncio.Runner() as runner:
            self.assertIs(type(runner.get_loop()), policy_loop_type)

    def test_policy_reset_keeps_default(self):
        before = type(asyncio.get_event_loop_policy())
        asyncio.set_event_loop_policy(None)
        self.assertIs(type(asyncio.get_event_loop_policy()), before)


class CallbackTests(unittest.IsolatedAsyncioTestCase):
    async def test_call_soon_fifo(self):
        loop = asyncio.get_running_loop()
        order = []
        for i in range(10):
            loop.call_soon(order.append, i)
        await asyncio.sleep(0)
        self.assertEqual(order, list(range(10)))

    async def test_callback_exception_goes_to_the_exception_handler(self):
        loop = asyncio.get_running_loop()
        seen = []
        loop.set_exception_handler(lambda loop, context: seen.append(context))
        error = ValueError('boom')

        def fail():
            raise error

        handle = loop.call_soon(fail)
        loop.call_soon(seen.append, 'next callback ran')
        await asyncio.sleep(0)
        loop.set_exception_handler(None)
        self.assertEqual(seen[1], 'next callback ran')
        self.assertIs(seen[0]['exception'], error)
        self.assertIs(seen[0]['handle'], handle)
        self.assertRegex(seen[0]['message'], r'^Exception in callback .*fail\(\) at ')

    async def test_callbacks_scheduled_during_iteration_wait(self):
        loop = asyncio.get_running_loop()
        order = []

        def first():
            order.append('first')
            loop.call_soon(order.append, 'nested')

        loop.call_soon(first)
        loop.call_soon(order.append, 'second')
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        self.assertEqual(order, ['first', 'second', 'nested'])

    async def test_cancelled_handle_does_not_run(self):
        loop = asyncio.get_running_loop()
        ran = []
        h = loop.call_soon(ran.append, 1)
        h.cancel()
        t = loop.call_later(0.001, ran.append, 2)
        t.cancel()
        await asyncio.sleep(0.02)
        self.assertEqual(ran, [])
        self.assertTrue(h.cancelled() and t.cancelled())

    async def test_call_later_order_and_time(self):
        loop = asyncio.get_running_loop()
        order = []
        start = loop.time()
        loop.call_later(0.03, order.append, 3)
        loop.call_later(0.01, order.append, 1)
        loop.call_at(start + 0.02, order.append, 2)
        await asyncio.sleep(0.05)
        self.assertEqual(order, [1, 2, 3])
        self.assertGreaterEqual(loop.time() - start, 0.03)

    async def test_loop_time_is_monotonic_clock(self):
        loop = asyncio.get_running_loop()
        self.assertAlmostEqual(loop.time(), time.monotonic(), delta=0.01)

    async def test_context_passed_to_callback(self):
        var = contextvars.ContextVar('var', default='unset')
        ctx = contextvars.copy_context()
        ctx.run(var.set, 'set')
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        loop.call_soon(lambda: fut.set_result(var.get()), context=ctx)
        self.assertEqual(await fut, 'set')

    async def test_exception_in_callback_goes_to_handler(self):
        loop = asyncio.get_running_loop()
        seen = []
        loop.set_exception_handler(lambda l, ctx: seen.append(ctx))

        def boom():
            raise ValueError('boom')

        loop.call_soon(boom)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        loop.set_exception_handler(None)
        self.assertEqual(len(seen), 1)
        self.assertIsInstance(seen[0]['exception'], ValueError)
        self.assertIn('Exception in callback', seen[0]['message'])

    async def test_call_soon_threadsafe_wakes_loop(self):
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        threading.Timer(0.02, lambda: loop.call_soon_threadsafe(fut.set_result, 'woken')).start()
        self.assertEqual(await asyncio.wait_for(fut, 5), 'woken')

    async def test_run_in_executor(self):
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, sum, [1, 2, 3])
        self.assertEqual(result, 6)

    async def test_other_threads_run_while_loop_waits(self):
        # The GIL is released while the loop blocks, so a pure-Python thread makes progress.
        counter = [0]
        stop = threading.Event()

        def spin():
            while not stop.is_set():
                counter[0] += 1

        t = threading.Thread(target=spin)
        t.start()
        deadline = time.monotonic() + 10
        while counter[0] <= 1000 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        stop.set()
        t.join()
        self.assertGreater(counter[0], 1000)


class RunTests(unittest.TestCase):
    def test_run_returns_result_and_raises(self):
        async def ok():
            await asyncio.sleep(0)
            return 42

        async def bad():
            raise KeyError('x')

        self.assertEqual(asyncio.run(ok()), 42)
        with self.assertRaises(KeyError):
            asyncio.run(bad())

    def test_keyboard_interrupt_in_callback_leaves_run_forever(self):
        loop = asyncio.new_event_loop()
        try:
            def interrupt():
                raise KeyboardInterrupt

            loop.call_soon(interrupt)
            with self.assertRaises(KeyboardInterrupt):
                loop.run_forever()
            self.assertFalse(loop.is_running())
        finally:
            loop.close()

    def test_stop_before_run_forever_runs_one_iteration(self):
        loop = asyncio.new_event_loop()
        try:
            ran = []
            loop.call_soon(ran.append, 1)
            loop.stop()
            loop.run_forever()
            self.assertEqual(ran, [1])
        finally:
            loop.close()

    def test_close_running_loop_raises(self):
        async def main():
            with self.assertRaisesRegex(RuntimeError, 'Cannot close a running event loop'):
                asyncio.get_running_loop().close()
        asyncio.run(main())


if __name__ == '__main__':
    unittest.main()

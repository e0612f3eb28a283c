"""loop.call_soon and the ready queue: the same assertions hold on stock asyncio and on asynciosharp, whose
call_soon and drain are C functions (NativeReadyQueue) falling back to Python for debug mode and odd arguments."""

import asyncio
import contextvars
import inspect
import unittest

VAR = contextvars.ContextVar('VAR', default='unset')


class CallSoonTests(unittest.TestCase):
    # Not IsolatedAsyncioTestCase: that runs its loop in debug mode, where call_soon is the Python one.

    def run_main(self, main):
        return asyncio.run(main(), debug=False)

    def reported(self, *args, **kwargs):
        """The handle of loop.call_soon(*args, **kwargs) and the exception handler's context for its run."""
        async def main():
            loop = asyncio.get_running_loop()
            seen = []
            loop.set_exception_handler(lambda loop, context: seen.append(context))
            handle = loop.call_soon(*args, **kwargs)
            await asyncio.sleep(0)
            return handle, seen[0]
        return self.run_main(main)

    def test_returns_a_handle_with_the_callback_and_args(self):
        async def main():
            loop = asyncio.get_running_loop()
            handle = loop.call_soon(print, 1, 2)
            self.assertIs(type(handle), asyncio.Handle)
            self.assertEqual((handle._callback, handle._args), (print, (1, 2)))
            self.assertFalse(handle.cancelled())
            handle.cancel()
            self.assertIsInstance(handle._context, contextvars.Context)
            self.assertEqual(repr(handle), '<Handle cancelled>')
        self.run_main(main)

    def test_callback_runs_with_its_positional_args(self):
        async def main():
            loop = asyncio.get_running_loop()
            done = loop.create_future()
            loop.call_soon(lambda *args: done.set_result(args), 'a', 2, None)
            self.assertEqual(await done, ('a', 2, None))
        self.run_main(main)

    def test_args_replaced_by_a_list_are_unpacked(self):
        async def main():
            loop = asyncio.get_running_loop()
            done = loop.create_future()
            handle = loop.call_soon(lambda *args: done.set_result(args), 1)
            handle._args = [2, 3]
            self.assertEqual(await done, (2, 3))
        self.run_main(main)

    def test_context_keyword_runs_the_callback_in_that_context(self):
        async def main():
            loop = asyncio.get_running_loop()
            context = contextvars.copy_context()
            context.run(VAR.set, 'given')
            seen = []
            loop.call_soon(lambda: seen.append(VAR.get()), context=context)
            loop.call_soon(lambda: seen.append(VAR.get()), context=None)
            await asyncio.sleep(0)
            self.assertEqual(seen, ['given', 'unset'])
        self.run_main(main)

    def test_context_is_copied_at_call_time(self):
        async def main():
            loop = asyncio.get_running_loop()
            seen = []
            token = VAR.set('at call')
            loop.call_soon(lambda: seen.append(VAR.get()))
            VAR.reset(token)
            await asyncio.sleep(0)
            self.assertEqual(seen, ['at call'])
        self.run_main(main)

    def test_missing_callback_is_cpythons_type_error(self):
        async def main():
            loop = asyncio.get_running_loop()
            with self.assertRaisesRegex(
                    TypeError, r"^BaseEventLoop\.call_soon\(\) missing 1 required positional argument: 'callback'$"):
                loop.call_soon()
        self.run_main(main)

    def test_unknown_keyword_is_cpythons_type_error(self):
        async def main():
            loop = asyncio.get_running_loop()
            with self.assertRaisesRegex(
                    TypeError, r"^BaseEventLoop\.call_soon\(\) got an unexpected keyword argument 'delay'$"):
                loop.call_soon(print, delay=1)
        self.run_main(main)

    def test_non_callable_fails_when_run_outside_debug_mode(self):
        handle, context = self.reported(42)
        self.assertIs(context['handle'], handle)
        self.assertEqual(str(context['exception']), "'int' object is not callable")

    def test_non_context_fails_when_run_with_cpythons_error(self):
        _, context = self.reported(print, context=42)
        self.assertIsInstance(context['exception'], AttributeError)
        self.assertIn("'run'", str(context['exception']))

    def test_debug_mode_checks_the_callback(self):
        async def main():
            loop = asyncio.get_running_loop()
            loop.set_debug(True)
            try:
                with self.assertRaisesRegex(TypeError, r'^a callable object was expected by call_soon\(\), got 42$'):
                    loop.call_soon(42)
                handle = loop.call_soon(print)
                handle.cancel()
                self.assertIsNotNone(handle._source_traceback)
            finally:
                loop.set_debug(False)
        self.run_main(main)

    def test_signature_is_cpythons(self):
        async def main():
            loop = asyncio.get_running_loop()
            self.assertEqual(str(inspect.signature(loop.call_soon)), '(callback, *args, context=None)')
        self.run_main(main)

    def test_futures_and_tasks_schedule_through_the_loop(self):
        async def main():
            # _asyncio's C Future and Task call loop.call_soon(cb, fut, context=ctx) with a keyword built at run time.
            loop = asyncio.get_running_loop()
            calls = []
            original = loop.call_soon

            def spy(*args, **kwargs):
                calls.append(sorted(kwargs))
                return original(*args, **kwargs)

            loop.call_soon = spy
            try:
                fut = loop.create_future()
                fut.add_done_callback(lambda f: None)
                fut.set_result(None)
                await fut
            finally:
                del loop.call_soon
            self.assertIn(['context'], calls)
        self.run_main(main)


class ClosedLoopTests(unittest.TestCase):
    def test_call_soon_on_a_closed_loop_raises(self):
        loop = asyncio.new_event_loop()
        loop.close()
        with self.assertRaisesRegex(RuntimeError, r'^Event loop is closed$'):
            loop.call_soon(print)

    def test_system_exit_in_a_callback_leaves_run_forever_and_keeps_the_rest(self):
        loop = asyncio.new_event_loop()
        try:
            ran = []

            def leave():
                raise SystemExit(3)

            loop.call_soon(leave)
            loop.call_soon(ran.append, 'later')
            with self.assertRaises(SystemExit):
                loop.run_forever()
            self.assertEqual(ran, [])
            loop.call_soon(loop.stop)
            loop.run_forever()
            self.assertEqual(ran, ['later'])
        finally:
            loop.close()


if __name__ == '__main__':
    unittest.main()

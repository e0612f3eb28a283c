"""Runs CPython's own test_asyncio modules against asynciosharp.EventLoop; run it under asynciosharp:

    asynciosharp pyproject-tests/cpython_suite.py [module ...]

asyncio's default policy and SelectorEventLoop become ours, so tests that build their loop with
asyncio.new_event_loop(), asyncio.run() or asyncio.SelectorEventLoop(...) run on the .NET loop (tests that use
test_utils.TestLoop, a fake-clock loop, exercise CPython's Future/Task code only). Prints one line per module.
"""

import asyncio
import sys
import time
import unittest

MODULES = [
    'test_events', 'test_futures', 'test_futures2', 'test_tasks', 'test_locks', 'test_queues', 'test_streams',
    'test_server', 'test_sock_lowlevel', 'test_taskgroups', 'test_timeouts', 'test_runners', 'test_waitfor',
    'test_subprocess', 'test_sslproto', 'test_context', 'test_pep492', 'test_sendfile', 'test_buffered_proto',
    'test_unix_events', 'test_base_events', 'test_selector_events', 'test_ssl', 'test_threads',
]


def install():
    # Imported here: multiprocessing's spawned children (stock python3) re-import this file without the host.
    import asynciosharp

    class _SuiteLoop(asynciosharp.EventLoop):
        """asyncio.SelectorEventLoop(selector) for the tests: the selector argument is the .NET loop's own."""

        def __init__(self, selector=None):
            super().__init__()

    asynciosharp.install()
    asyncio.SelectorEventLoop = _SuiteLoop
    asyncio.unix_events.SelectorEventLoop = _SuiteLoop
    asyncio.unix_events._UnixSelectorEventLoop = _SuiteLoop


def main(argv):
    install()
    modules = argv or MODULES
    total = [0, 0, 0, 0]
    for name in modules:
        suite = unittest.defaultTestLoader.loadTestsFromName(f'test.test_asyncio.{name}')
        start = time.monotonic()
        result = unittest.TextTestRunner(stream=open('/dev/null', 'w'), verbosity=0).run(suite)
        asyncio.set_event_loop_policy(None)
        bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
        counts = (result.testsRun, result.testsRun - bad - len(result.skipped), bad, len(result.skipped))
        total = [t + c for t, c in zip(total, counts)]
        print(f'{name}: ran {counts[0]}, passed {counts[1]}, failed {counts[2]}, skipped {counts[3]} '
              f'({time.monotonic() - start:.1f}s)', flush=True)
        for test, trace in result.failures + result.errors:
            last = trace.strip().splitlines()[-1]
            print(f'  FAIL {test.id()}: {last[:200]}', flush=True)
    print(f'TOTAL: ran {total[0]}, passed {total[1]}, failed {total[2]}, skipped {total[3]}')
    return 0 if total[2] == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

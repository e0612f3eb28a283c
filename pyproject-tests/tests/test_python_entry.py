"""``python3 -m asynciosharp``: python3 runs the program and loads .NET itself (asynciosharp/_clr.py)."""

import os
import signal
import subprocess
import sys
import unittest

HOSTED = 'asynciosharp' in sys.modules


@unittest.skipUnless(HOSTED, 'needs the asynciosharp package')
class PythonEntryTests(unittest.TestCase):
    def run_entry(self, *args, **kwargs):
        return subprocess.run([sys.executable, '-m', 'asynciosharp', *args], env=self.package_env(), capture_output=True,
                              text=True, timeout=60, **kwargs)

    def package_env(self):
        import asynciosharp
        return dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(asynciosharp.__file__)))

    def run_runner(self, *args, **kwargs):
        # The asynciosharp command, built beside the package (its python/ folder).
        import asynciosharp
        runner = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(asynciosharp.__file__))),
                              'AsyncioSharp.Runner.dll')
        return subprocess.run(['dotnet', runner, '--python', sys.executable, *args], capture_output=True, text=True,
                              timeout=60, **kwargs)

    def test_code_runs_on_the_dotnet_loop_in_python3(self):
        code = ('import asyncio, sys\n'
                'async def main():\n'
                '    loop = asyncio.get_running_loop()\n'
                '    print(type(loop).__module__, type(loop.dotnet_loop).__name__, "clr" in sys.modules)\n'
                'asyncio.run(main())\n')
        result = self.run_entry('-c', code)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ['asynciosharp._loop', 'SelectorEventLoop', 'True'])

    def test_exit_code_is_the_programs(self):
        self.assertEqual(self.run_entry('-c', 'raise SystemExit(3)').returncode, 3)

    def test_sigint_raises_keyboard_interrupt_as_in_python3(self):
        code = 'import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)'
        for run in (self.run_entry, self.run_runner):
            with self.subTest(host=run.__name__):
                result = run('-c', code)
                self.assertEqual(result.stdout.strip(), 'True', result.stderr)

    def test_sigint_ignored_at_start_stays_ignored_as_in_python3(self):
        # A background job starts with SIGINT ignored; python3 leaves it so.
        code = 'import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)'
        ignore = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # noqa: E731
        for run in (self.run_entry, self.run_runner):
            with self.subTest(host=run.__name__):
                result = run('-c', code, preexec_fn=ignore)
                self.assertEqual(result.stdout.strip(), 'True', result.stderr)

    def test_missing_program_is_a_usage_error(self):
        result = self.run_entry()
        self.assertEqual(result.returncode, 2)
        self.assertIn('usage: python3 -m asynciosharp', result.stderr)


if __name__ == '__main__':
    unittest.main()

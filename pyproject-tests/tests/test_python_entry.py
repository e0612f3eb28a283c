"""``python3 -m asynciosharp``: python3 runs the program and loads .NET itself (asynciosharp/_clr.py)."""

import os
import subprocess
import sys
import unittest

HOSTED = 'asynciosharp' in sys.modules


@unittest.skipUnless(HOSTED, 'needs the asynciosharp package')
class PythonEntryTests(unittest.TestCase):
    def run_entry(self, *args):
        import asynciosharp
        package_parent = os.path.dirname(os.path.dirname(asynciosharp.__file__))
        env = dict(os.environ, PYTHONPATH=package_parent)
        return subprocess.run([sys.executable, '-m', 'asynciosharp', *args], env=env, capture_output=True,
                              text=True, timeout=60)

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

    def test_missing_program_is_a_usage_error(self):
        result = self.run_entry()
        self.assertEqual(result.returncode, 2)
        self.assertIn('usage: python3 -m asynciosharp', result.stderr)


if __name__ == '__main__':
    unittest.main()

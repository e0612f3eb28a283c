"""``python3 -m asynciosharp (script.py | -m module | -c code) [args...]``: the ``asynciosharp`` command's job run by
python3 itself, .NET loaded into it (see _clr.py), for a python3 whose interpreter is faster than its shared
libpython (Debian's statically linked python3)."""

import sys

from . import _main

USAGE = 'usage: python3 -m asynciosharp (script.py | -m module | -c code) [args...]'


def _fail(message):
    # Exit code 2 for a usage error, as the asynciosharp command.
    print(message, file=sys.stderr)
    sys.exit(2)


def _parse(argv):
    if not argv:
        _fail(USAGE)
    if argv[0] in ('-m', '-c'):
        if len(argv) < 2:
            _fail(f'asynciosharp: argument expected for the {argv[0]} option')
        return ('module' if argv[0] == '-m' else 'code'), argv[1], argv[2:]
    return 'file', argv[0], argv[1:]


if __name__ == '__main__':
    kind, target, args = _parse(sys.argv[1:])
    sys.exit(_main.main(kind, target, args))

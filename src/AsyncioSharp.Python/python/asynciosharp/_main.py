"""What the ``asynciosharp`` command runs: a script, a module or a code string, as ``python3`` would."""

import atexit
import gc
import io
import multiprocessing
import os
import runpy
import sys
import threading

import asynciosharp


def main(kind, target, args):
    """Run the program and return its exit code (``kind``: 'file', 'module' or 'code')."""
    asynciosharp.install()
    # A forked .NET process has none of the runtime's threads and hangs: multiprocessing starts fresh python3
    # children instead (sys.executable is the real interpreter).
    multiprocessing.set_start_method('spawn', force=True)
    try:
        try:
            if kind == 'file':
                _run_file(target, args)
            elif kind == 'module':
                sys.argv = [target] + list(args)
                sys.path.insert(0, os.getcwd())
                runpy._run_module_as_main(target, alter_argv=True)
            else:
                sys.argv = ['-c'] + list(args)
                sys.path.insert(0, '')
                _exec(compile(target, '<string>', 'exec'), None)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException as exc:
            exc.__traceback__ = _user_traceback(exc.__traceback__)
            sys.excepthook(type(exc), exc, exc.__traceback__)
            code = 130 if isinstance(exc, KeyboardInterrupt) else 1
        return _finish(code)
    finally:
        _flush()


def _user_traceback(tb):
    # Drop this module's frames, so the traceback starts in the program, as python3's does.
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return tb


def _run_file(path, args):
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.realpath(path)))
    with io.open_code(path) as f:
        source = f.read()
    _exec(compile(source, path, 'exec'), path)


def _exec(code, path):
    main = sys.modules['__main__']
    namespace = main.__dict__
    namespace['__name__'] = '__main__'
    if path is not None:
        namespace['__file__'] = path
        namespace['__cached__'] = None
    exec(code, namespace)


def _exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _finish(code):
    # What Py_FinalizeEx does before it tears the interpreter down: wait for non-daemon threads, run atexit.
    try:
        threading._shutdown()
        atexit._run_exitfuncs()
        # Finalizers run now, while the .NET objects they may touch are still bound.
        gc.collect()
    except SystemExit as exc:
        code = _exit_code(exc)
    return code


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass

"""Loads .NET into a python3 process that imported asynciosharp (``python3 -m asynciosharp``).

The ``asynciosharp`` command embeds CPython in .NET, and Python.NET is up before this package is imported. A python3
process instead starts the .NET runtime itself, through hostfxr (the native hosting API the ``dotnet`` command uses),
then Python.NET's ``Loader.Initialize`` attaches it to the running interpreter, whose own executable exports the C
API: a statically linked python3 (Debian's) then runs Python code at its full speed, which a shared libpython
embedded in .NET does not.
"""

import atexit
import ctypes
import os
import shutil
import signal
import sys
import threading

# The .NET program folder: this package sits in its python/ subfolder.
_HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# hostfxr_get_runtime_delegate's hdt_load_assembly_and_get_function_pointer.
_LOAD_ASSEMBLY_AND_GET_FUNCTION_POINTER = 5

_shutdown = None


def ensure():
    """Make ``import clr`` work: nothing to do under the asynciosharp command, else start .NET in this process."""
    if 'clr' in sys.modules:
        return
    _start()
    import clr
    for name in ('AsyncioSharp', 'AsyncioSharp.Python'):
        clr.AddReference(os.path.join(_HERE, name + '.dll'))


def _hostfxr():
    roots = [os.environ.get('DOTNET_ROOT')]
    dotnet = shutil.which('dotnet')
    if dotnet:
        roots.append(os.path.dirname(os.path.realpath(dotnet)))
    roots += ['/usr/share/dotnet', '/usr/lib/dotnet']
    for root in filter(None, roots):
        fxr = os.path.join(root, 'host', 'fxr')
        if os.path.isdir(fxr):
            versions = sorted(os.listdir(fxr), key=lambda v: tuple(int(p) if p.isdigit() else 0 for p in v.split('.')))
            for version in reversed(versions):
                path = os.path.join(fxr, version, 'libhostfxr.so')
                if os.path.exists(path):
                    return path
    raise ImportError('asynciosharp: no .NET runtime found (set DOTNET_ROOT or put dotnet on PATH)')


def _start():
    global _shutdown
    main_thread = threading.current_thread() is threading.main_thread()
    sigint = signal.getsignal(signal.SIGINT) if main_thread else None
    fxr = ctypes.CDLL(_hostfxr())
    config = os.path.join(_HERE, 'AsyncioSharp.Runner.runtimeconfig.json')
    context = ctypes.c_void_p()
    if fxr.hostfxr_initialize_for_runtime_config(config.encode(), None, ctypes.byref(context)) < 0:
        raise ImportError(f'asynciosharp: cannot start the .NET runtime for {config}')
    pointer = ctypes.c_void_p()
    status = fxr.hostfxr_get_runtime_delegate(context, _LOAD_ASSEMBLY_AND_GET_FUNCTION_POINTER, ctypes.byref(pointer))
    fxr.hostfxr_close(context)
    if status < 0:
        raise ImportError('asynciosharp: the .NET runtime gave no assembly loader')
    load = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p,
                            ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))(pointer.value)
    # Python.NET's entry points for a Python that loads it: int (byte* data, int size), as a ComponentEntryPoint.
    entry = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
    runtime = os.path.join(_HERE, 'Python.Runtime.dll').encode()

    def function(name):
        found = ctypes.c_void_p()
        if load(runtime, b'Python.Runtime.Loader, Python.Runtime', name, None, None, ctypes.byref(found)) < 0:
            raise ImportError(f'asynciosharp: Python.Runtime.Loader.{name.decode()} not found')
        return entry(found.value)

    initialize, _shutdown = function(b'Initialize'), function(b'Shutdown')
    # No library path: Python.NET finds the C API in this process.
    if initialize(b'', 0) != 0:
        raise ImportError('asynciosharp: Python.NET failed to initialize')
    atexit.register(_stop)
    if sigint is not None:
        # The .NET runtime may have taken SIGINT: it goes back to what python3 had (KeyboardInterrupt, or ignored).
        signal.signal(signal.SIGINT, sigint)


def _stop():
    # Python.NET's own teardown, as pythonnet.unload() does at exit.
    _shutdown(b'full_shutdown', len(b'full_shutdown'))

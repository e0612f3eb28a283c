using System;
using System.Net.Sockets;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// The snake_case face of a .NET <see cref="SelectorEventLoop"/> that the Python class <c>asynciosharp.EventLoop</c>
/// drives: the .NET loop owns the timers, the epoll selector and the run loop; Python handles (<c>asyncio.Handle</c>)
/// are run by calling back into Python. Python's own ready queue is drained by one .NET callback per loop iteration
/// (see <c>_loop.py</c>), which is cheaper than one crossing per <c>call_soon</c>. Python.NET releases the GIL around
/// every call into .NET, so <see cref="run_forever"/> takes it back for the whole run and gives it up only while the
/// loop waits for I/O.
/// </summary>
public sealed class LoopFacade
{
    private readonly SelectorEventLoop _loop;
    private readonly GilReleasingHook _gilHook = new();
    private PyObject? _drain;
    private PyObject? _runHandle;
    private PyObject? _runTimers;
    private Action? _drainAction;
    private Action? _runTimersAction;
    private TimerHandle? _timer;
    private bool _pythonDriven;

    /// <summary>Wraps <paramref name="loop"/>, or a new <see cref="SelectorEventLoop"/> when null.</summary>
    public LoopFacade(SelectorEventLoop? loop = null)
    {
        _loop = loop ?? new SelectorEventLoop();
    }

    /// <summary>The .NET loop behind the Python one.</summary>
    public SelectorEventLoop loop => _loop;

    /// <summary>
    /// Binds the Python side: <paramref name="drain"/>() runs Python's ready queue once, <paramref name="runHandle"/>(h)
    /// runs one fd callback, <paramref name="runTimers"/>() runs the due Python timers and returns the next deadline.
    /// </summary>
    public void bind(PyObject drain, PyObject runHandle, PyObject runTimers)
    {
        _drain = drain;
        _runHandle = runHandle;
        _runTimers = runTimers;
        _drainAction = Drain;
        _runTimersAction = RunTimers;
    }

    /// <summary>Schedules one drain of Python's ready queue in the next loop iteration.</summary>
    public void schedule_drain() => _loop.CallSoon(_drainAction!);

    /// <summary>Schedules a drain from any thread and wakes the loop (Python's <c>call_soon_threadsafe</c>).</summary>
    public void schedule_drain_threadsafe() => _loop.CallSoonThreadsafe(_drainAction!);

    /// <summary>Wakes Python's timers at loop time <paramref name="when"/>: its new earliest deadline.</summary>
    public void set_timer(double when)
    {
        _timer?.Cancel();
        _timer = _loop.CallAt(when, _runTimersAction!);
    }

    /// <summary>Python's <c>_add_reader</c>: runs the Python handle each time <paramref name="fd"/> is readable.</summary>
    public void add_reader(int fd, PyObject handle) => _loop.AddReader(fd, () => Call(_runHandle!, handle));

    /// <summary>Python's <c>_remove_reader</c>.</summary>
    public bool remove_reader(int fd) => _loop.RemoveReader(fd);

    /// <summary>Python's <c>_add_writer</c>: runs the Python handle each time <paramref name="fd"/> is writable.</summary>
    public void add_writer(int fd, PyObject handle) => _loop.AddWriter(fd, () => Call(_runHandle!, handle));

    /// <summary>Python's <c>_remove_writer</c>.</summary>
    public bool remove_writer(int fd) => _loop.RemoveWriter(fd);

    /// <summary>Python's <c>run_forever()</c>, called from Python with the GIL held: the GIL is released while the loop waits for I/O.</summary>
    public void run_forever()
    {
        var previousHook = _loop.BlockingHook;
        _loop.BlockingHook = _gilHook;
        _pythonDriven = true;
        try
        {
            using (Py.GIL())
            {
                _loop.RunForever();
            }
        }
        finally
        {
            _pythonDriven = false;
            _loop.BlockingHook = previousHook;
        }
    }

    /// <summary>Python's <c>stop()</c>.</summary>
    public void stop() => _loop.Stop();

    /// <summary>Python's <c>close()</c>.</summary>
    public void close() => _loop.Close();

    /// <summary>Python's <c>time()</c>.</summary>
    public double time() => _loop.Time();

    /// <summary>Fails the .NET future with a Python exception, as a <see cref="PythonError"/> carrying it.</summary>
    public static void set_python_exception(Future future, PyObject exception)
    {
        PythonError error;
        // Python.NET released the GIL for this call; reading the exception needs it back.
        using (Py.GIL())
        {
            error = PythonError.From(exception);
        }
        future.SetException(error);
    }

    /// <summary>True while Python runs the loop (this thread holds the GIL outside the I/O wait).</summary>
    internal bool PythonDriven => _pythonDriven;

    /// <summary>Runs <paramref name="action"/> holding the GIL (taken only when C# runs the loop).</summary>
    internal void WithGil(Action action)
    {
        if (_pythonDriven)
        {
            action();
            return;
        }
        using (Py.GIL())
        {
            action();
        }
    }

    /// <summary>
    /// Python's <c>create_connection</c> over the .NET transports: a future whose result is the
    /// <see cref="PythonProtocol"/> (its <c>transport</c> and <c>protocol</c> are the Python objects).
    /// <paramref name="ssl"/> is a .NET SSLContext (the mirror of Python's), a bool or null.
    /// </summary>
    public Future create_connection(PyObject protocolFactory, PyObject makeTransport, string? host, int? port,
        object? ssl, int family, int proto, int flags, PyObject? localAddr, string? serverHostname,
        double? sslHandshakeTimeout, double? sslShutdownTimeout, double? happyEyeballsDelay, int? interleave)
    {
        (string, int)? local = null;
        if (localAddr is not null && !localAddr.IsNone())
        {
            local = (localAddr[0].As<string>(), localAddr[1].As<int>());
        }
        return _loop.CreateTask(Connect(protocolFactory, makeTransport, host, port, ssl, family, proto, flags,
            local, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, happyEyeballsDelay, interleave));
    }

    private async Coroutine<object?> Connect(PyObject protocolFactory, PyObject makeTransport, string? host, int? port,
        object? ssl, int family, int proto, int flags, (string, int)? localAddr, string? serverHostname,
        double? sslHandshakeTimeout, double? sslShutdownTimeout, double? happyEyeballsDelay, int? interleave)
    {
        var (transport, protocol) = await _loop.CreateConnection(() => MakeProtocol(protocolFactory, makeTransport),
            host, port, ssl, (AddressFamily)family, (ProtocolType)proto, flags, null, localAddr, serverHostname,
            sslHandshakeTimeout, sslShutdownTimeout, happyEyeballsDelay, interleave);
        var made = (PythonProtocol)protocol;
        made.HoldReading(transport);
        return made;
    }

    /// <summary>
    /// Python's <c>create_server</c> over the .NET transports: a future whose result is the .NET <see cref="Server"/>.
    /// </summary>
    public Future create_server(PyObject protocolFactory, PyObject makeTransport, object? host, int? port, int family,
        int flags, int backlog, object? ssl, bool? reuseAddress, bool? reusePort,
        double? sslHandshakeTimeout, double? sslShutdownTimeout, bool startServing) =>
        _loop.CreateTask(_loop.CreateServer(() => MakeProtocol(protocolFactory, makeTransport), host, port,
            (AddressFamily)family, flags, null, backlog, ssl, reuseAddress, reusePort, sslHandshakeTimeout,
            sslShutdownTimeout, startServing));

    /// <summary>
    /// Python's <c>start_tls(transport, protocol, sslcontext, ...)</c> on a .NET-driven transport: TLS is layered by the
    /// .NET SSLProtocol, which then drives <paramref name="protocol"/> through the connection's
    /// <paramref name="bridge"/>; the future's result is the bridge, whose <c>transport</c> is the new Python transport.
    /// </summary>
    public Future start_tls(BaseTransport transport, PythonProtocol bridge, PyObject protocol, Ssl.SSLContext sslcontext,
        bool serverSide, string? serverHostname, double? sslHandshakeTimeout, double? sslShutdownTimeout) =>
        _loop.CreateTask(StartTls(transport, bridge, protocol, sslcontext, serverSide, serverHostname,
            sslHandshakeTimeout, sslShutdownTimeout));

    private async Coroutine<object?> StartTls(BaseTransport transport, PythonProtocol bridge, PyObject protocol,
        Ssl.SSLContext sslcontext, bool serverSide, string? serverHostname, double? sslHandshakeTimeout,
        double? sslShutdownTimeout)
    {
        bridge.replace_protocol(protocol);
        var tls = await _loop.StartTls(transport, bridge, sslcontext, serverSide, serverHostname, sslHandshakeTimeout,
            sslShutdownTimeout);
        WithGil(() => bridge.Wrap(tls));
        return bridge;
    }

    private PythonProtocol MakeProtocol(PyObject protocolFactory, PyObject makeTransport)
    {
        PythonProtocol? made = null;
        WithGil(() => made = new PythonProtocol(this, protocolFactory.Invoke(), makeTransport));
        return made!;
    }

    /// <summary>The Python exception for a .NET one (see <see cref="PythonProtocol.ToPython"/>).</summary>
    public static PyObject python_exception(Exception exc)
    {
        using (Py.GIL())
        {
            return PythonProtocol.ToPython(exc);
        }
    }

    /// <summary>Python's <c>transport.get_extra_info('peername' | 'sockname')</c>: the address tuple, or None.</summary>
    public static PyObject address(BaseTransport transport, string name)
    {
        var endPoint = transport.GetExtraInfo(name) as System.Net.EndPoint;
        using (Py.GIL())
        {
            return PythonProtocol.Address(endPoint);
        }
    }

    private void Drain()
    {
        // Python's drain returns True while callbacks remain for the next iteration: rescheduling from here saves a
        // Python-to-.NET crossing per busy iteration.
        if (_pythonDriven)
        {
            Reschedule(_drain!.Invoke());
            return;
        }
        using (Py.GIL())
        {
            Reschedule(_drain!.Invoke());
        }
    }

    private void RunTimers()
    {
        _timer = null;
        if (_pythonDriven)
        {
            ScheduleNext(_runTimers!.Invoke());
            return;
        }
        using (Py.GIL())
        {
            ScheduleNext(_runTimers!.Invoke());
        }
    }

    private void ScheduleNext(PyObject next)
    {
        using (next)
        {
            if (!next.IsNone() && _timer is null && !_loop.IsClosed())
            {
                _timer = _loop.CallAt(next.As<double>(), _runTimersAction!);
            }
        }
    }

    private void Reschedule(PyObject more)
    {
        using (more)
        {
            if (more.IsTrue())
            {
                _loop.CallSoon(_drainAction!);
            }
        }
    }

    private void Call(PyObject function, PyObject? arg)
    {
        if (_pythonDriven)
        {
            Invoke(function, arg);
            return;
        }
        // The loop is run by C#: this thread takes the GIL for the call.
        using (Py.GIL())
        {
            Invoke(function, arg);
        }
    }

    private static void Invoke(PyObject function, PyObject? arg)
    {
        using var result = arg is null ? function.Invoke() : function.Invoke(arg);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
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
    private PyObject? _pyLoop;
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
    /// Binds the Python side: <paramref name="pyLoop"/> is the Python loop whose ready queue
    /// <see cref="NativeReadyQueue.Drain"/> runs, <paramref name="drain"/>() the Python drain it leaves the unusual
    /// cases to; <paramref name="runHandle"/>(h) runs one fd callback, <paramref name="runTimers"/>() runs the due
    /// Python timers and returns the next deadline.
    /// </summary>
    public void bind(PyObject pyLoop, PyObject drain, PyObject runHandle, PyObject runTimers)
    {
        CApi.Bind();
        _pyLoop = pyLoop;
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
    /// <paramref name="ssl"/> is a .NET SSLContext (the mirror of Python's), a bool or null; <paramref name="sock"/> is
    /// the caller's Python socket or None (see <see cref="Adopt"/>).
    /// </summary>
    public Future create_connection(PyObject protocolFactory, PyObject makeTransport, string? host, int? port,
        object? ssl, int family, int proto, int flags, PyObject? sock, PyObject? localAddr, string? serverHostname,
        double? sslHandshakeTimeout, double? sslShutdownTimeout, double? happyEyeballsDelay, int? interleave)
    {
        // Python.NET released the GIL for this call: reading Python objects needs it back.
        (string, int)? local;
        Socket? netSock;
        using (Py.GIL())
        {
            local = AddressArgument(localAddr) is ValueTuple<string, int> pair ? pair : null;
            netSock = Adopt(sock);
        }
        var owner = Given(sock);
        return _loop.CreateTask(Connected(_loop.CreateConnection(
            () => MakeProtocol(protocolFactory, makeTransport, owner), host, port, ssl, Family(family),
            (ProtocolType)proto, flags, netSock, local, serverHostname, sslHandshakeTimeout, sslShutdownTimeout,
            happyEyeballsDelay, interleave)));
    }

    /// <summary>Python's <c>connect_accepted_socket(protocol_factory, sock, ...)</c> on the caller's Python socket.</summary>
    public Future connect_accepted_socket(PyObject protocolFactory, PyObject makeTransport, PyObject sock, object? ssl,
        double? sslHandshakeTimeout, double? sslShutdownTimeout) =>
        _loop.CreateTask(Connected(_loop.ConnectAcceptedSocket(() => MakeProtocol(protocolFactory, makeTransport, sock),
            AdoptWithGil(sock)!, ssl, sslHandshakeTimeout, sslShutdownTimeout)));

    /// <summary>Python's <c>create_unix_connection(protocol_factory, path=None, *, ssl=None, sock=None, ...)</c>.</summary>
    public Future create_unix_connection(PyObject protocolFactory, PyObject makeTransport, string? path, PyObject? sock,
        object? ssl, string? serverHostname, double? sslHandshakeTimeout, double? sslShutdownTimeout)
    {
        var owner = Given(sock);
        return _loop.CreateTask(Connected(_loop.CreateUnixConnection(
            () => MakeProtocol(protocolFactory, makeTransport, owner), path, ssl, AdoptWithGil(sock),
            serverHostname, sslHandshakeTimeout, sslShutdownTimeout)));
    }

    /// <summary>Python's <c>connect_read_pipe(protocol_factory, pipe)</c> on the caller's pipe object (see <see cref="Pipe"/>).</summary>
    public Future connect_read_pipe(PyObject protocolFactory, PyObject makeTransport, PyObject pipe) =>
        _loop.CreateTask(Connected(_loop.ConnectReadPipe(() => MakeProtocol(protocolFactory, makeTransport, pipe),
            Pipe(pipe, FileAccess.Read))));

    /// <summary>Python's <c>connect_write_pipe(protocol_factory, pipe)</c> on the caller's pipe object (see <see cref="Pipe"/>).</summary>
    public Future connect_write_pipe(PyObject protocolFactory, PyObject makeTransport, PyObject pipe) =>
        _loop.CreateTask(Connected(_loop.ConnectWritePipe(() => MakeProtocol(protocolFactory, makeTransport, pipe),
            Pipe(pipe, FileAccess.Write))));

    /// <summary>
    /// An unbuffered .NET stream over the pipe object's descriptor that does not own it: as with sock=, the Python
    /// object stays the owner and is closed after connection_lost, where CPython's pipe transports close it.
    /// </summary>
    private static FileStream Pipe(PyObject pipe, FileAccess access)
    {
        using (Py.GIL())
        {
            using var fileno = pipe.InvokeMethod("fileno");
            return new FileStream(new SafeFileHandle((IntPtr)fileno.As<int>(), ownsHandle: false), access, 1);
        }
    }

    private static async Coroutine<object?> Connected(Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> connecting)
    {
        var (transport, protocol) = await connecting;
        var made = (PythonProtocol)protocol;
        made.HoldReading(transport);
        return made;
    }

    /// <summary>
    /// Python's <c>create_server</c> over the .NET transports: a future whose result is the .NET <see cref="Server"/>.
    /// <paramref name="host"/> is a str, a sequence of str or None; <paramref name="sock"/> the caller's listening
    /// Python socket or None.
    /// </summary>
    public Future create_server(PyObject protocolFactory, PyObject makeTransport, PyObject? host, int? port, int family,
        int flags, PyObject? sock, int backlog, object? ssl, bool? reuseAddress, bool? reusePort,
        double? sslHandshakeTimeout, double? sslShutdownTimeout, bool startServing)
    {
        object? hosts = null;
        Socket? netSock;
        using (Py.GIL())
        {
            if (Given(host) is { } given)
            {
                hosts = IsStr(given) ? given.As<string>() : Strings(given);
            }
            netSock = Adopt(sock);
        }
        return _loop.CreateTask(_loop.CreateServer(() => MakeProtocol(protocolFactory, makeTransport), hosts, port,
            Family(family), flags, netSock, backlog, ssl, reuseAddress, reusePort,
            sslHandshakeTimeout, sslShutdownTimeout, startServing));
    }

    /// <summary>Python's <c>create_unix_server(protocol_factory, path=None, *, sock=None, backlog=100, ...)</c>.</summary>
    public Future create_unix_server(PyObject protocolFactory, PyObject makeTransport, string? path, PyObject? sock,
        int backlog, object? ssl, double? sslHandshakeTimeout, double? sslShutdownTimeout, bool startServing)
    {
        return _loop.CreateTask(_loop.CreateUnixServer(() => MakeProtocol(protocolFactory, makeTransport), path,
            AdoptWithGil(sock), backlog, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing));
    }

    /// <summary>
    /// Python's <c>create_datagram_endpoint</c>: a future whose result is the <see cref="PythonDatagramProtocol"/>.
    /// <paramref name="localAddr"/>/<paramref name="remoteAddr"/> are a (host, port) tuple, a path str or None.
    /// </summary>
    public Future create_datagram_endpoint(PyObject protocolFactory, PyObject makeTransport, PyObject? localAddr,
        PyObject? remoteAddr, int family, int proto, int flags, bool? reusePort, bool? allowBroadcast, PyObject? sock)
    {
        object? local, remote;
        Socket? netSock;
        using (Py.GIL())
        {
            local = AddressArgument(localAddr);
            remote = AddressArgument(remoteAddr);
            netSock = Adopt(sock);
        }
        var owner = Given(sock);
        return _loop.CreateTask(Datagram(_loop.CreateDatagramEndpoint(
            () => MakeDatagramProtocol(protocolFactory, makeTransport, owner), local, remote, Family(family),
            (ProtocolType)proto, flags, null, reusePort, allowBroadcast, netSock)));
    }

    private static async Coroutine<object?> Datagram(Coroutine<(DatagramTransport Transport, BaseProtocol Protocol)> creating)
    {
        var (_, protocol) = await creating;
        return protocol;
    }

    // A (host, port) tuple as the .NET loop takes it, or a unix path; the caller holds the GIL.
    private static object? AddressArgument(PyObject? addr)
    {
        if (Given(addr) is not { } given)
        {
            return null;
        }
        return IsStr(given) ? given.As<string>() : (given[0].As<string>(), given[1].As<int>());
    }

    private static bool IsStr(PyObject value) => PyString.IsStringType(value);

    private static List<string> Strings(PyObject sequence)
    {
        var items = new List<string>();
        using var iterator = sequence.GetIterator();
        while (iterator.MoveNext())
        {
            using var item = iterator.Current;
            items.Add(item.As<string>());
        }
        return items;
    }

    // Python's AF_* value as .NET's AddressFamily: they agree but for AF_INET6 (Linux 10, .NET 23).
    private static AddressFamily Family(int family) =>
        family == 10 ? AddressFamily.InterNetworkV6 : (AddressFamily)family;

    private static PyObject? Given(PyObject? value) => value is null || value.IsNone() ? null : value;

    /// <summary>
    /// A .NET socket over the Python socket's descriptor that does not own it: the Python socket stays the owner (as
    /// CPython's transport keeps using the caller's object, its fileno() and getsockname() working meanwhile) and is
    /// closed by the bridge right after connection_lost, where CPython's transport closes it. A duplicate descriptor
    /// would keep the connection open (no FIN for the peer) for as long as either copy lived.
    /// </summary>
    private static Socket? Adopt(PyObject? sock)
    {
        if (Given(sock) is not { } given)
        {
            return null;
        }
        using var fileno = given.InvokeMethod("fileno");
        return new Socket(new SafeSocketHandle((IntPtr)fileno.As<int>(), ownsHandle: false));
    }

    private static Socket? AdoptWithGil(PyObject? sock)
    {
        using (Py.GIL())
        {
            return Adopt(sock);
        }
    }

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

    private PythonProtocol MakeProtocol(PyObject protocolFactory, PyObject makeTransport, PyObject? sock = null)
    {
        PythonProtocol? made = null;
        WithGil(() => made = new PythonProtocol(this, CApi.Steal(Invoke(protocolFactory, null)), makeTransport, sock));
        return made!;
    }

    private PythonDatagramProtocol MakeDatagramProtocol(PyObject protocolFactory, PyObject makeTransport, PyObject? sock)
    {
        PythonDatagramProtocol? made = null;
        WithGil(() => made = new PythonDatagramProtocol(this, CApi.Steal(Invoke(protocolFactory, null)), makeTransport, sock));
        return made!;
    }

    /// <summary>
    /// Python's <c>_sendfile_native(transp, file, offset, count)</c> for a .NET transport: the file's descriptor is read
    /// through a <see cref="FileStream"/> that does not own it (the Python file object stays the owner). As CPython,
    /// once something was sent the Python file's position is offset + bytes sent, failure or not.
    /// </summary>
    public Future sendfile_native(BaseTransport transport, PyObject file, int fileno, long offset, long? count) =>
        _loop.CreateTask(SendfileNative(transport, file, fileno, offset, count));

    private async Coroutine<object?> SendfileNative(BaseTransport transport, PyObject pyFile, int fileno, long offset,
        long? count)
    {
        using var file = new FileStream(new SafeFileHandle((IntPtr)fileno, ownsHandle: false), FileAccess.Read);
        var start = file.Position;
        try
        {
            return await _loop.SendfileNative(transport, file, offset, count);
        }
        finally
        {
            // The .NET stream's position is its own (reads are positioned): the Python file object is told.
            var position = file.Position;
            if (position != start)
            {
                WithGil(() =>
                {
                    using var at = new PyInt(position);
                    pyFile.InvokeMethod("seek", at).Dispose();
                });
            }
        }
    }

    /// <summary>Python's <c>transport._protocol_paused</c> for a .NET transport (sendfile's fallback reads it).</summary>
    public static bool protocol_paused(BaseTransport transport) =>
        transport is IFlowControlTransport { ProtocolPaused: true };

    /// <summary>The .NET transport running on <paramref name="fd"/>, or null (Python's <c>_transports[fd]</c>).</summary>
    public BaseTransport? transport_of(int fd) => _loop.Transports.GetValueOrDefault(fd);

    /// <summary>A builtin function <c>fd_in_use(fd)</c>: whether an open .NET transport runs on fd (see <see cref="NativeTransport.FdInUse"/>).</summary>
    public PyObject fd_in_use_function()
    {
        using (Py.GIL())
        {
            return NativeTransport.FdInUse(_loop);
        }
    }

    /// <summary>
    /// <c>(call_soon, run_ready)</c>: the ready queue's hot paths in C for the Python loop class (see
    /// <see cref="NativeReadyQueue"/>); <paramref name="slowCallSoon"/> is the Python call_soon they fall back to.
    /// </summary>
    public static PyObject ready_queue_functions(PyObject loopType, PyObject handleType, PyObject slowCallSoon, PyObject report)
    {
        using (Py.GIL())
        {
            return NativeReadyQueue.Functions(loopType, handleType, slowCallSoon, report);
        }
    }

    /// <summary><c>(schedule_drain, schedule_drain_threadsafe)</c> as builtin functions (see <see cref="NativeReadyQueue.ScheduleFunctions"/>).</summary>
    public PyObject schedule_functions()
    {
        using (Py.GIL())
        {
            return NativeReadyQueue.ScheduleFunctions(this);
        }
    }

    /// <summary>The <c>dotnet_object(capsule)</c> builtin function (see <see cref="NativeTransport.DotnetObject"/>).</summary>
    public static PyObject dotnet_object_function()
    {
        using (Py.GIL())
        {
            return NativeTransport.DotnetObject();
        }
    }

    /// <summary>Whether a .NET server's Python <c>_waiters</c> is None (closed, no connection left).</summary>
    public static bool server_waiters_done(Server server) => server.WaitersDone;

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
            Reschedule(NativeReadyQueue.Drain(CApi.Address(_pyLoop!), CApi.Address(_drain!)));
            return;
        }
        using (Py.GIL())
        {
            Reschedule(NativeReadyQueue.Drain(CApi.Address(_pyLoop!), CApi.Address(_drain!)));
        }
    }

    private void RunTimers()
    {
        _timer = null;
        if (_pythonDriven)
        {
            ScheduleNext(Invoke(_runTimers!, null));
            return;
        }
        using (Py.GIL())
        {
            ScheduleNext(Invoke(_runTimers!, null));
        }
    }

    // next: a new reference to the next Python deadline, or None.
    private unsafe void ScheduleNext(IntPtr next)
    {
        try
        {
            if (next != CApi.None && _timer is null && !_loop.IsClosed())
            {
                var when = CApi.PyFloat_AsDouble(next);
                if (when == -1.0 && CApi.PyErr_Occurred() != IntPtr.Zero)
                {
                    throw CApi.FetchError();
                }
                _timer = _loop.CallAt(when, _runTimersAction!);
            }
        }
        finally
        {
            CApi.Py_DecRef(next);
        }
    }

    // more: a new reference to the drain's answer.
    private unsafe void Reschedule(IntPtr more)
    {
        var again = CApi.PyObject_IsTrue(more);
        CApi.Py_DecRef(more);
        if (again < 0)
        {
            throw CApi.FetchError();
        }
        if (again > 0)
        {
            _loop.CallSoon(_drainAction!);
        }
    }

    private unsafe void Call(PyObject function, PyObject? arg)
    {
        if (_pythonDriven)
        {
            CApi.Py_DecRef(Invoke(function, arg));
            return;
        }
        // The loop is run by C#: this thread takes the GIL for the call.
        using (Py.GIL())
        {
            CApi.Py_DecRef(Invoke(function, arg));
        }
    }

    // function() or function(arg) through the C API (no Python.NET wrapper for the result): a new reference.
    private static unsafe IntPtr Invoke(PyObject function, PyObject? arg)
    {
        var result = arg is null
            ? CApi.PyObject_CallNoArgs(CApi.Address(function))
            : CApi.PyObject_CallOneArg(CApi.Address(function), CApi.Address(arg));
        if (result == IntPtr.Zero)
        {
            throw CApi.FetchError();
        }
        return result;
    }
}

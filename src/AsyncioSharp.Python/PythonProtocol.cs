using System;
using System.Net;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// A .NET protocol that drives a Python protocol object: the .NET transport calls it on the loop thread and each
/// callback calls the Python method of the same name (data as <c>bytes</c>, errors as Python exceptions). Python
/// gets a snake_case transport (<c>asynciosharp._transports.Transport</c>) over the .NET one.
/// </summary>
public sealed unsafe class PythonProtocol : Protocol
{
    private readonly LoopFacade _facade;
    private readonly PyObject _makeTransport;
    // The caller's Python socket (sock=) or pipe, closed after connection_lost as CPython's transports close theirs.
    private PyObject? _owned;

    internal PythonProtocol(LoopFacade facade, PyObject protocol, PyObject makeTransport, PyObject? owned = null)
    {
        // CPython's transport looks up protocol.connection_made as it is made: a non-protocol fails create_connection.
        var connectionMade = CApi.PyObject_GetAttr(CApi.Address(protocol), Names.ConnectionMade);
        CApi.Py_DecRef(connectionMade != IntPtr.Zero ? connectionMade : throw CApi.FetchError());
        _facade = facade;
        _makeTransport = makeTransport;
        _owned = owned;
        this.protocol = protocol;
        _buffered = IsBuffered(protocol);
    }

    private bool _buffered;
    private BaseTransport? _held;

    /// <summary>
    /// Pauses reading until <see cref="hand_over"/>: CPython's create_connection returns to its caller before the first
    /// data_received can run, and the hop through a Python future would otherwise let data arrive first.
    /// </summary>
    internal void HoldReading(BaseTransport transport)
    {
        switch (transport)
        {
            case Transport stream when stream.IsReading():
                stream.PauseReading();
                _held = stream;
                break;
            case ReadTransport pipe when pipe.IsReading():
                pipe.PauseReading();
                _held = pipe;
                break;
        }
    }

    /// <summary>Resumes the reading <see cref="HoldReading"/> paused (create_connection has returned to Python).</summary>
    public void hand_over()
    {
        var held = _held;
        _held = null;
        if (held is null || held.IsClosing())
        {
            return;
        }
        if (held is Transport stream)
        {
            stream.ResumeReading();
        }
        else
        {
            ((ReadTransport)held).ResumeReading();
        }
    }

    /// <summary>The Python protocol object.</summary>
    public PyObject protocol { get; private set; }

    /// <summary>The Python transport handed to <c>connection_made</c>.</summary>
    public PyObject? transport { get; private set; }

    /// <summary>Python's <c>transport.set_protocol(protocol)</c>: the callbacks go to <paramref name="protocol"/> from now on.</summary>
    public void replace_protocol(PyObject protocol)
    {
        using (Py.GIL())
        {
            this.protocol = protocol;
            _buffered = IsBuffered(protocol);
        }
    }

    /// <inheritdoc />
    public override void ConnectionMade(BaseTransport transport) => _facade.WithGil(() =>
    {
        Wrap(transport);
        Made(protocol, this.transport!);
    });

    /// <summary>
    /// Makes <see cref="transport"/> the Python face of <paramref name="net"/>; the caller holds the GIL. The face gets
    /// the .NET transport and this bridge as capsules (it converts them on first use) and the hot methods as builtin
    /// functions: all of them for a stream transport, write for a write pipe.
    /// </summary>
    internal void Wrap(BaseTransport net)
    {
        var natives = net is WriteTransport writer ? NativeTransport.Functions(writer) : CApi.NewNone();
        try
        {
            transport = MakeFace(_makeTransport, net, protocol, natives, this, _owned);
        }
        finally
        {
            CApi.Py_DecRef(natives);
        }
    }

    /// <summary>
    /// <c>make_transport(kind, net, protocol, natives, bridge, sock)</c> of <c>_transports.py</c>, through the C API:
    /// the .NET transport <paramref name="net"/> and <paramref name="bridge"/> go as capsules, which the face converts
    /// on first use. The caller holds the GIL.
    /// </summary>
    internal static PyObject MakeFace(PyObject makeTransport, BaseTransport net, PyObject protocol, IntPtr natives,
        object bridge, PyObject? owned)
    {
        var netCapsule = CApi.Capsule(net);
        var bridgeCapsule = CApi.Capsule(bridge);
        var args = stackalloc IntPtr[6]
        {
            TransportKind(net), netCapsule, CApi.Address(protocol), natives, bridgeCapsule,
            owned is null ? CApi.None : CApi.Address(owned),
        };
        var made = CApi.PyObject_Vectorcall(CApi.Address(makeTransport), args, 6, IntPtr.Zero);
        CApi.Py_DecRef(netCapsule);
        CApi.Py_DecRef(bridgeCapsule);
        return made != IntPtr.Zero ? CApi.Steal(made) : throw CApi.FetchError();
    }

    /// <summary>Tells <paramref name="protocol"/> connection_made(<paramref name="transport"/>); the caller holds the GIL.</summary>
    internal static void Made(PyObject protocol, PyObject transport) =>
        CApi.Py_DecRef(CApi.CallMethod(CApi.Address(protocol), Names.ConnectionMade, CApi.Address(transport)));

    /// <summary>The .NET transport's class name as an interned Python str: which Python face make_transport builds.</summary>
    internal static IntPtr TransportKind(BaseTransport net)
    {
        lock (Kinds)
        {
            var type = net.GetType();
            if (!Kinds.TryGetValue(type, out var kind))
            {
                Kinds[type] = kind = CApi.Intern(type.Name);
            }
            return kind;
        }
    }

    private static readonly System.Collections.Generic.Dictionary<Type, IntPtr> Kinds = new();

    // A Python BufferedProtocol gets its data copied into get_buffer()'s buffer by asyncio's own helper, as CPython's
    // sslproto feeds one.
    private static bool IsBuffered(PyObject protocol)
    {
        if (_bufferedProtocol == IntPtr.Zero)
        {
            var bufferedType = CApi.PyObject_GetAttr(AsyncioProtocols(), Names.BufferedProtocol);
            _bufferedProtocol = bufferedType != IntPtr.Zero ? bufferedType : throw CApi.FetchError();
        }
        var isInstance = CApi.PyObject_IsInstance(CApi.Address(protocol), _bufferedProtocol);
        return isInstance >= 0 ? isInstance > 0 : throw CApi.FetchError();
    }

    // The asyncio.protocols module, kept for the process: BufferedProtocol and the helper that feeds one are read from it.
    private static IntPtr AsyncioProtocols()
    {
        if (_asyncioProtocols == IntPtr.Zero)
        {
            using var module = Py.Import("asyncio.protocols");
            _asyncioProtocols = CApi.Address(module);
            CApi.Py_IncRef(_asyncioProtocols);
        }
        return _asyncioProtocols;
    }

    private static IntPtr _bufferedProtocol;
    private static IntPtr _asyncioProtocols;

    /// <inheritdoc />
    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        if (_facade.PythonDriven)
        {
            DataReceivedCore(data);
            return;
        }
        using (Py.GIL())
        {
            DataReceivedCore(data);
        }
    }

    // The hot path: bytes made and the method called through the C API (the loop thread holds the GIL).
    private void DataReceivedCore(ReadOnlySpan<byte> data)
    {
        var bytes = CApi.NewBytes(data);
        try
        {
            if (_buffered)
            {
                FeedBuffered(bytes);
                return;
            }
            CApi.Py_DecRef(CApi.CallMethod(CApi.Address(protocol), Names.DataReceived, bytes));
        }
        finally
        {
            CApi.Py_DecRef(bytes);
        }
    }

    private void FeedBuffered(IntPtr bytes) =>
        CApi.Py_DecRef(CApi.CallMethod(AsyncioProtocols(), Names.FeedBuffered, CApi.Address(protocol), bytes));

    /// <inheritdoc />
    public override bool EofReceived()
    {
        var keepOpen = false;
        _facade.WithGil(() =>
        {
            var result = CApi.CallMethod(CApi.Address(protocol), Names.EofReceived, IntPtr.Zero);
            var truth = CApi.PyObject_IsTrue(result);
            CApi.Py_DecRef(result);
            if (truth < 0)
            {
                throw CApi.FetchError();
            }
            keepOpen = truth > 0;
        });
        return keepOpen;
    }

    /// <inheritdoc />
    public override void ConnectionLost(Exception? exc) => _facade.WithGil(() =>
    {
        var previous = protocol;
        protocol = PyObject.None;
        Lost(previous, exc, transport, ref _owned);
    });

    /// <summary>
    /// Tells <paramref name="protocol"/> connection_lost(exc), then lets go of it and closes the caller's Python socket
    /// (a sock= connection), as CPython's <c>_call_connection_lost</c> does; the caller holds the GIL.
    /// </summary>
    internal static void Lost(PyObject protocol, Exception? exc, PyObject? transport, ref PyObject? owned)
    {
        using var pyExc = ToPython(exc);
        try
        {
            CApi.Py_DecRef(CApi.CallMethod(CApi.Address(protocol), Names.ConnectionLost, CApi.Address(pyExc)));
        }
        finally
        {
            // As CPython's transports drop their protocol once it is told: the .NET objects may outlive the connection
            // until a .NET collection, and must not keep the Python protocol (and what it holds) alive that long.
            protocol.Dispose();
            if (transport is not null && CApi.PyObject_SetAttr(CApi.Address(transport), Names.Protocol, CApi.None) != 0)
            {
                throw CApi.FetchError();
            }
            if (owned is { } callers)
            {
                owned = null;
                using (callers)
                {
                    callers.InvokeMethod("close").Dispose();
                }
            }
        }
    }

    /// <inheritdoc />
    public override void PauseWriting() => CallNoArgs(Names.PauseWriting);

    /// <inheritdoc />
    public override void ResumeWriting() => CallNoArgs(Names.ResumeWriting);

    private void CallNoArgs(IntPtr name) =>
        _facade.WithGil(() => CApi.Py_DecRef(CApi.CallMethod(CApi.Address(protocol), name, IntPtr.Zero)));

    /// <summary>Interned names of the protocol callbacks and of what the bridge reads from Python.</summary>
    private static class Names
    {
        public static readonly IntPtr ConnectionMade = Intern("connection_made");
        public static readonly IntPtr ConnectionLost = Intern("connection_lost");
        public static readonly IntPtr Protocol = Intern("_protocol");
        public static readonly IntPtr BufferedProtocol = Intern("BufferedProtocol");
        public static readonly IntPtr FeedBuffered = Intern("_feed_data_to_buffered_proto");
        public static readonly IntPtr DataReceived = Intern("data_received");
        public static readonly IntPtr EofReceived = Intern("eof_received");
        public static readonly IntPtr PauseWriting = Intern("pause_writing");
        public static readonly IntPtr ResumeWriting = Intern("resume_writing");

        private static IntPtr Intern(string name)
        {
            CApi.Bind();
            return CApi.Intern(name);
        }
    }

    /// <summary>
    /// A .NET exception as Python sees it: a crossed Python exception is itself again; the OSError family is rebuilt
    /// from errno (Python then picks ConnectionRefusedError, ConnectionResetError...); a builtin Python exception of
    /// the same class name (TimeoutError, ValueError, TypeError, RuntimeError...) gets the message; anything else is
    /// the .NET exception object. The caller holds the GIL.
    /// </summary>
    internal static PyObject ToPython(Exception? exc)
    {
        if (exc is null)
        {
            return PyObject.None;
        }
        // A Python exception that crossed .NET (a coroutine, a protocol factory or a callback raised it) goes back as
        // itself, as a new reference: callers dispose what this returns.
        if (((exc as PythonError)?.Value ?? (exc as PythonException)?.Value) is { } raised)
        {
            var address = CApi.Address(raised);
            CApi.Py_IncRef(address);
            return CApi.Steal(address);
        }
        if (exc is OverflowException)
        {
            return Construct("builtins", "OverflowError", exc.Message);
        }
        if (exc is AsyncioSharp.Ssl.SSLError ssl)
        {
            return SslError(ssl);
        }
        if (exc is SendfileNotAvailableError)
        {
            // asyncio's own exception, which loop.sendfile() catches to fall back.
            return Construct("asyncio.exceptions", "SendfileNotAvailableError", exc.Message);
        }
        if (exc is AsyncioSharp.OSError { Errno: { } errno } os)
        {
            using var code = new PyInt(errno);
            using var text = new PyString(os.Strerror ?? os.Message);
            // OSError(errno, text) picks the errno's subclass (ConnectionRefusedError...); gaierror is socket's own.
            var (module, type) = exc is Gaierror ? ("socket", "gaierror") : ("builtins", "OSError");
            return Construct(module, type, code, text);
        }
        var name = exc.GetType().Name;
        if (exc.GetType().Namespace == "AsyncioSharp")
        {
            using var builtins = Py.Import("builtins");
            if (builtins.HasAttr(name))
            {
                return Construct("builtins", name, exc.Message);
            }
        }
        return exc.ToPython();
    }

    // The ssl module's exception of the same name, with CPython's (errno, strerror) args and reason/library.
    private static PyObject SslError(AsyncioSharp.Ssl.SSLError exc)
    {
        using var module = Py.Import("ssl");
        var name = exc.GetType().Name;
        var type = module.HasAttr(name) ? name : "SSLError";
        using var text = new PyString(exc.Strerror ?? exc.Message);
        PyObject error;
        if (exc.Errno is { } errno)
        {
            using var code = new PyInt(errno);
            error = Construct("ssl", type, code, text);
        }
        else
        {
            error = Construct("ssl", type, text);
        }
        SetOptional(error, "reason", exc.Reason);
        SetOptional(error, "library", exc.Library);
        if (exc is AsyncioSharp.Ssl.SSLCertVerificationError verify)
        {
            using var verifyCode = new PyInt(verify.VerifyCode);
            error.SetAttr("verify_code", verifyCode);
            using var verifyMessage = new PyString(verify.VerifyMessage);
            error.SetAttr("verify_message", verifyMessage);
        }
        return error;
    }

    // module.type(*args): a new Python exception of that class; the caller holds the GIL.
    private static PyObject Construct(string module, string type, params PyObject[] args)
    {
        using var owner = Py.Import(module);
        using var cls = owner.GetAttr(type);
        return cls.Invoke(args);
    }

    private static PyObject Construct(string module, string type, string message)
    {
        using var text = new PyString(message);
        return Construct(module, type, text);
    }

    private static void SetOptional(PyObject target, string name, string? value)
    {
        if (value is not null)
        {
            using var text = new PyString(value);
            target.SetAttr(name, text);
        }
    }

    /// <summary>An endpoint as Python's address tuple: (host, port), or (host, port, flowinfo, scope_id) for IPv6.</summary>
    internal static PyObject Address(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 => new PyTuple(new PyObject[]
        {
            new PyString(v6.Address.ToString().Split('%')[0]), new PyInt(v6.Port), new PyInt(0), new PyInt((long)v6.Address.ScopeId),
        }),
        IPEndPoint ip => new PyTuple(new PyObject[] { new PyString(ip.Address.ToString()), new PyInt(ip.Port) }),
        System.Net.Sockets.UnixDomainSocketEndPoint unix => UnixAddress(unix),
        null => PyObject.None,
        _ => new PyString(endPoint.ToString()!),
    };

    // As Python's makesockaddr: '' for an unnamed socket, bytes (leading NUL) for Linux's abstract namespace, else the
    // path as str.
    private static PyObject UnixAddress(System.Net.Sockets.UnixDomainSocketEndPoint unix)
    {
        var raw = unix.Serialize();
        var length = raw.Size - 2;
        var path = new byte[Math.Max(length, 0)];
        for (var i = 0; i < path.Length; i++)
        {
            path[i] = raw[i + 2];
        }
        if (path.Length > 0 && path[0] == 0)
        {
            CApi.Bind();
            fixed (byte* start = path)
            {
                return CApi.Steal(CApi.PyBytes_FromStringAndSize(start, path.Length));
            }
        }
        var end = Array.IndexOf(path, (byte)0);
        return new PyString(System.Text.Encoding.UTF8.GetString(path, 0, end < 0 ? path.Length : end));
    }
}

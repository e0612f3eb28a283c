using System;
using System.Net;
using System.Net.Sockets;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// A .NET datagram protocol that drives a Python <c>asyncio.DatagramProtocol</c>: the .NET datagram transport calls it
/// on the loop thread and each callback calls the Python method of the same name (<c>datagram_received(data, addr)</c>
/// with <c>bytes</c> and Python's address tuple or path, <c>error_received</c> with the Python exception). Python gets
/// <c>asynciosharp._transports.DatagramTransport</c> over the .NET transport.
/// </summary>
public sealed unsafe class PythonDatagramProtocol : DatagramProtocol
{
    private readonly LoopFacade _facade;
    private readonly PyObject _makeTransport;
    private PyObject? _socket;
    private DatagramTransport? _net;
    private EndPoint? _lastFrom;
    private PyObject? _lastAddr;
    private PyObject? _sentAddr;
    private EndPoint? _sentEndPoint;

    internal PythonDatagramProtocol(LoopFacade facade, PyObject protocol, PyObject makeTransport, PyObject? socket)
    {
        _facade = facade;
        _makeTransport = makeTransport;
        _socket = socket;
        this.protocol = protocol;
    }

    /// <summary>The Python protocol object.</summary>
    public PyObject protocol { get; private set; }

    /// <summary>The Python transport handed to <c>connection_made</c>.</summary>
    public PyObject? transport { get; private set; }

    /// <summary>Python's <c>transport.set_protocol(protocol)</c>.</summary>
    public void replace_protocol(PyObject protocol)
    {
        using (Py.GIL())
        {
            this.protocol = protocol;
        }
    }

    /// <summary>
    /// Python's <c>transport.sendto(data, addr)</c> once the Python face checked its arguments (called from the native
    /// function <see cref="NativeTransport.Sendto"/>, with the GIL): <paramref name="data"/> is a bytes-like object,
    /// <paramref name="addr"/> None, a numeric (host, port[, flowinfo, scope_id]) tuple, or a unix path (str, or bytes
    /// for the abstract namespace).
    /// </summary>
    internal void SendtoCore(IntPtr data, IntPtr addr)
    {
        var endPoint = addr == CApi.None ? null : CachedEndPoint(addr);
        CApi.PyBuffer view;
        if (CApi.PyObject_GetBuffer(data, &view, 0) != 0)
        {
            throw CApi.FetchError();
        }
        try
        {
            _net!.Sendto(new ReadOnlySpan<byte>(view.buf, checked((int)view.len)), endPoint);
        }
        finally
        {
            CApi.PyBuffer_Release(&view);
        }
    }

    // A server answering with the addr datagram_received gave it, or a client sending to one address, passes the same
    // (immutable) tuple again: its endpoint is not parsed again.
    private EndPoint CachedEndPoint(IntPtr pointer)
    {
        if (_lastAddr is not null && CApi.Address(_lastAddr) == pointer)
        {
            return _lastFrom!;
        }
        if (_sentAddr is null || CApi.Address(_sentAddr) != pointer)
        {
            _sentAddr?.Dispose();
            CApi.Py_IncRef(pointer);
            _sentAddr = CApi.Steal(pointer);
            _sentEndPoint = EndPointOf(_sentAddr);
        }
        return _sentEndPoint!;
    }

    private static EndPoint EndPointOf(PyObject addr)
    {
        if (PyString.IsStringType(addr))
        {
            return new UnixDomainSocketEndPoint(addr.As<string>());
        }
        using var builtins = Py.Import("builtins");
        using var bytesType = builtins.GetAttr("bytes");
        if (addr.IsInstance(bytesType))
        {
            using var text = addr.InvokeMethod("decode", new PyString("latin-1"));
            return new UnixDomainSocketEndPoint(text.As<string>());
        }
        var address = IPAddress.Parse(addr[0].As<string>());
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && addr.Length() == 4)
        {
            address.ScopeId = addr[3].As<long>();
        }
        return new IPEndPoint(address, addr[1].As<int>());
    }

    /// <inheritdoc />
    public override void ConnectionMade(BaseTransport transport) => _facade.WithGil(() =>
    {
        _net = (DatagramTransport)transport;
        using var sendto = NativeTransport.Sendto(this);
        this.transport = PythonProtocol.MakeFace(_makeTransport, transport, protocol, CApi.Address(sendto), this, _socket);
        PythonProtocol.Made(protocol, this.transport);
    });

    /// <inheritdoc />
    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr)
    {
        if (_facade.PythonDriven)
        {
            DatagramReceivedCore(data, addr);
            return;
        }
        using (Py.GIL())
        {
            DatagramReceivedCore(data, addr);
        }
    }

    // The hot path: bytes made and the method called through the C API; a peer's address tuple is made once while
    // it keeps sending.
    private void DatagramReceivedCore(ReadOnlySpan<byte> data, EndPoint addr)
    {
        if (_lastAddr is null || !addr.Equals(_lastFrom))
        {
            _lastAddr?.Dispose();
            _lastAddr = PythonProtocol.Address(addr);
            _lastFrom = addr;
        }
        var bytes = CApi.NewBytes(data);
        try
        {
            CApi.Py_DecRef(CApi.CallMethod(CApi.Address(protocol), Names.DatagramReceived, bytes, CApi.Address(_lastAddr)));
        }
        finally
        {
            CApi.Py_DecRef(bytes);
        }
    }

    /// <inheritdoc />
    public override void ErrorReceived(Exception exc) => _facade.WithGil(() =>
    {
        using var pyExc = PythonProtocol.ToPython(exc);
        protocol.InvokeMethod("error_received", pyExc).Dispose();
    });

    /// <inheritdoc />
    public override void ConnectionLost(Exception? exc) => _facade.WithGil(() =>
    {
        var previous = protocol;
        protocol = PyObject.None;
        _lastAddr?.Dispose();
        _lastAddr = null;
        _sentAddr?.Dispose();
        _sentAddr = null;
        PythonProtocol.Lost(previous, exc, transport, ref _socket);
    });

    /// <inheritdoc />
    public override void PauseWriting() =>
        _facade.WithGil(() => protocol.InvokeMethod("pause_writing").Dispose());

    /// <inheritdoc />
    public override void ResumeWriting() =>
        _facade.WithGil(() => protocol.InvokeMethod("resume_writing").Dispose());

    private static class Names
    {
        public static readonly IntPtr DatagramReceived = Intern("datagram_received");

        private static IntPtr Intern(string name)
        {
            CApi.Bind();
            return CApi.Intern(name);
        }
    }
}

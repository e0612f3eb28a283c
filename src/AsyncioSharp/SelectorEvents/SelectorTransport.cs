using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>selector_events._SelectorTransport</c>: what every socket transport of the selector loop shares:
/// extra info, closing (close flushes, abort does not), the fatal-error path, and connection_lost exactly once, last.
/// </summary>
internal abstract class SelectorTransport : FlowControlMixin, IForceCloseTransport
{
    /// <summary>Python's <c>max_size</c>: the most bytes read per readiness event.</summary>
    internal const int MaxSize = 256 * 1024;

    // Python's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES.
    private const int LogThresholdForConnlostWrites = 5;

    private protected readonly SelectorEventLoop _selectorLoop;
    private protected readonly Socket _sock;
    private protected readonly int _sockFd;
    private readonly SafeSocketHandle _sockHandle;
    private protected readonly WriteBuffer _buffer = new();
    private readonly Action _readReady;
    private BaseProtocol _protocol = null!;
    private bool _protocolConnected;
    private Server? _server;
    private protected int _connLost;
    private protected bool _closing;
    private bool _paused;
    private bool _sockClosed;

    private protected SelectorTransport(SelectorEventLoop loop, Socket sock, BaseProtocol protocol,
        Dictionary<string, object?>? extra, Server? server)
        : base(extra ??= new Dictionary<string, object?>(), loop)
    {
        _selectorLoop = loop;
        extra["socket"] = new TransportSocket(sock);
        extra["sockname"] = TryGet(() => sock.LocalEndPoint);
        if (!extra.ContainsKey("peername"))
        {
            extra["peername"] = TryGet(() => sock.RemoteEndPoint);
        }
        _sock = sock;
        _sockFd = (int)sock.Handle;
        _sockHandle = sock.SafeHandle;
        _readReady = ReadReady;
        SetProtocol(protocol);
        _server = server;
        server?.Attach();
        loop.Transports[_sockFd] = this;
    }

    private static EndPoint? TryGet(Func<EndPoint?> get)
    {
        try
        {
            return get();
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    private protected override BaseProtocol CurrentProtocol => _protocol;

    /// <summary>The loop-side reader callback (Python's <c>_read_ready</c>).</summary>
    private protected abstract void ReadReady();

    /// <inheritdoc />
    public override string ToString()
    {
        var state = _sockClosed ? "closed" : _closing ? "closing" : "open";
        return $"<{GetType().Name} fd={(_sockClosed ? -1 : _sockFd)} {state}>";
    }

    /// <inheritdoc />
    public override void Abort() => ForceClose(null);

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol)
    {
        _protocol = protocol;
        _protocolConnected = true;
    }

    /// <inheritdoc />
    public override BaseProtocol GetProtocol() => _protocol;

    /// <inheritdoc />
    public override bool IsClosing() => _closing;

    /// <inheritdoc />
    public override bool IsReading() => !IsClosing() && !_paused;

    /// <inheritdoc />
    public override void PauseReading()
    {
        if (!IsReading())
        {
            return;
        }
        _paused = true;
        _selectorLoop.RemoveReaderCore(_sockFd);
    }

    /// <inheritdoc />
    public override void ResumeReading()
    {
        if (_closing || !_paused)
        {
            return;
        }
        _paused = false;
        AddReader();
    }

    /// <inheritdoc />
    public override void Close()
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        _selectorLoop.RemoveReaderCore(_sockFd);
        if (_buffer.Count == 0)
        {
            _connLost++;
            _selectorLoop.RemoveWriterCore(_sockFd);
            _loop.CallSoonCore(static s => ((SelectorTransport)s!).CallConnectionLost(null), this, null);
        }
    }

    /// <summary>Python's <c>_fatal_error(exc, message)</c>: OSErrors are expected (the peer went away); others are reported.</summary>
    private protected void FatalError(Exception exc, string message = "Fatal error on transport")
    {
        FatalErrors.Report(_loop, exc is OSError, this, _protocol, exc, message);
        ForceClose(exc);
    }

    /// <summary>Python's <c>_force_close(exc)</c>, as SSLProtocol calls it on a fatal TLS error.</summary>
    void IForceCloseTransport.ForceClose(Exception? exc) => ForceClose(exc);

    /// <summary>Python's <c>_force_close(exc)</c>: drops the buffer and schedules connection_lost.</summary>
    private protected void ForceClose(Exception? exc)
    {
        if (_connLost != 0)
        {
            return;
        }
        if (_buffer.Count != 0)
        {
            _buffer.Clear();
            _selectorLoop.RemoveWriterCore(_sockFd);
        }
        if (!_closing)
        {
            _closing = true;
            _selectorLoop.RemoveReaderCore(_sockFd);
        }
        _connLost++;
        _loop.CallSoonCore(static s =>
        {
            var (transport, error) = ((SelectorTransport, Exception?))s!;
            transport.CallConnectionLost(error);
        }, (this, exc), null);
    }

    /// <summary>Python's <c>_call_connection_lost(exc)</c>: the protocol's last callback, then the socket is closed.</summary>
    private protected virtual void CallConnectionLost(Exception? exc)
    {
        try
        {
            if (_protocolConnected)
            {
                _protocol.ConnectionLost(exc);
            }
        }
        finally
        {
            CloseSocket();
            var server = _server;
            if (server is not null)
            {
                _server = null;
                server.Detach();
            }
        }
    }

    private void CloseSocket()
    {
        if (_sockClosed)
        {
            return;
        }
        _sockClosed = true;
        // Forget the fd before closing it: the number may be reused at once.
        _selectorLoop.ForgetTransport(_sockFd, this);
        _sock.Close();
    }

    /// <inheritdoc />
    public override int GetWriteBufferSize() => _buffer.Count;

    /// <summary>
    /// Python's <c>sock.recv_into(buf)</c>: the count (0 at EOF), or -1 with the errno. A socket closed under the
    /// transport fails with EBADF, as Python's closed socket does, rather than touching a reused descriptor number.
    /// </summary>
    private protected int Recv(Span<byte> buf, out int errno)
    {
        if (_sockHandle.IsClosed)
        {
            errno = Errno.EBADF;
            return -1;
        }
        return Libc.Recv(_sockFd, buf, out errno);
    }

    /// <summary><see cref="Recv"/> into <paramref name="first"/>, then <paramref name="second"/>, in one call.</summary>
    private protected int RecvSplit(Span<byte> first, Span<byte> second, out int errno)
    {
        if (_sockHandle.IsClosed)
        {
            errno = Errno.EBADF;
            return -1;
        }
        return Libc.RecvSplit(_sockFd, first, second, out errno);
    }

    /// <summary>Python's <c>sock.send(data)</c>: the count sent, or -1 with the errno (EBADF once the socket is closed).</summary>
    private protected int Send(ReadOnlySpan<byte> data, out int errno)
    {
        if (_sockHandle.IsClosed)
        {
            errno = Errno.EBADF;
            return -1;
        }
        return Libc.Send(_sockFd, data, out errno);
    }

    /// <summary>Python's <c>_add_reader(fd, callback)</c>: no reader while paused or once closing.</summary>
    private protected void AddReader()
    {
        if (!IsReading())
        {
            return;
        }
        _selectorLoop.AddReaderCore(_sockFd, _readReady);
    }

    /// <summary>Counts a write after the connection was lost; Python warns from the fifth one on.</summary>
    private protected void CountConnLostWrite()
    {
        if (_connLost >= LogThresholdForConnlostWrites)
        {
            Log.Warning("socket.send() raised exception.");
        }
        _connLost++;
    }
}

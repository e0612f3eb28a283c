using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>base_events.Server</c>: the listening sockets of <c>create_server</c>, and the count of the
/// transports they accepted, so <see cref="WaitClosed"/> can wait for the last one to go.
/// </summary>
public sealed class Server : AbstractServer
{
    private readonly BaseEventLoop _loop;
    private List<Socket>? _sockets;
    private int _activeCount;
    private List<Future>? _waiters = new();
    private readonly Func<BaseProtocol> _protocolFactory;
    private readonly int _backlog;
    private bool _serving;
    private Future? _servingForeverFut;

    internal Server(BaseEventLoop loop, List<Socket> sockets, Func<BaseProtocol> protocolFactory, SSLContext? sslContext,
        int backlog, double? sslHandshakeTimeout, double? sslShutdownTimeout)
    {
        _loop = loop;
        _sockets = sockets;
        _protocolFactory = protocolFactory;
        SslContext = sslContext;
        _backlog = backlog;
        SslHandshakeTimeout = sslHandshakeTimeout;
        SslShutdownTimeout = sslShutdownTimeout;
    }

    internal Func<BaseProtocol> ProtocolFactory => _protocolFactory;

    internal int Backlog => _backlog;

    internal SSLContext? SslContext { get; }

    internal double? SslHandshakeTimeout { get; }

    internal double? SslShutdownTimeout { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"<{nameof(Server)} sockets=({string.Join(", ", Sockets)}{(Sockets.Count == 1 ? "," : "")})>";

    /// <summary>Python's <c>_attach()</c>: a transport of this server was made.</summary>
    internal void Attach() => _activeCount++;

    /// <summary>Python's <c>_detach()</c>: a transport of this server is gone.</summary>
    internal void Detach()
    {
        _activeCount--;
        if (_activeCount == 0 && _sockets is null)
        {
            Wakeup();
        }
    }

    private void Wakeup()
    {
        var waiters = _waiters;
        _waiters = null;
        foreach (var waiter in waiters ?? new List<Future>())
        {
            if (!waiter.Done())
            {
                waiter.SetResult(waiter);
            }
        }
    }

    /// <summary>Python's <c>_start_serving()</c>: listens and accepts on every socket.</summary>
    internal void StartServingCore()
    {
        if (_serving || _sockets is null)
        {
            return;
        }
        _serving = true;
        foreach (var sock in _sockets)
        {
            try
            {
                sock.Listen(_backlog);
            }
            catch (SocketException exc)
            {
                throw Errno.Error(exc);
            }
            _loop.StartServingSocket(this, sock);
        }
    }

    /// <inheritdoc />
    public override AbstractEventLoop GetLoop() => _loop;

    /// <inheritdoc />
    public override bool IsServing() => _serving;

    /// <summary>Whether Python's <c>_waiters</c> is None: closed with no connection left, wait_closed() woken.</summary>
    internal bool WaitersDone => _waiters is null;

    /// <summary>Python's <c>sockets</c> property: views of the listening sockets; empty once closed.</summary>
    public IReadOnlyList<TransportSocket> Sockets =>
        _sockets is null ? Array.Empty<TransportSocket>() : _sockets.Select(s => new TransportSocket(s)).ToArray();

    /// <inheritdoc />
    public override void Close()
    {
        var sockets = _sockets;
        if (sockets is null)
        {
            return;
        }
        _sockets = null;
        foreach (var sock in sockets)
        {
            _loop.StopServingSocket(sock);
        }
        _serving = false;
        if (_servingForeverFut is { } fut && !fut.Done())
        {
            fut.Cancel();
            _servingForeverFut = null;
        }
        if (_activeCount == 0)
        {
            Wakeup();
        }
    }

    /// <inheritdoc />
    public override Coroutine StartServing() => StartServingAsync();

    private async Coroutine StartServingAsync()
    {
        StartServingCore();
        // Skip one loop iteration so that all the readers are registered.
        await Asyncio.Sleep(0);
    }

    /// <inheritdoc />
    public override Coroutine ServeForever() => ServeForeverCore();

    private async Coroutine ServeForeverCore()
    {
        if (_servingForeverFut is not null)
        {
            throw new RuntimeError($"server {this} is already being awaited on serve_forever()");
        }
        if (_sockets is null)
        {
            throw new RuntimeError($"server {this} is closed");
        }
        StartServingCore();
        _servingForeverFut = _loop.CreateFuture();
        try
        {
            await _servingForeverFut;
        }
        catch (CancelledError)
        {
            Close();
            await WaitClosed();
            throw;
        }
        finally
        {
            _servingForeverFut = null;
        }
    }

    /// <summary>
    /// Python 3.11's <c>wait_closed()</c>: waits until the server is closed and its last transport is gone. As in
    /// 3.11, it returns at once when the server is already closed (its sockets are gone).
    /// </summary>
    public override Coroutine WaitClosed() => WaitClosedCore();

    private async Coroutine WaitClosedCore()
    {
        if (_sockets is null || _waiters is null)
        {
            return;
        }
        var waiter = _loop.CreateFuture();
        _waiters.Add(waiter);
        await waiter;
    }
}

using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseSelectorEventLoop</c>: socket transports, connecting and accepting.</summary>
public partial class SelectorEventLoop
{
    // Python's constants.ACCEPT_RETRY_DELAY: seconds before accepting again after running out of descriptors.
    private const double AcceptRetryDelay = 1;

    private readonly Dictionary<int, BaseTransport> _transports = new();
    private byte[]? _readBuffer;

    /// <summary>Python's <c>_transports</c>: the transport owning each fd.</summary>
    internal Dictionary<int, BaseTransport> Transports => _transports;

    /// <summary>
    /// The buffer every socket transport of this loop receives into: data_received's span is only valid during the
    /// call, and the loop runs one callback at a time, so one buffer serves all connections.
    /// </summary>
    internal byte[] ReadBuffer => _readBuffer ??= new byte[SelectorTransport.MaxSize];

    /// <summary>How many fds have a reader or writer registered (tests check that nothing is left behind).</summary>
    internal int RegisteredFdCount => _fdHandleCount;

    /// <summary>True if a reader is registered for the fd (CPython's tests: <c>loop.assert_reader</c>).</summary>
    internal bool HasReader(int fd) => IsPolling(fd, write: false);

    /// <summary>True if a writer is registered for the fd (CPython's tests: <c>loop.assert_writer</c>).</summary>
    internal bool HasWriter(int fd) => IsPolling(fd, write: true);

    /// <summary>Forgets the transport of a closed fd (the number may be reused at once).</summary>
    internal void ForgetTransport(int fd, BaseTransport transport)
    {
        if (_transports.TryGetValue(fd, out var owner) && ReferenceEquals(owner, transport))
        {
            _transports.Remove(fd);
        }
    }

    /// <summary>Python's <c>_ensure_fd_no_transport(fd)</c>: an fd a live transport owns is not for add_reader and co.</summary>
    internal void EnsureFdNoTransport(int fd)
    {
        if (_transports.TryGetValue(fd, out var transport) && !transport.IsClosing())
        {
            throw new RuntimeError($"File descriptor {fd} is used by transport {transport}");
        }
    }

    /// <summary>Python's <c>_add_reader(fd, callback)</c>: no transport check.</summary>
    internal Handle AddReaderCore(int fd, Action callback) => AddHandler(fd, callback, EpollSelector.EventRead);

    /// <summary>Python's <c>_remove_reader(fd)</c>.</summary>
    internal bool RemoveReaderCore(int fd) => RemoveHandler(fd, EpollSelector.EventRead);

    /// <summary>Python's <c>_add_writer(fd, callback)</c>.</summary>
    internal Handle AddWriterCore(int fd, Action callback) => AddHandler(fd, callback, EpollSelector.EventWrite);

    /// <summary>Python's <c>_remove_writer(fd)</c>.</summary>
    internal bool RemoveWriterCore(int fd) => RemoveHandler(fd, EpollSelector.EventWrite);

    /// <inheritdoc />
    internal override Transport MakeSocketTransport(Socket sock, BaseProtocol protocol, Future? waiter = null,
        Dictionary<string, object?>? extra = null, Server? server = null) =>
        new SelectorSocketTransport(this, sock, protocol, waiter, extra, server);

    /// <inheritdoc />
    internal override void StartServingSocket(Server server, Socket sock) =>
        AddReaderCore((int)sock.Handle, () => AcceptConnection(server, sock));

    /// <inheritdoc />
    internal override void StopServingSocket(Socket sock)
    {
        RemoveReaderCore((int)sock.Handle);
        sock.Close();
    }

    /// <summary>
    /// Python's <c>_accept_connection</c>: accepts up to backlog pending connections. Without TLS the transport is
    /// made at once (Python does it in a task, <c>_accept_connection2</c>; the order of callbacks is the same).
    /// </summary>
    private void AcceptConnection(Server server, Socket sock)
    {
        for (var i = 0; i < server.Backlog; i++)
        {
            Socket conn;
            try
            {
                // .NET reports an empty accept queue by throwing; asking first is far cheaper than the exception.
                if (!sock.Poll(0, SelectMode.SelectRead))
                {
                    return;
                }
                conn = sock.Accept();
                conn.Blocking = false;
            }
            catch (SocketException exc) when (exc.SocketErrorCode is SocketError.WouldBlock or SocketError.Interrupted
                                                  or SocketError.ConnectionAborted)
            {
                // The accept queue is empty.
                return;
            }
            catch (SocketException exc) when (Errno.FromSocketError(exc.SocketErrorCode) is Errno.EMFILE or Errno.ENOBUFS
                                                  || exc.NativeErrorCode is 23 or 12)
            {
                // Out of descriptors or memory: Linux keeps reporting the socket readable, so stop reading for a while.
                CallExceptionHandler(new Dictionary<string, object?>
                {
                    ["message"] = "socket.accept() out of system resource",
                    ["exception"] = Errno.Error(exc),
                    ["socket"] = new TransportSocket(sock),
                });
                RemoveReaderCore((int)sock.Handle);
                CallLater(AcceptRetryDelay, () =>
                {
                    if (server.IsServing())
                    {
                        StartServingSocket(server, sock);
                    }
                });
                return;
            }
            catch (SocketException exc)
            {
                throw Errno.Error(exc);
            }
            var extra = new Dictionary<string, object?> { ["peername"] = conn.RemoteEndPoint };
            if (server.SslContext is not null)
            {
                CreateTask(AcceptConnection2(server, conn, extra));
            }
            else
            {
                AcceptPlain(server, conn, extra);
            }
        }
    }

    private void AcceptPlain(Server server, Socket conn, Dictionary<string, object?> extra)
    {
        BaseProtocol protocol;
        try
        {
            protocol = server.ProtocolFactory();
        }
        catch (Exception exc)
        {
            conn.Close();
            ReportAcceptFailure(exc, null, null);
            return;
        }
        MakeSocketTransport(conn, protocol, null, extra, server);
    }

    /// <summary>Python's <c>_accept_connection2</c>: the TLS path, which waits for the handshake.</summary>
    private async Coroutine AcceptConnection2(Server server, Socket conn, Dictionary<string, object?> extra)
    {
        BaseProtocol? protocol = null;
        Transport? transport = null;
        try
        {
            protocol = server.ProtocolFactory();
            var waiter = CreateFuture();
            transport = MakeSslTransport(conn, protocol, server.SslContext, waiter, serverSide: true, extra: extra,
                server: server, sslHandshakeTimeout: server.SslHandshakeTimeout, sslShutdownTimeout: server.SslShutdownTimeout);
            try
            {
                await waiter;
            }
            catch
            {
                transport.Close();
                throw;
            }
        }
        catch (Exception exc)
        {
            if (transport is null)
            {
                conn.Close();
            }
            ReportAcceptFailure(exc, protocol, transport);
        }
    }

    private void ReportAcceptFailure(Exception exc, BaseProtocol? protocol, Transport? transport)
    {
        if (!GetDebug())
        {
            return;
        }
        var context = new Dictionary<string, object?>
        {
            ["message"] = "Error on transport creation for incoming connection",
            ["exception"] = exc,
        };
        if (protocol is not null)
        {
            context["protocol"] = protocol;
        }
        if (transport is not null)
        {
            context["transport"] = transport;
        }
        CallExceptionHandler(context);
    }
}

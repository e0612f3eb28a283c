using System;
using System.Net;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// The low-level socket coroutines of Python's <c>selector_events.BaseSelectorEventLoop</c> (<c>sock_recv</c> ...
/// <c>sock_accept</c>): each tries the call at once and, if it would block, retries it from an add_reader/add_writer
/// callback until it completes; cancelling the awaiting task removes the registration.
/// </summary>
public partial class SelectorEventLoop
{
    private const int SolSocket = 1;
    private const int SoError = 4;

    /// <summary>One non-blocking attempt: true with the result, false if the call would block (try again when ready).</summary>
    private delegate bool SockAttempt<T>(out T result);

    /// <inheritdoc />
    public override async Coroutine<byte[]> SockRecv(Socket sock, int nbytes)
    {
        CheckNonBlocking(sock);
        var buf = new byte[nbytes];
        SockAttempt<byte[]> attempt = (out byte[] data) =>
        {
            var ok = TryReceive(sock, buf, out var n);
            data = ok ? Trimmed(buf, n) : [];
            return ok;
        };
        if (attempt(out var result))
        {
            return result;
        }
        return await SockWait(sock, EpollSelector.EventRead, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine<int> SockRecvInto(Socket sock, Memory<byte> buf)
    {
        CheckNonBlocking(sock);
        SockAttempt<int> attempt = (out int n) => TryReceive(sock, buf.Span, out n);
        if (attempt(out var result))
        {
            return result;
        }
        return await SockWait(sock, EpollSelector.EventRead, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine<(byte[] Data, EndPoint Address)> SockRecvfrom(Socket sock, int bufsize)
    {
        CheckNonBlocking(sock);
        var buf = new byte[bufsize];
        SockAttempt<(byte[], EndPoint)> attempt = (out (byte[], EndPoint) r) =>
        {
            var ok = TryReceiveFrom(sock, buf, out var n, out var address);
            r = (ok ? Trimmed(buf, n) : [], address);
            return ok;
        };
        if (attempt(out var result))
        {
            return result;
        }
        return await SockWait(sock, EpollSelector.EventRead, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine<(int Nbytes, EndPoint Address)> SockRecvfromInto(Socket sock, Memory<byte> buf, int nbytes = 0)
    {
        CheckNonBlocking(sock);
        if (nbytes == 0)
        {
            nbytes = buf.Length;
        }
        if (nbytes < 0)
        {
            throw new ValueError("negative buffersize in recvfrom_into");
        }
        if (nbytes > buf.Length)
        {
            throw new ValueError("nbytes is greater than the length of the buffer");
        }
        var target = buf[..nbytes];
        SockAttempt<(int, EndPoint)> attempt = (out (int, EndPoint) r) =>
        {
            var ok = TryReceiveFrom(sock, target.Span, out var n, out var address);
            r = (n, address);
            return ok;
        };
        if (attempt(out var result))
        {
            return result;
        }
        return await SockWait(sock, EpollSelector.EventRead, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine SockSendall(Socket sock, ReadOnlyMemory<byte> data)
    {
        CheckNonBlocking(sock);
        var pos = TrySend(sock, data.Span, out var n) ? n : 0;
        if (pos == data.Length)
        {
            return;
        }
        SockAttempt<bool> attempt = (out bool done) =>
        {
            done = false;
            if (!TrySend(sock, data.Span[pos..], out var sent))
            {
                return false;
            }
            pos += sent;
            done = pos == data.Length;
            return done;
        };
        await SockWait(sock, EpollSelector.EventWrite, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine<int> SockSendto(Socket sock, ReadOnlyMemory<byte> data, EndPoint address)
    {
        CheckNonBlocking(sock);
        address = await Resolved(sock, address);
        SockAttempt<int> attempt = (out int n) => TrySendTo(sock, data.Span, address, out n);
        if (attempt(out var result))
        {
            return result;
        }
        return await SockWait(sock, EpollSelector.EventWrite, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine SockConnect(Socket sock, EndPoint address)
    {
        CheckNonBlocking(sock);
        await SockConnectCore(sock, await Resolved(sock, address));
    }

    /// <summary>
    /// Python's <c>_ensure_resolved</c> for sock_connect: a host name (a <see cref="DnsEndPoint"/>) is resolved for the
    /// socket's family, type and protocol, without blocking the loop; other addresses are used as they are.
    /// </summary>
    private async Coroutine<EndPoint> Resolved(Socket sock, EndPoint address)
    {
        if (address is DnsEndPoint dns && sock.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            var resolved = await EnsureResolved(dns.Host, dns.Port, sock.AddressFamily, sock.SocketType, sock.ProtocolType);
            return resolved[0].Sockaddr;
        }
        return address;
    }

    /// <summary>
    /// Python's <c>_sock_connect</c> and <c>_sock_connect_cb</c>: a non-blocking connect, then a wait for writability
    /// and SO_ERROR. Cancelling it unregisters the fd.
    /// </summary>
    internal override async Coroutine SockConnectCore(Socket sock, EndPoint address)
    {
        try
        {
            sock.Connect(address);
            return;
        }
        catch (SocketException exc) when (IsRetry(exc.SocketErrorCode))
        {
            // The connection goes on in the background; writability says it finished (CPython issue #23618).
        }
        catch (Exception exc) when (exc is PlatformNotSupportedException
                                    || (exc is SocketException && sock.AddressFamily == AddressFamily.Unix))
        {
            // .NET refuses to retry a connect that failed once, which Linux and Python allow; and its SocketError
            // loses a unix socket's errno (ENOENT reads as EADDRNOTAVAIL). The kernel's connect says it exactly.
            if (Libc.Connect((int)sock.Handle, address))
            {
                return;
            }
        }
        catch (Exception exc)
        {
            throw PythonError(exc);
        }
        SockAttempt<bool> attempt = (out bool done) =>
        {
            Span<byte> value = stackalloc byte[sizeof(int)];
            sock.GetRawSocketOption(SolSocket, SoError, value);
            var err = BitConverter.ToInt32(value);
            done = err == 0;
            if (err is Errno.EAGAIN or Errno.EINTR or Errno.EINPROGRESS)
            {
                return false;
            }
            if (err != 0)
            {
                throw Errno.Error(err, $"Connect call failed {Errno.FormatAddress(address)}");
            }
            // Reading Connected lets .NET record the finished non-blocking connect (RemoteEndPoint, Connected).
            _ = sock.Connected;
            return true;
        };
        await SockWait(sock, EpollSelector.EventWrite, attempt);
    }

    /// <inheritdoc />
    public override async Coroutine<(Socket Conn, EndPoint Address)> SockAccept(Socket sock)
    {
        CheckNonBlocking(sock);
        SockAttempt<(Socket, EndPoint)> attempt = (out (Socket, EndPoint) r) =>
        {
            r = default;
            Socket conn;
            try
            {
                conn = sock.Accept();
            }
            catch (SocketException exc) when (IsRetry(exc.SocketErrorCode))
            {
                return false;
            }
            catch (Exception exc)
            {
                throw PythonError(exc);
            }
            conn.Blocking = false;
            r = (conn, conn.RemoteEndPoint!);
            return true;
        };
        if (attempt(out var result))
        {
            return result;
        }
        return await SockWait(sock, EpollSelector.EventRead, attempt);
    }

    /// <summary>The first <paramref name="n"/> bytes of <paramref name="buf"/>: the buffer itself when it was filled.</summary>
    private static byte[] Trimmed(byte[] buf, int n) => n == buf.Length ? buf : buf.AsSpan(0, n).ToArray();

    /// <summary>Python's debug-mode check of the sock_* methods: a blocking socket would block the loop.</summary>
    private void CheckNonBlocking(Socket sock)
    {
        if (GetDebug() && sock.Blocking)
        {
            throw new ValueError("the socket must be non-blocking");
        }
    }

    /// <summary>
    /// Registers <paramref name="attempt"/> as the fd's reader or writer until it completes or fails; the future's
    /// done callback (also run on cancellation) removes the registration, as Python's <c>_sock_read_done</c> does.
    /// </summary>
    private Future<T> SockWait<T>(Socket sock, int evt, SockAttempt<T> attempt)
    {
        var fut = CreateFuture<T>();
        var fd = (int)sock.Handle;
        EnsureFdNoTransport(fd);
        var handle = AddHandler(fd, () =>
        {
            if (fut.Done())
            {
                return;
            }
            try
            {
                if (attempt(out var result))
                {
                    fut.SetResult(result);
                }
            }
            catch (Exception exc)
            {
                fut.SetException(PythonError(exc));
            }
        }, evt);
        fut.AddDoneCallback(_ =>
        {
            if (!handle.Cancelled())
            {
                RemoveHandler(fd, evt);
            }
        });
        return fut;
    }

    /// <summary>A .NET socket call on a span that reports would-block as its <see cref="SocketError"/> (Receive, Send).</summary>
    private delegate int CodeSocketCall<TSpan>(Socket sock, TSpan span, out SocketError error) where TSpan : allows ref struct;

    /// <summary>A .NET socket call on a span that throws for would-block (ReceiveFrom, SendTo).</summary>
    private delegate int ThrowingSocketCall<TSpan, TArg>(Socket sock, TSpan span, TArg arg) where TSpan : allows ref struct;

    /// <summary>Python's <c>sock.recv_into(buf)</c> on a non-blocking socket: false if it would block.</summary>
    private static bool TryReceive(Socket sock, Span<byte> buf, out int n) =>
        TryCall(sock, buf, static (Socket s, Span<byte> b, out SocketError e) => s.Receive(b, SocketFlags.None, out e), out n);

    /// <summary>Python's <c>sock.send(data)</c> on a non-blocking socket: false if it would block.</summary>
    internal static bool TrySend(Socket sock, ReadOnlySpan<byte> data, out int n) =>
        TryCall(sock, data, static (Socket s, ReadOnlySpan<byte> d, out SocketError e) => s.Send(d, SocketFlags.None, out e), out n);

    /// <summary>Python's <c>sock.recvfrom_into(buf)</c> on a non-blocking socket: false if it would block.</summary>
    internal static bool TryReceiveFrom(Socket sock, Span<byte> buf, out int n, out EndPoint address)
    {
        address = SocketAddresses.Any(sock);
        // The SocketAddress overload reports the sender's real length, so an unnamed unix sender reads as ''.
        var received = new SocketAddress(sock.AddressFamily, SocketAddress.GetMaximumAddressSize(sock.AddressFamily));
        if (!TryCall(sock, buf, received, static (s, b, r) => s.ReceiveFrom(b, SocketFlags.None, r), out n))
        {
            return false;
        }
        address = address.Create(received);
        return true;
    }

    /// <summary>Python's <c>sock.sendto(data, address)</c> on a non-blocking socket: false if it would block.</summary>
    internal static bool TrySendTo(Socket sock, ReadOnlySpan<byte> data, EndPoint address, out int n) =>
        TryCall(sock, data, address, static (s, d, a) => s.SendTo(d, SocketFlags.None, a), out n);

    /// <summary>One non-blocking call that reports would-block as an error code: false then; other errors raise Python's.</summary>
    private static bool TryCall<TSpan>(Socket sock, TSpan span, CodeSocketCall<TSpan> call, out int n)
        where TSpan : allows ref struct
    {
        SocketError error;
        try
        {
            n = call(sock, span, out error);
        }
        catch (ObjectDisposedException exc)
        {
            throw PythonError(exc);
        }
        return Check(error);
    }

    /// <summary>One non-blocking call that throws for would-block: false then; other errors raise Python's.</summary>
    private static bool TryCall<TSpan, TArg>(Socket sock, TSpan span, TArg arg, ThrowingSocketCall<TSpan, TArg> call, out int n)
        where TSpan : allows ref struct
    {
        try
        {
            n = call(sock, span, arg);
            return true;
        }
        catch (SocketException exc) when (IsRetry(exc.SocketErrorCode))
        {
            n = 0;
            return false;
        }
        catch (Exception exc)
        {
            throw PythonError(exc);
        }
    }

    /// <summary>The Python error for an exception a .NET socket call threw; a disposed socket is EBADF, as in Python.</summary>
    private static Exception PythonError(Exception exc) => exc switch
    {
        SocketException se => Errno.Error(se),
        ObjectDisposedException => Errno.Error(Errno.EBADF),
        _ => exc,
    };

    /// <summary>The failures Python's selector loop retries on the next readiness event (BlockingIOError, InterruptedError).</summary>
    private static bool IsRetry(SocketError error) =>
        error is SocketError.WouldBlock or SocketError.Interrupted or SocketError.InProgress or SocketError.AlreadyInProgress;

    /// <summary>True on success, false on would-block; other errors raise the Python exception.</summary>
    private static bool Check(SocketError error) =>
        error == SocketError.Success || (IsRetry(error) ? false : throw Errno.Error(error));
}

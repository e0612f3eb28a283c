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
            data = ok ? buf.AsSpan(0, n).ToArray() : [];
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
            r = (ok ? buf.AsSpan(0, n).ToArray() : [], address);
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
        if (address is DnsEndPoint dns && sock.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            var resolved = await Getaddrinfo(dns.Host, dns.Port, sock.AddressFamily, sock.SocketType, sock.ProtocolType);
            address = resolved[0].Sockaddr;
        }
        try
        {
            sock.Connect(address);
            return;
        }
        catch (SocketException exc) when (SocketErrors.IsRetry(exc.SocketErrorCode))
        {
            // The connection goes on in the background; writability says it finished (CPython issue #23618).
        }
        catch (PlatformNotSupportedException)
        {
            // .NET refuses to retry a connect that failed once; Linux and Python allow it, so ask the kernel.
            if (Libc.Connect((int)sock.Handle, address))
            {
                return;
            }
        }
        catch (Exception exc)
        {
            throw SocketErrors.Translate(exc);
        }
        SockAttempt<bool> attempt = (out bool done) =>
        {
            Span<byte> value = stackalloc byte[sizeof(int)];
            sock.GetRawSocketOption(SolSocket, SoError, value);
            var err = BitConverter.ToInt32(value);
            done = err == 0;
            if (err is Libc.EAGAIN or Libc.EINTR or Libc.EINPROGRESS)
            {
                return false;
            }
            if (err != 0)
            {
                throw SocketErrors.FromErrno(err, $"Connect call failed {SocketAddresses.Repr(address)}");
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
            catch (SocketException exc) when (SocketErrors.IsRetry(exc.SocketErrorCode))
            {
                return false;
            }
            catch (Exception exc)
            {
                throw SocketErrors.Translate(exc);
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
                fut.SetException(SocketErrors.Translate(exc));
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

    /// <summary>Python's <c>sock.recv_into(buf)</c> on a non-blocking socket: false if it would block.</summary>
    private static bool TryReceive(Socket sock, Span<byte> buf, out int n)
    {
        SocketError error;
        try
        {
            n = sock.Receive(buf, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException exc)
        {
            throw SocketErrors.Translate(exc);
        }
        return Check(error);
    }

    /// <summary>Python's <c>sock.send(data)</c> on a non-blocking socket: false if it would block.</summary>
    internal static bool TrySend(Socket sock, ReadOnlySpan<byte> data, out int n)
    {
        SocketError error;
        try
        {
            n = sock.Send(data, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException exc)
        {
            throw SocketErrors.Translate(exc);
        }
        return Check(error);
    }

    /// <summary>Python's <c>sock.recvfrom_into(buf)</c> on a non-blocking socket: false if it would block.</summary>
    internal static bool TryReceiveFrom(Socket sock, Span<byte> buf, out int n, out EndPoint address)
    {
        address = SocketAddresses.Any(sock);
        try
        {
            n = sock.ReceiveFrom(buf, SocketFlags.None, ref address);
            return true;
        }
        catch (SocketException exc) when (SocketErrors.IsRetry(exc.SocketErrorCode))
        {
            n = 0;
            return false;
        }
        catch (Exception exc)
        {
            throw SocketErrors.Translate(exc);
        }
    }

    /// <summary>Python's <c>sock.sendto(data, address)</c> on a non-blocking socket: false if it would block.</summary>
    internal static bool TrySendTo(Socket sock, ReadOnlySpan<byte> data, EndPoint address, out int n)
    {
        try
        {
            n = sock.SendTo(data, SocketFlags.None, address);
            return true;
        }
        catch (SocketException exc) when (SocketErrors.IsRetry(exc.SocketErrorCode))
        {
            n = 0;
            return false;
        }
        catch (Exception exc)
        {
            throw SocketErrors.Translate(exc);
        }
    }

    /// <summary>True on success, false on would-block; other errors raise the Python exception.</summary>
    private static bool Check(SocketError error) =>
        error == SocketError.Success || (SocketErrors.IsRetry(error) ? false : throw SocketErrors.FromSocketError(error));
}

using System;
using System.IO;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseEventLoop.sock_sendfile</c> and <c>sendfile</c>, with their read-and-send fallbacks (base_events.py).</summary>
public abstract partial class BaseEventLoop
{
    /// <summary>Python's <c>constants.SENDFILE_FALLBACK_READBUFFER_SIZE</c>: the fallback's read size.</summary>
    public const int SENDFILE_FALLBACK_READBUFFER_SIZE = 1024 * 256;

    /// <inheritdoc />
    public override async Coroutine<long> SockSendfile(Socket sock, Stream file, long offset = 0, long? count = null,
        bool fallback = true)
    {
        if (GetDebug() && sock.Blocking)
        {
            throw new ValueError("the socket must be non-blocking");
        }
        CheckSendfileParams(sock, offset, count);
        try
        {
            return await SockSendfileNative(sock, file, offset, count);
        }
        catch (SendfileNotAvailableError) when (fallback)
        {
        }
        return await SockSendfileFallback(sock, file, offset, count);
    }

    /// <summary>Python's <c>_sock_sendfile_native</c>: the zero-copy path, where the loop has one.</summary>
    internal virtual Coroutine<long> SockSendfileNative(Socket sock, Stream file, long offset, long? count) =>
        throw new SendfileNotAvailableError(
            $"syscall sendfile is not available for socket {SocketRepr.Repr(sock)} and file {file} combination");

    /// <summary>Python's <c>_sock_sendfile_fallback</c>: reads the file in the executor and sends with sock_sendall.</summary>
    private async Coroutine<long> SockSendfileFallback(Socket sock, Stream file, long offset, long? count)
    {
        if (offset != 0)
        {
            file.Seek(offset, SeekOrigin.Begin);
        }
        var blocksize = count is > 0 ? (int)Math.Min(count.Value, SENDFILE_FALLBACK_READBUFFER_SIZE) : SENDFILE_FALLBACK_READBUFFER_SIZE;
        var buf = new byte[blocksize];
        long totalSent = 0;
        try
        {
            while (true)
            {
                if (count is > 0)
                {
                    blocksize = (int)Math.Min(count.Value - totalSent, blocksize);
                    if (blocksize <= 0)
                    {
                        break;
                    }
                }
                var size = blocksize;
                var read = await RunInExecutor(null, () => file.Read(buf, 0, size));
                if (read == 0)
                {
                    // EOF.
                    break;
                }
                await SockSendall(sock, buf.AsMemory(0, read));
                totalSent += read;
            }
            return totalSent;
        }
        finally
        {
            if (totalSent > 0 && file.CanSeek)
            {
                file.Seek(offset + totalSent, SeekOrigin.Begin);
            }
        }
    }

    /// <inheritdoc />
    public override async Coroutine<long> Sendfile(BaseTransport transport, Stream file, long offset = 0, long? count = null,
        bool fallback = true)
    {
        if (transport.IsClosing())
        {
            throw new RuntimeError("Transport is closing");
        }
        var mode = transport.SendfileCompatible;
        if (mode == SendfileMode.Unsupported)
        {
            throw new RuntimeError($"sendfile is not supported for transport {transport}");
        }
        if (mode == SendfileMode.TryNative)
        {
            try
            {
                return await SendfileNative(transport, file, offset, count);
            }
            catch (SendfileNotAvailableError) when (fallback)
            {
            }
        }
        if (!fallback)
        {
            throw new RuntimeError($"fallback is disabled and native sendfile is not supported for transport {transport}");
        }
        return await SendfileFallback(transport, file, offset, count);
    }

    /// <summary>Python's <c>_sendfile_native(transp, file, offset, count)</c>.</summary>
    internal virtual Coroutine<long> SendfileNative(BaseTransport transport, Stream file, long offset, long? count) =>
        throw new SendfileNotAvailableError("sendfile syscall is not supported");

    /// <summary>Python's <c>_sendfile_fallback</c>: reads the file in the executor and writes it with the transport's flow control.</summary>
    private async Coroutine<long> SendfileFallback(BaseTransport transport, Stream file, long offset, long? count)
    {
        if (offset != 0)
        {
            file.Seek(offset, SeekOrigin.Begin);
        }
        var blocksize = count is > 0 ? (int)Math.Min(count.Value, 16384) : 16384;
        var buf = new byte[blocksize];
        long totalSent = 0;
        var proto = new SendfileFallbackProtocol(transport);
        try
        {
            while (true)
            {
                if (count is > 0)
                {
                    blocksize = (int)Math.Min(count.Value - totalSent, blocksize);
                    if (blocksize <= 0)
                    {
                        return totalSent;
                    }
                }
                var size = blocksize;
                var read = await RunInExecutor(null, () => file.Read(buf, 0, size));
                if (read == 0)
                {
                    // EOF.
                    return totalSent;
                }
                await proto.Drain();
                ((WriteTransport)transport).Write(buf.AsSpan(0, read));
                totalSent += read;
            }
        }
        finally
        {
            if (totalSent > 0 && file.CanSeek)
            {
                file.Seek(offset + totalSent, SeekOrigin.Begin);
            }
            proto.Restore();
        }
    }

    /// <summary>Python's <c>_check_sendfile_params</c> (a .NET stream is always binary).</summary>
    private protected static void CheckSendfileParams(Socket sock, long offset, long? count)
    {
        if (sock.SocketType != SocketType.Stream)
        {
            throw new ValueError("only SOCK_STREAM type sockets are supported");
        }
        if (count is <= 0)
        {
            throw new ValueError($"count must be a positive integer (got {count})");
        }
        if (offset < 0)
        {
            throw new ValueError($"offset must be a non-negative integer (got {offset})");
        }
    }
}

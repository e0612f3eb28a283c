using System;
using System.IO;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseEventLoop.sock_sendfile</c> and its read-and-send fallback (base_events.py).</summary>
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

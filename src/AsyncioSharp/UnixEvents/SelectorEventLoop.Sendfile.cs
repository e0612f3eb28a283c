using System;
using System.IO;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>Python's <c>_UnixSelectorEventLoop._sock_sendfile_native</c>: zero-copy with sendfile(2).</summary>
public partial class SelectorEventLoop
{
    /// <inheritdoc />
    internal override async Coroutine<long> SockSendfileNative(Socket sock, Stream file, long offset, long? count)
    {
        if (file is not FileStream fileStream)
        {
            throw new SendfileNotAvailableError("not a regular file");
        }
        int fileno;
        long fsize;
        try
        {
            fileno = (int)fileStream.SafeFileHandle.DangerousGetHandle();
            fsize = Libc.FstatSize(fileno);
        }
        catch (Exception exc) when (exc is OSError or ObjectDisposedException)
        {
            throw new SendfileNotAvailableError("not a regular file");
        }
        var blocksize = count ?? fsize;
        if (blocksize == 0)
        {
            // Empty file.
            return 0;
        }
        var fut = CreateFuture<long>();
        SockSendfileNativeImpl(fut, null, sock, fileStream, fileno, offset, count, blocksize, 0);
        return await fut;
    }

    /// <summary>
    /// Python's <c>_sock_sendfile_native_impl</c>: one sendfile(2) call per writability event, until count bytes or
    /// EOF; the file position is set past what was sent when it ends, however it ends.
    /// </summary>
    internal void SockSendfileNativeImpl(Future<long> fut, int? registeredFd, Socket sock, FileStream file, int fileno,
        long offset, long? count, long blocksize, long totalSent)
    {
        if (registeredFd is { } registered)
        {
            // Remove the callback early: a ready fd that still returns EAGAIN is rare.
            RemoveWriter(registered);
        }
        if (fut.Cancelled())
        {
            UpdateFilepos(file, offset, totalSent);
            return;
        }
        if (count is { } c)
        {
            blocksize = c - totalSent;
            if (blocksize <= 0)
            {
                UpdateFilepos(file, offset, totalSent);
                fut.SetResult(totalSent);
                return;
            }
        }
        int fd;
        long sent;
        try
        {
            fd = (int)sock.Handle;
            sent = Libc.Sendfile(fd, fileno, offset, blocksize);
        }
        catch (OSError exc)
        {
            Exception error = exc;
            if (registeredFd is not null && exc.Errno == Errno.ENOTCONN && exc.GetType() != typeof(ConnectionError))
            {
                // The connection was closed in the middle of the operation: normalize to ConnectionError.
                error = new ConnectionError(Errno.ENOTCONN, "socket is not connected");
            }
            UpdateFilepos(file, offset, totalSent);
            // A first call failing means sendfile does not fit this file (not mmap-able...): fall back to send().
            fut.SetException(totalSent == 0 ? new SendfileNotAvailableError("os.sendfile call failed") : error);
            return;
        }
        catch (Exception exc)
        {
            UpdateFilepos(file, offset, totalSent);
            fut.SetException(exc);
            return;
        }
        if (sent == 0)
        {
            // EOF.
            UpdateFilepos(file, offset, totalSent);
            fut.SetResult(totalSent);
            return;
        }
        if (sent > 0)
        {
            offset += sent;
            totalSent += sent;
        }
        if (registeredFd is null)
        {
            fut.AddDoneCallback(f =>
            {
                if (f.Cancelled() && !sock.SafeHandle.IsClosed)
                {
                    RemoveWriter(fd);
                }
            });
        }
        var (o, t) = (offset, totalSent);
        AddWriter(fd, () => SockSendfileNativeImpl(fut, fd, sock, file, fileno, o, count, blocksize, t));
    }

    /// <summary>Python's <c>_sock_sendfile_update_filepos</c>: the file position after what was sent.</summary>
    private static void UpdateFilepos(FileStream file, long offset, long totalSent)
    {
        if (totalSent > 0)
        {
            file.Seek(offset, SeekOrigin.Begin);
        }
    }
}

using System.IO;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseSelectorEventLoop._sendfile_native</c>: loop.sendfile() on a socket transport.</summary>
public partial class SelectorEventLoop
{
    /// <inheritdoc />
    internal override async Coroutine<long> SendfileNative(BaseTransport transport, Stream file, long offset, long? count)
    {
        var transp = (SelectorSocketTransport)transport;
        var sock = ((TransportSocket)transp.GetExtraInfo("socket")!).Socket;
        var fd = (int)sock.Handle;
        // While the file goes out on the socket, the fd is not the transport's (sock_sendfile registers it).
        Transports.Remove(fd);
        var resumeReading = transp.IsReading();
        transp.PauseReading();
        try
        {
            await transp.MakeEmptyWaiter();
            return await SockSendfile(sock, file, offset, count, fallback: false);
        }
        finally
        {
            transp.ResetEmptyWaiter();
            if (resumeReading)
            {
                transp.ResumeReading();
            }
            Transports[fd] = transp;
        }
    }
}

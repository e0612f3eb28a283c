using System;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>Python's <c>base_events.BaseEventLoop.start_tls</c>: upgrading a live connection to TLS.</summary>
public abstract partial class BaseEventLoop
{
    /// <inheritdoc />
    public override Coroutine<BaseTransport> StartTls(BaseTransport transport, BaseProtocol protocol, SSLContext sslcontext,
        bool serverSide = false, string? serverHostname = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
    {
        if (sslcontext is null)
        {
            throw new TypeError("sslcontext is expected to be an instance of ssl.SSLContext, got None");
        }
        if (transport is not IStartTlsCompatible)
        {
            throw new TypeError($"transport {transport?.ToString() ?? "None"} is not supported by start_tls()");
        }
        return StartTlsCore((Transport)transport, protocol, sslcontext, serverSide, serverHostname, sslHandshakeTimeout, sslShutdownTimeout);
    }

    private async Coroutine<BaseTransport> StartTlsCore(Transport transport, BaseProtocol protocol, SSLContext sslcontext,
        bool serverSide, string? serverHostname, double? sslHandshakeTimeout, double? sslShutdownTimeout)
    {
        var waiter = CreateFuture();
        var sslProtocol = new SSLProtocol(this, protocol, sslcontext, waiter, serverSide, serverHostname,
            callConnectionMade: false, sslHandshakeTimeout: sslHandshakeTimeout, sslShutdownTimeout: sslShutdownTimeout);

        // Pause first, so the TLS protocol gets no data before its connection_made; bytes that arrive meanwhile
        // wait in the socket and are the first the handshake reads.
        transport.PauseReading();
        transport.SetProtocol(sslProtocol);
        var conmadeCb = CallSoon(() => sslProtocol.ConnectionMade(transport));
        var resumeCb = CallSoon(transport.ResumeReading);
        try
        {
            await waiter;
        }
        catch (Exception)
        {
            transport.Close();
            conmadeCb.Cancel();
            resumeCb.Cancel();
            throw;
        }
        return sslProtocol.GetAppTransport();
    }
}

using System;
using System.IO;

namespace AsyncioSharp;

/// <summary>Python's <c>_UnixSelectorEventLoop.connect_read_pipe</c>/<c>connect_write_pipe</c> (unix_events.py).</summary>
public partial class SelectorEventLoop
{
    /// <inheritdoc />
    public override async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectReadPipe(
        Func<BaseProtocol> protocolFactory, Stream pipe)
    {
        var protocol = protocolFactory();
        var waiter = CreateFuture();
        var transport = new UnixReadPipeTransport(this, pipe, (Protocol)protocol, waiter);
        try
        {
            await waiter;
        }
        catch (Exception)
        {
            transport.Close();
            throw;
        }
        return (transport, protocol);
    }

    /// <inheritdoc />
    public override async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectWritePipe(
        Func<BaseProtocol> protocolFactory, Stream pipe)
    {
        var protocol = protocolFactory();
        var waiter = CreateFuture();
        var transport = new UnixWritePipeTransport(this, pipe, protocol, waiter);
        try
        {
            await waiter;
        }
        catch (Exception)
        {
            transport.Close();
            throw;
        }
        return (transport, protocol);
    }
}

using System;
using System.IO;

namespace AsyncioSharp;

/// <summary>Python's <c>_UnixSelectorEventLoop.connect_read_pipe</c>/<c>connect_write_pipe</c> (unix_events.py).</summary>
public partial class SelectorEventLoop
{
    /// <inheritdoc />
    public override Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectReadPipe(
        Func<BaseProtocol> protocolFactory, Stream pipe) =>
        ConnectPipe(protocolFactory, (protocol, waiter) => new UnixReadPipeTransport(this, pipe, (Protocol)protocol, waiter));

    /// <inheritdoc />
    public override Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectWritePipe(
        Func<BaseProtocol> protocolFactory, Stream pipe) =>
        ConnectPipe(protocolFactory, (protocol, waiter) => new UnixWritePipeTransport(this, pipe, protocol, waiter));

    /// <summary>Both methods' body: the protocol, its transport, and the wait for connection_made (closing the transport if it fails).</summary>
    private async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectPipe(Func<BaseProtocol> protocolFactory,
        Func<BaseProtocol, Future, BaseTransport> makeTransport)
    {
        var protocol = protocolFactory();
        var waiter = CreateFuture();
        var transport = makeTransport(protocol, waiter);
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

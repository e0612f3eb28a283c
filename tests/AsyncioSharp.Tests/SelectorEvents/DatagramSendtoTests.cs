using AsyncioSharp;
using AsyncioSharp.Tests.LowLevel;
using Xunit;

namespace AsyncioSharp.Tests.SelectorEvents;

/// <summary>
/// sendto(data) without an address on an unconnected datagram transport: CPython calls sock.sendto(data, None), which
/// raises TypeError, so the transport reports a fatal write error and closes (not error_received).
/// </summary>
public class DatagramSendtoTests
{
    private sealed class Proto : DatagramProtocol
    {
        public readonly List<Exception> Errors = new();
        public readonly List<Exception?> Lost = new();

        public override void ErrorReceived(Exception exc) => Errors.Add(exc);

        public override void ConnectionLost(Exception? exc) => Lost.Add(exc);
    }

    [Fact]
    public void sendto_without_address_on_unconnected_transport_is_a_fatal_type_error()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var contexts = new List<IReadOnlyDictionary<string, object?>>();
        loop.SetExceptionHandler((_, context) => contexts.Add(context));
        var proto = new Proto();
        var (tr, _) = loop.RunUntilComplete(loop.CreateDatagramEndpoint(() => proto, localAddr: ("127.0.0.1", 0)));

        tr.Sendto("x"u8);
        loop.RunUntilComplete(Asyncio.Sleep(0));

        Assert.Empty(proto.Errors);
        var context = Assert.Single(contexts);
        Assert.Equal("Fatal write error on datagram transport", context["message"]);
        var exc = Assert.IsType<TypeError>(context["exception"]);
        Assert.Equal("sendto(): AF_INET address must be tuple, not NoneType", exc.Message);
        Assert.True(tr.IsClosing());
        Assert.Same(exc, Assert.Single(proto.Lost));
    }
}

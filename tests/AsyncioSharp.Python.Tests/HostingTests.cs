using Python.Runtime;
using Xunit;

namespace AsyncioSharp.Python.Tests;

/// <summary>C# hosts Python on the loop it runs: each side awaits the other's coroutines and futures.</summary>
public class HostingTests
{
    private static readonly object Gate = new();

    private static (SelectorEventLoop Loop, PyObject PyLoop, PyModule Scope) Setup(string code)
    {
        lock (Gate)
        {
            PythonHost.Start();
        }
        var loop = new SelectorEventLoop();
        using (Py.GIL())
        {
            var pyLoop = PythonHost.CreateEventLoop(loop);
            var scope = Py.CreateScope();
            scope.Exec("import asyncio, asynciosharp\n" + code);
            return (loop, pyLoop, scope);
        }
    }

    private static Future ToDotnet(PyModule scope, PyObject pyLoop, string expression)
    {
        using (Py.GIL())
        {
            using var awaitable = scope.Eval(expression);
            using var interop = Py.Import("asynciosharp");
            using var loopArg = new PyDict();
            loopArg["loop"] = pyLoop;
            using var net = interop.GetAttr("to_dotnet_future").Invoke(new[] { awaitable }, loopArg);
            return net.As<Future>();
        }
    }

    [Fact]
    public void csharp_coroutine_awaits_python_coroutine_result()
    {
        var (loop, pyLoop, scope) = Setup("async def double(x):\n    await asyncio.sleep(0.01)\n    return x * 2");
        async Coroutine<int> Main()
        {
            var result = await ToDotnet(scope, pyLoop, "double(21)");
            return Convert.ToInt32(result);
        }
        Assert.Equal(42, loop.RunUntilComplete(loop.CreateTask(Main())));
        loop.Close();
    }

    [Fact]
    public void python_datagram_endpoint_on_a_csharp_run_loop()
    {
        // The loop is C#'s: the datagram bridge takes the GIL for each callback (the Python-run loop holds it).
        var (loop, pyLoop, scope) = Setup("""
            async def ping():
                loop = asyncio.get_running_loop()
                got = loop.create_future()
                class Echo(asyncio.DatagramProtocol):
                    def connection_made(self, transport):
                        self.transport = transport
                    def datagram_received(self, data, addr):
                        self.transport.sendto(data.upper(), addr)
                class Client(asyncio.DatagramProtocol):
                    def datagram_received(self, data, addr):
                        got.set_result((data, type(self.transport).__module__))
                    def connection_made(self, transport):
                        self.transport = transport
                server, _ = await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', 0))
                client, _ = await loop.create_datagram_endpoint(Client, remote_addr=server.get_extra_info('sockname'))
                client.sendto(b'ping')
                data, module = await got
                client.close()
                server.close()
                return f'{data.decode()} {module}'
            """);
        async Coroutine<string> Main() => (await ToDotnet(scope, pyLoop, "ping()"))!.ToString()!;
        Assert.Equal("PING asynciosharp._transports", loop.RunUntilComplete(loop.CreateTask(Main())));
        loop.Close();
    }

    [Fact]
    public void python_exception_reaches_csharp_as_python_error()
    {
        var (loop, pyLoop, scope) = Setup("async def fail():\n    await asyncio.sleep(0)\n    raise KeyError('k')");
        async Coroutine<string> Main()
        {
            try
            {
                await ToDotnet(scope, pyLoop, "fail()");
                return "no exception";
            }
            catch (PythonError e)
            {
                Assert.Contains("in fail", e.PythonTraceback);
                return e.TypeName;
            }
        }
        Assert.Equal("KeyError", loop.RunUntilComplete(loop.CreateTask(Main())));
        loop.Close();
    }

    [Fact]
    public void python_awaits_csharp_future_and_cancellation_crosses()
    {
        var (loop, pyLoop, scope) = Setup("""
            async def wait_for_net(net_fut):
                return await asynciosharp.wrap_dotnet_future(net_fut)
            async def cancel_net(net_fut):
                fut = asynciosharp.wrap_dotnet_future(net_fut)
                fut.cancel()
                try:
                    await fut
                except asyncio.CancelledError:
                    return 'cancelled'
            """);
        var resolved = loop.CreateFuture();
        var toCancel = loop.CreateFuture();
        loop.CallLater(0.01, () => resolved.SetResult("from C#"));
        Future waiting;
        Future cancelling;
        using (Py.GIL())
        {
            scope.Set("resolved", resolved.ToPython());
            scope.Set("to_cancel", toCancel.ToPython());
        }
        waiting = ToDotnet(scope, pyLoop, "wait_for_net(resolved)");
        cancelling = ToDotnet(scope, pyLoop, "cancel_net(to_cancel)");
        loop.RunUntilComplete(Asyncio.Gather(waiting, cancelling));
        using (Py.GIL())
        {
            // Python.NET hands .NET the converted value where one exists (str -> string).
            Assert.Equal("from C#", waiting.Result());
            Assert.Equal("cancelled", cancelling.Result());
        }
        Assert.True(toCancel.Cancelled());
        loop.Close();
    }

    [Fact]
    public void cancelling_the_dotnet_future_cancels_the_python_task()
    {
        var (loop, pyLoop, scope) = Setup("""
            state = []
            async def sleeper():
                try:
                    await asyncio.sleep(30)
                except asyncio.CancelledError:
                    state.append('cancelled')
                    raise
            """);
        var net = ToDotnet(scope, pyLoop, "sleeper()");
        loop.CallLater(0.01, () => net.Cancel());
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(net));
        loop.RunUntilComplete(Asyncio.Sleep(0.01));
        using (Py.GIL())
        {
            Assert.Equal("['cancelled']", scope.Eval("state").ToString());
        }
        loop.Close();
    }
}

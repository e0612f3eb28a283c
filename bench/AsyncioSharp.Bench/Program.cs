using AsyncioSharp;
using AsyncioSharp.Bench;

// The echo server on AsyncioSharp's Protocol API; bench/run.sh drives it with bench/c/loadgen.
if (args.Length == 0 || args[0] != "echo-server")
{
    Console.WriteLine("usage: AsyncioSharp.Bench echo-server   (prints its port; bench/run.sh runs the comparison)");
    return;
}
var loop = new SelectorEventLoop();
var server = (Server)loop.RunUntilComplete(loop.CreateServer(() => new EchoProtocol(), "127.0.0.1", 0));
Console.WriteLine(((System.Net.IPEndPoint)server.Sockets[0].LocalEndPoint!).Port);
loop.RunUntilComplete(server.ServeForever());

using System.Diagnostics;
using System.Security.Cryptography;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.LowLevel;

/// <summary>Pipe transports against a peer that is not ours: a CPython child process on the other end.</summary>
public class PipePeerTests
{
    private sealed class Sink : Protocol
    {
        public readonly MemoryStream Data = new();
        public Future? Done;

        public override void DataReceived(ReadOnlySpan<byte> data) => Data.Write(data);

        public override void ConnectionLost(Exception? exc) => Done!.SetResult(exc);
    }

    private sealed class Source : BaseProtocol
    {
        public Future? Done;

        public override void ConnectionLost(Exception? exc) => Done!.SetResult(exc);
    }

    [Fact]
    public void read_and_write_pipes_carry_a_cpython_child_s_stdio_byte_exact()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        // The child echoes stdin to stdout and prints the SHA-256 of what it read last.
        var script = "import sys, hashlib\n" +
                     "data = sys.stdin.buffer.read()\n" +
                     "sys.stdout.buffer.write(data)\n" +
                     "sys.stdout.buffer.write(hashlib.sha256(data).hexdigest().encode())\n";
        var psi = new ProcessStartInfo("python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var child = Process.Start(psi)!;
        var payload = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(payload);

        var sink = new Sink { Done = loop.CreateFuture() };
        var source = new Source { Done = loop.CreateFuture() };
        loop.RunUntilComplete(loop.ConnectReadPipe(() => sink, child.StandardOutput.BaseStream));
        var (wt, _) = loop.RunUntilComplete(loop.ConnectWritePipe(() => source, child.StandardInput.BaseStream));
        ((WriteTransport)wt).Write(payload);
        wt.Close();
        loop.RunUntilComplete(source.Done);
        Assert.Null(loop.RunUntilComplete(sink.Done));
        child.WaitForExit();

        var received = sink.Data.ToArray();
        var hex = Convert.ToHexString(SHA256.HashData(payload)).ToLowerInvariant();
        Assert.Equal(payload.Length + 64, received.Length);
        Assert.Equal(payload, received[..payload.Length]);
        Assert.Equal(hex, System.Text.Encoding.ASCII.GetString(received[payload.Length..]));
    }
}

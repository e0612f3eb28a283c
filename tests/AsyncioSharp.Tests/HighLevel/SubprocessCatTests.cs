using System.Security.Cryptography;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.HighLevel;

public class SubprocessCatTests
{
    private static async Coroutine<(byte[] Sent, byte[] Received, int Returncode)> StreamThroughCat(int size)
    {
        var data = new byte[size];
        new Random(1234).NextBytes(data);
        var proc = await Asyncio.CreateSubprocessExec("cat", stdin: Subprocess.PIPE, stdout: Subprocess.PIPE);
        async Coroutine Feed()
        {
            const int chunk = 1 << 20;
            for (var offset = 0; offset < data.Length; offset += chunk)
            {
                proc.Stdin!.Write(data.AsSpan(offset, Math.Min(chunk, data.Length - offset)));
                await proc.Stdin.Drain();
            }
            proc.Stdin!.Close();
        }
        var feeder = Asyncio.CreateTask(Feed());
        var received = await proc.Stdout!.Read();
        await feeder;
        return (data, received, await proc.Wait());
    }

    [Fact]
    public void streams_64_mib_through_cat_byte_exact()
    {
        var (sent, received, returncode) = Asyncio.Run(StreamThroughCat(64 * 1024 * 1024));
        Assert.Equal(0, returncode);
        Assert.Equal(sent.Length, received.Length);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
    }

    private static async Coroutine<(byte[]? Out, int Returncode)> StderrToStdout()
    {
        var proc = await Asyncio.CreateSubprocessShell("echo out; echo err 1>&2", stdout: Subprocess.PIPE, stderr: Subprocess.STDOUT);
        var (stdout, stderr) = await proc.Communicate();
        Assert.Null(stderr);
        return (stdout, await proc.Wait());
    }

    [Fact]
    public void stderr_stdout_merges_into_the_stdout_pipe()
    {
        var (output, returncode) = Asyncio.Run(StderrToStdout());
        Assert.Equal(0, returncode);
        Assert.Equal("out\nerr\n", System.Text.Encoding.ASCII.GetString(output!));
    }

    private static async Coroutine<string> SigpipeDefault()
    {
        // Python's restore_signals: the child gets SIGPIPE's default action even though .NET ignores it.
        var proc = await Asyncio.CreateSubprocessShell("yes | head -n 2", stdout: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate();
        return System.Text.Encoding.ASCII.GetString(stdout!);
    }

    [Fact]
    public void child_gets_default_sigpipe_disposition()
    {
        Assert.Equal("y\ny\n", Asyncio.Run(SigpipeDefault()));
    }
}

using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.subprocess</c> module: its constants and its <c>Process</c> class.</summary>
public static partial class Subprocess
{
    /// <summary>
    /// Python's <c>asyncio.subprocess.Process</c> (nested, as in Python, so it does not hide System.Diagnostics.Process): a child started by <c>create_subprocess_exec</c> or
    /// <c>create_subprocess_shell</c>, with stream access to its pipes.
    /// </summary>
    public class Process
    {
        private readonly BaseSubprocessTransport _transport;

        /// <summary>Python's <c>Process(transport, protocol, loop)</c>; the loop is only Python's debug logging's.</summary>
        public Process(SubprocessTransport transport, SubprocessStreamProtocol protocol, AbstractEventLoop loop)
        {
            _transport = (BaseSubprocessTransport)transport;
            Stdin = protocol.Stdin;
            Stdout = protocol.Stdout;
            Stderr = protocol.Stderr;
            Pid = transport.GetPid();
        }

        /// <summary>Python's <c>stdin</c>: a <see cref="StreamWriter"/> if stdin is PIPE.</summary>
        public StreamWriter? Stdin { get; }

        /// <summary>Python's <c>stdout</c>: a <see cref="StreamReader"/> if stdout is PIPE.</summary>
        public StreamReader? Stdout { get; }

        /// <summary>Python's <c>stderr</c>: a <see cref="StreamReader"/> if stderr is PIPE.</summary>
        public StreamReader? Stderr { get; }

        /// <summary>Python's <c>pid</c>.</summary>
        public int Pid { get; }

        /// <inheritdoc />
        public override string ToString() => $"<{nameof(Process)} {Pid}>";

        /// <summary>Python's <c>returncode</c>: null while the child runs; negative N if signal N killed it.</summary>
        public int? Returncode => _transport.GetReturncode();

        /// <summary>Python's <c>wait()</c>: waits for the child to exit; returns its return code.</summary>
        public Coroutine<int> Wait() => _transport.Wait();

        /// <summary>Python's <c>send_signal(signal)</c>.</summary>
        public void SendSignal(int signal) => _transport.SendSignal(signal);

        /// <summary>Python's <c>terminate()</c>: SIGTERM.</summary>
        public void Terminate() => _transport.Terminate();

        /// <summary>Python's <c>kill()</c>: SIGKILL.</summary>
        public void Kill() => _transport.Kill();

        /// <summary>Python's <c>_feed_stdin(input)</c>: writes, drains (a closed pipe is not an error), closes stdin.</summary>
        private async Coroutine<byte[]?> FeedStdin(byte[] input)
        {
            try
            {
                Stdin!.Write(input);
                await Stdin.Drain();
            }
            catch (Exception exc) when (exc is BrokenPipeError or ConnectionResetError)
            {
                // The child exited or closed its stdin: what it did not read is its choice, as in Python.
            }
            Stdin!.Close();
            return null;
        }

        /// <summary>Python's <c>_read_stream(fd)</c>: reads to EOF, then closes the pipe transport.</summary>
        private async Coroutine<byte[]?> ReadStream(int fd)
        {
            var transport = _transport.GetPipeTransport(fd)!;
            var stream = fd == 2 ? Stderr! : Stdout!;
            var output = await stream.Read();
            transport.Close();
            return output;
        }

    #pragma warning disable CS1998 // Python's _noop: an async def returning None.
        private static async Coroutine<byte[]?> Noop() => null;
    #pragma warning restore CS1998

        /// <summary>
        /// Python's <c>communicate(input=None)</c>: sends <paramref name="input"/> to stdin (then closes it), reads stdout
        /// and stderr to EOF, waits for the child; returns (stdout, stderr), null for a stream that is not a pipe.
        /// </summary>
        public async Coroutine<(byte[]? Stdout, byte[]? Stderr)> Communicate(byte[]? input = null)
        {
            var stdin = input is not null ? FeedStdin(input) : Noop();
            var stdout = Stdout is not null ? ReadStream(1) : Noop();
            var stderr = Stderr is not null ? ReadStream(2) : Noop();
            var results = await Asyncio.Gather<byte[]?>([stdin, stdout, stderr]);
            await Wait();
            return (results[1], results[2]);
        }
    }
}

using System.Collections.Generic;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.create_subprocess_shell(cmd, stdin=None, stdout=None, stderr=None, limit=_DEFAULT_LIMIT, **kwds)</c>:
    /// runs <paramref name="cmd"/> with /bin/sh. stdin/stdout/stderr: <see cref="Subprocess.PIPE"/>,
    /// <see cref="Subprocess.DEVNULL"/>, <see cref="Subprocess.STDOUT"/> (stderr), a file descriptor, or null to inherit.
    /// </summary>
    public static async Coroutine<Subprocess.Process> CreateSubprocessShell(string cmd, int? stdin = null, int? stdout = null,
        int? stderr = null, int limit = _DEFAULT_LIMIT, string? cwd = null, IDictionary<string, string>? env = null,
        bool startNewSession = false)
    {
        var loop = GetRunningLoop();
        var (transport, protocol) = await loop.SubprocessShell(() => new SubprocessStreamProtocol(limit, loop), cmd,
            stdin, stdout, stderr, cwd, env, startNewSession);
        return new Subprocess.Process(transport, (SubprocessStreamProtocol)protocol, loop);
    }

    /// <summary>
    /// Python's <c>asyncio.create_subprocess_exec(program, *args, stdin=None, stdout=None, stderr=None, limit=_DEFAULT_LIMIT, **kwds)</c>:
    /// runs <paramref name="program"/> (looked up in PATH) with <paramref name="args"/> (Python's <c>*args</c>).
    /// </summary>
    public static async Coroutine<Subprocess.Process> CreateSubprocessExec(string program, IEnumerable<string>? args = null,
        int? stdin = null, int? stdout = null, int? stderr = null, int limit = _DEFAULT_LIMIT, string? cwd = null,
        IDictionary<string, string>? env = null, bool startNewSession = false)
    {
        var loop = GetRunningLoop();
        var (transport, protocol) = await loop.SubprocessExec(() => new SubprocessStreamProtocol(limit, loop), program,
            args, stdin, stdout, stderr, cwd, env, startNewSession);
        return new Subprocess.Process(transport, (SubprocessStreamProtocol)protocol, loop);
    }
}

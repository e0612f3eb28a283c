using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseEventLoop.subprocess_shell</c>/<c>subprocess_exec</c> (base_events.py).</summary>
public abstract partial class BaseEventLoop
{
    /// <inheritdoc />
    public override async Coroutine<(SubprocessTransport Transport, BaseProtocol Protocol)> SubprocessShell(
        Func<BaseProtocol> protocolFactory, string cmd, int? stdin = Subprocess.PIPE, int? stdout = Subprocess.PIPE,
        int? stderr = Subprocess.PIPE, string? cwd = null, IDictionary<string, string>? env = null,
        bool startNewSession = false)
    {
        if (cmd is null)
        {
            throw new ValueError("cmd must be a string");
        }
        var protocol = protocolFactory();
        var transport = await MakeSubprocessTransport(protocol, ["/bin/sh", "-c", cmd], stdin, stdout, stderr, cwd, env, startNewSession);
        return (transport, protocol);
    }

    /// <inheritdoc />
    public override async Coroutine<(SubprocessTransport Transport, BaseProtocol Protocol)> SubprocessExec(
        Func<BaseProtocol> protocolFactory, string program, IEnumerable<string>? args = null, int? stdin = Subprocess.PIPE,
        int? stdout = Subprocess.PIPE, int? stderr = Subprocess.PIPE, string? cwd = null, IDictionary<string, string>? env = null,
        bool startNewSession = false)
    {
        string[] popenArgs = [program, .. args ?? []];
        var protocol = protocolFactory();
        var transport = await MakeSubprocessTransport(protocol, popenArgs, stdin, stdout, stderr, cwd, env, startNewSession);
        return (transport, protocol);
    }

    /// <summary>Python's <c>_make_subprocess_transport(...)</c>: starts the child; the loop's platform part implements it.</summary>
    private protected virtual Coroutine<SubprocessTransport> MakeSubprocessTransport(BaseProtocol protocol, string[] args,
        int? stdin, int? stdout, int? stderr, string? cwd, IDictionary<string, string>? env, bool startNewSession) =>
        throw new NotImplementedException();
}

using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>Python's <c>_UnixSelectorEventLoop._make_subprocess_transport</c> (unix_events.py).</summary>
public partial class SelectorEventLoop
{
    private protected override async Coroutine<SubprocessTransport> MakeSubprocessTransport(BaseProtocol protocol,
        string[] args, int? stdin, int? stdout, int? stderr, string? cwd, IDictionary<string, string>? env,
        bool startNewSession)
    {
        var waiter = CreateFuture();
        var transp = new UnixSubprocessTransport(this, protocol, args, stdin, stdout, stderr, cwd, env, startNewSession, waiter);
        try
        {
            await waiter;
        }
        catch (Exception)
        {
            transp.Close();
            await transp.Wait();
            throw;
        }
        return transp;
    }
}

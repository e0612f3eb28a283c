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
        if (Asyncio.GetEventLoopPolicy().SubprocessChildWatcher() is not { } watcherContext)
        {
            return await StartSubprocess(null, protocol, args, stdin, stdout, stderr, cwd, env, startNewSession);
        }
        // Python's `with events.get_child_watcher() as watcher:`.
        var watcher = watcherContext.Enter();
        UnixSubprocessTransport transp;
        try
        {
            if (!watcher.IsActive())
            {
                // Raising before the process starts keeps it from running unwatched.
                throw new RuntimeError("asyncio.get_child_watcher() is not activated, subprocess support is not installed.");
            }
            transp = await StartSubprocess(watcher, protocol, args, stdin, stdout, stderr, cwd, env, startNewSession);
        }
        catch (Exception exc)
        {
            watcherContext.Exit(exc);
            throw;
        }
        watcherContext.Exit(null);
        return transp;
    }

    /// <summary>
    /// Starts the child and waits for its pipes; the child's exit is watched by <paramref name="watcher"/>, or by the
    /// transport itself through a pidfd when there is none.
    /// </summary>
    private async Coroutine<UnixSubprocessTransport> StartSubprocess(AbstractChildWatcher? watcher, BaseProtocol protocol,
        string[] args, int? stdin, int? stdout, int? stderr, string? cwd, IDictionary<string, string>? env,
        bool startNewSession)
    {
        var waiter = CreateFuture();
        var transp = new UnixSubprocessTransport(this, protocol, args, stdin, stdout, stderr, cwd, env, startNewSession,
            waiter, watchExit: watcher is null);
        watcher?.AddChildHandler(transp.GetPid(), (_, returncode) => ChildWatcherCallback(returncode, transp));
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

    /// <summary>Python's <c>_child_watcher_callback(pid, returncode, transp)</c>: may run on any thread.</summary>
    private void ChildWatcherCallback(int returncode, UnixSubprocessTransport transp) =>
        // Skip one iteration for callbacks to be executed.
        CallSoonThreadsafe(() => CallSoon(() => transp.ChildReaped(returncode)));
}

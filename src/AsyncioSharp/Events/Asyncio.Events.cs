using System;

namespace AsyncioSharp;

/// <summary>
/// The module-level functions of Python's <c>asyncio</c> package (<c>asyncio.run</c> is <c>Asyncio.Run</c>);
/// this part holds those of <c>asyncio.events</c>.
/// </summary>
public static partial class Asyncio
{
    [ThreadStatic] private static AbstractEventLoop? t_runningLoop;
    private static AbstractEventLoopPolicy? s_policy;
    private static readonly object PolicyLock = new();

    /// <summary>Python's <c>get_running_loop()</c>: raises <see cref="RuntimeError"/>('no running event loop') outside a running loop.</summary>
    public static AbstractEventLoop GetRunningLoop() =>
        t_runningLoop ?? throw new RuntimeError("no running event loop");

    /// <summary>Python's <c>_get_running_loop()</c>: the running loop of this thread, or null.</summary>
    public static AbstractEventLoop? _GetRunningLoop() => t_runningLoop;

    /// <summary>Python's <c>_set_running_loop(loop)</c>.</summary>
    public static void _SetRunningLoop(AbstractEventLoop? loop) => t_runningLoop = loop;

    /// <summary>
    /// Python's <c>get_event_loop()</c>: the running loop, or else the policy's loop for this thread
    /// (created on first use when none was ever set).
    /// </summary>
    public static AbstractEventLoop GetEventLoop() => t_runningLoop ?? GetEventLoopPolicy().GetEventLoop();

    /// <summary>Python's <c>set_event_loop(loop)</c>.</summary>
    public static void SetEventLoop(AbstractEventLoop? loop) => GetEventLoopPolicy().SetEventLoop(loop);

    /// <summary>Python's <c>new_event_loop()</c>.</summary>
    public static AbstractEventLoop NewEventLoop() => GetEventLoopPolicy().NewEventLoop();

    /// <summary>Python's <c>get_event_loop_policy()</c>.</summary>
    public static AbstractEventLoopPolicy GetEventLoopPolicy()
    {
        lock (PolicyLock)
        {
            return s_policy ??= new DefaultEventLoopPolicy();
        }
    }

    /// <summary>Python's <c>set_event_loop_policy(policy)</c>; null restores the default policy.</summary>
    public static void SetEventLoopPolicy(AbstractEventLoopPolicy? policy)
    {
        lock (PolicyLock)
        {
            s_policy = policy;
        }
    }

    /// <summary>Python's <c>get_child_watcher()</c>: the current policy's child watcher.</summary>
    public static AbstractChildWatcher GetChildWatcher() => GetEventLoopPolicy().GetChildWatcher();

    /// <summary>Python's <c>set_child_watcher(watcher)</c>: sets the current policy's child watcher.</summary>
    public static void SetChildWatcher(AbstractChildWatcher? watcher) => GetEventLoopPolicy().SetChildWatcher(watcher);
}

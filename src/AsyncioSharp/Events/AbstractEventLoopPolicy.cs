using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.AbstractEventLoopPolicy</c>: decides which loop each context gets. As in Python, every
/// method raises <see cref="NotImplementedException"/> until a subclass implements it.
/// </summary>
public class AbstractEventLoopPolicy
{
    /// <summary>Python's <c>get_event_loop()</c>: the loop for the current context.</summary>
    public virtual AbstractEventLoop GetEventLoop() => throw new NotImplementedException();

    /// <summary>Python's <c>set_event_loop(loop)</c>.</summary>
    public virtual void SetEventLoop(AbstractEventLoop? loop) => throw new NotImplementedException();

    /// <summary>Python's <c>new_event_loop()</c>.</summary>
    public virtual AbstractEventLoop NewEventLoop() => throw new NotImplementedException();

    /// <summary>Python's <c>get_child_watcher()</c>: the watcher that reports the end of child processes.</summary>
    public virtual AbstractChildWatcher GetChildWatcher() => throw new NotImplementedException();

    /// <summary>Python's <c>set_child_watcher(watcher)</c>.</summary>
    public virtual void SetChildWatcher(AbstractChildWatcher? watcher) => throw new NotImplementedException();

    /// <summary>
    /// The watcher subprocesses are registered with, or null to let the loop watch its children itself (through a
    /// pidfd, as CPython 3.12's default does). Python's loop always asks <c>get_child_watcher()</c>: so does this,
    /// except that a policy without child watchers (NotImplementedError in Python) leaves the loop to do it.
    /// </summary>
    internal virtual AbstractChildWatcher? SubprocessChildWatcher()
    {
        try
        {
            return GetChildWatcher();
        }
        catch (NotImplementedException)
        {
            return null;
        }
    }
}

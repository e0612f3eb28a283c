using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.DefaultEventLoopPolicy</c> (on Unix, <c>_UnixDefaultEventLoopPolicy</c>): selector loops, and a
/// child watcher. Until a watcher is set (or <see cref="GetChildWatcher"/> creates the default
/// <see cref="ThreadedChildWatcher"/>), each loop watches its children through a pidfd, as CPython 3.12 does by default.
/// </summary>
public class DefaultEventLoopPolicy : BaseDefaultEventLoopPolicy
{
    private readonly object _lock = new();
    private AbstractChildWatcher? _watcher;

    /// <inheritdoc />
    public override AbstractEventLoop NewEventLoop() => new SelectorEventLoop();

    /// <summary>
    /// Python's <c>set_event_loop(loop)</c>: also attaches the child watcher, if one was set, to the loop when called
    /// from the process's main thread.
    /// </summary>
    public override void SetEventLoop(AbstractEventLoop? loop)
    {
        base.SetEventLoop(loop);
        if (_watcher is { } watcher && Libc.IsMainThread())
        {
            watcher.AttachLoop(loop);
        }
    }

    /// <summary>Python's <c>get_child_watcher()</c>: the watcher set, else a new <see cref="ThreadedChildWatcher"/>, kept.</summary>
    public override AbstractChildWatcher GetChildWatcher()
    {
        lock (_lock)
        {
            return _watcher ??= new ThreadedChildWatcher();
        }
    }

    /// <summary>Python's <c>set_child_watcher(watcher)</c>: closes the previous watcher.</summary>
    public override void SetChildWatcher(AbstractChildWatcher? watcher)
    {
        _watcher?.Close();
        _watcher = watcher;
    }

    /// <summary>Python's <c>policy._watcher</c>: the watcher set or created so far; none means the loop watches its children itself.</summary>
    internal override AbstractChildWatcher? SubprocessChildWatcher() => _watcher;
}

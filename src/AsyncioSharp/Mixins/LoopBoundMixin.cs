using System.Runtime.CompilerServices;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>mixins._LoopBoundMixin</c>: an object (a lock, a queue) that binds itself to the loop running
/// the first time it needs one, and refuses any other loop afterwards.
/// </summary>
public abstract class LoopBoundMixin
{
    private static readonly object GlobalLock = new();
    private AbstractEventLoop? _loop;

    /// <summary>Only the asyncio primitives derive from it.</summary>
    private protected LoopBoundMixin() { }

    /// <summary>
    /// Python's <c>_get_loop()</c>: the running loop, which becomes this object's loop if it has none yet;
    /// <see cref="RuntimeError"/>('... is bound to a different event loop') for any other loop.
    /// </summary>
    private protected AbstractEventLoop GetLoop()
    {
        var loop = Asyncio._GetRunningLoop();
        if (_loop is null)
        {
            lock (GlobalLock)
            {
                _loop ??= loop;
            }
        }
        if (!ReferenceEquals(loop, _loop))
        {
            throw new RuntimeError($"{this} is bound to a different event loop");
        }
        return loop!;
    }

    /// <summary>Python's default repr, <c>&lt;module.Class object at 0x...&gt;</c>, to which the primitives add their state.</summary>
    private protected string ReprWith(string extra) =>
        $"<{GetType().FullName} object at 0x{RuntimeHelpers.GetHashCode(this):x} [{extra}]>";
}

using System;
using System.Threading.Tasks;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>locks._ContextManagerMixin</c>: <c>async with lock:</c> acquires on entry and releases on exit.
/// In C#: <c>await using (await lock.AEnter()) { ... }</c>, or the explicit <see cref="AEnter"/>/<see cref="AExit"/> pair.
/// </summary>
public abstract class ContextManagerMixin : LoopBoundMixin, IAsyncDisposable
{
    private protected ContextManagerMixin() { }

    /// <summary>Python's <c>acquire()</c>.</summary>
    public abstract Coroutine<bool> Acquire();

    /// <summary>Python's <c>release()</c>.</summary>
    public abstract void Release();

    /// <summary>
    /// Python's <c>__aenter__()</c>: acquires. Python's returns None; this returns the primitive itself, so that
    /// <c>await using (await x.AEnter())</c> releases it when the block ends.
    /// </summary>
    public async Coroutine<IAsyncDisposable> AEnter()
    {
        await Acquire();
        return this;
    }

    /// <summary>Python's <c>__aexit__(exc_type, exc, tb)</c>: releases; never suppresses <paramref name="exc"/> (returns false).</summary>
#pragma warning disable CS1998 // Python's __aexit__ here is an async def without an await: it runs when awaited.
    public async Coroutine<bool> AExit(Exception? exc = null)
    {
        Release();
        return false;
    }
#pragma warning restore CS1998

    /// <summary>The end of an <c>await using</c> block: Python's <c>__aexit__</c>, which releases.</summary>
    public ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }
}

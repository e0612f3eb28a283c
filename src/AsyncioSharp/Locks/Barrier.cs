using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Barrier</c>: a fixed number of tasks wait until all of them have arrived, then all go on.
/// <c>async with barrier as index:</c> is <c>var index = await barrier.AEnter(); try { ... } finally { await barrier.AExit(); }</c>.
/// </summary>
public class Barrier : LoopBoundMixin
{
    /// <summary>Python's <c>_BarrierState</c>.</summary>
    private enum BarrierState { Filling, Draining, Resetting, Broken }

    private readonly Condition _cond = new();
    private readonly int _parties;
    private BarrierState _state = BarrierState.Filling;
    private int _count;

    /// <summary>Python's <c>Barrier(parties)</c>; <see cref="ValueError"/>('parties must be > 0') below one.</summary>
    public Barrier(int parties)
    {
        if (parties < 1)
        {
            throw new ValueError("parties must be > 0");
        }
        _parties = parties;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var extra = _state.ToString().ToLowerInvariant();
        if (!Broken)
        {
            extra += $", waiters:{NWaiting}/{Parties}";
        }
        return ReprWith(extra);
    }

    /// <summary>Python's <c>__aenter__()</c>: waits at the barrier; returns this task's index.</summary>
    public Coroutine<int> AEnter() => Wait();

    /// <summary>Python's <c>__aexit__(*args)</c>: nothing to do; never suppresses <paramref name="exc"/>.</summary>
#pragma warning disable CS1998 // Python's __aexit__ here is an async def that does nothing.
    public async Coroutine<bool> AExit(Exception? exc = null) => false;
#pragma warning restore CS1998

    /// <summary>
    /// Python's <c>wait()</c>: returns once <see cref="Parties"/> tasks wait, each with its own index from 0 to
    /// parties-1; <see cref="BrokenBarrierError"/> if the barrier is broken or reset meanwhile.
    /// </summary>
    public async Coroutine<int> Wait()
    {
        await using (await _cond.AEnter())
        {
            await Block();
            try
            {
                var index = _count;
                _count++;
                if (index + 1 == _parties)
                {
                    Release();
                }
                else
                {
                    await WaitReleased();
                }
                return index;
            }
            finally
            {
                _count--;
                Exit();
            }
        }
    }

    /// <summary>Python's <c>_block()</c>: waits while the barrier drains or resets; raises if it is broken.</summary>
    private async Coroutine Block()
    {
        await _cond.WaitFor(() => _state is not (BarrierState.Draining or BarrierState.Resetting));
        if (_state == BarrierState.Broken)
        {
            throw new BrokenBarrierError("Barrier aborted");
        }
    }

    /// <summary>Python's <c>_release()</c>: the last party arrived; start draining.</summary>
    private void Release()
    {
        _state = BarrierState.Draining;
        _cond.NotifyAll();
    }

    /// <summary>Python's <c>_wait()</c>: waits for the end of filling; raises if the barrier was reset or broken.</summary>
    private async Coroutine WaitReleased()
    {
        await _cond.WaitFor(() => _state != BarrierState.Filling);
        if (_state is BarrierState.Broken or BarrierState.Resetting)
        {
            throw new BrokenBarrierError("Abort or reset of barrier");
        }
    }

    /// <summary>Python's <c>_exit()</c>: the last task out lets the barrier fill again.</summary>
    private void Exit()
    {
        if (_count == 0)
        {
            if (_state is BarrierState.Resetting or BarrierState.Draining)
            {
                _state = BarrierState.Filling;
            }
            _cond.NotifyAll();
        }
    }

    /// <summary>Python's <c>reset()</c>: back to the initial state; current waiters get <see cref="BrokenBarrierError"/>.</summary>
    public async Coroutine Reset()
    {
        await using (await _cond.AEnter())
        {
            if (_count > 0)
            {
                _state = BarrierState.Resetting;
            }
            else
            {
                _state = BarrierState.Filling;
            }
            _cond.NotifyAll();
        }
    }

    /// <summary>Python's <c>abort()</c>: breaks the barrier; current and future waiters get <see cref="BrokenBarrierError"/>.</summary>
    public async Coroutine Abort()
    {
        await using (await _cond.AEnter())
        {
            _state = BarrierState.Broken;
            _cond.NotifyAll();
        }
    }

    /// <summary>Python's <c>_count</c>: the tasks inside the barrier, for tests.</summary>
    internal int Count => _count;

    /// <summary>Python's <c>parties</c>.</summary>
    public int Parties => _parties;

    /// <summary>Python's <c>n_waiting</c>: the tasks waiting while the barrier fills.</summary>
    public int NWaiting => _state == BarrierState.Filling ? _count : 0;

    /// <summary>Python's <c>broken</c>.</summary>
    public bool Broken => _state == BarrierState.Broken;
}

using System;
using System.Collections.Generic;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.staggered.staggered_race(coro_fns, delay, *, loop=None)</c> (RFC 8305's happy eyeballs):
    /// starts the coroutines one after another, each <paramref name="delay"/> seconds after the previous one started
    /// or as soon as it failed; the first to succeed wins and the others are cancelled. Returns the winner's result
    /// and index (null if none won) and each started attempt's exception (null for the winner and the cancelled).
    /// Unlike Python 3.11, it returns only after the losers have finished, and a late success that lost the race is
    /// disposed (a connected socket is closed), so nothing is left behind.
    /// </summary>
    public static async Coroutine<(T? WinnerResult, int? WinnerIndex, List<Exception?> Exceptions)> StaggeredRace<T>(
        IEnumerable<Func<Coroutine<T>>> coroFns, double? delay, AbstractEventLoop? loop = null)
    {
        var race = new StaggeredRaceState<T>((BaseEventLoop)(loop ?? GetRunningLoop()), coroFns, delay);
        return await race.Run();
    }
}

/// <summary>The running state of one <see cref="Asyncio.StaggeredRace{T}"/>.</summary>
internal sealed class StaggeredRaceState<T>
{
    private readonly BaseEventLoop _loop;
    private readonly IEnumerator<Func<Coroutine<T>>> _coroFns;
    private readonly double? _delay;
    private readonly List<AsyncioTask> _running = new();
    private readonly List<Exception?> _exceptions = new();
    private T? _winnerResult;
    private int? _winnerIndex;
    private bool _more = true;
    private bool _latestFailed;
    private Future? _wakeup;

    internal StaggeredRaceState(BaseEventLoop loop, IEnumerable<Func<Coroutine<T>>> coroFns, double? delay)
    {
        _loop = loop;
        _coroFns = coroFns.GetEnumerator();
        _delay = delay;
    }

    internal async Coroutine<(T? WinnerResult, int? WinnerIndex, List<Exception?> Exceptions)> Run()
    {
        try
        {
            StartNext();
            while (_winnerIndex is null && (_more || _running.Exists(t => !t.Done())))
            {
                if (_more && _latestFailed)
                {
                    StartNext();
                    continue;
                }
                var wakeup = _wakeup = _loop.CreateFuture();
                var timedOut = false;
                TimerHandle? timer = null;
                if (_more && _delay is { } delay)
                {
                    timer = _loop.CallLater(delay, () =>
                    {
                        timedOut = true;
                        Futures.SetResultUnlessCancelled(wakeup, null);
                    });
                }
                try
                {
                    await wakeup;
                }
                finally
                {
                    timer?.Cancel();
                    _wakeup = null;
                }
                if (timedOut && _more && _winnerIndex is null)
                {
                    StartNext();
                }
            }
            return (_winnerResult, _winnerIndex, _exceptions);
        }
        finally
        {
            foreach (var task in _running)
            {
                task.Cancel();
            }
            await WaitAllDone();
        }
    }

    private void StartNext()
    {
        _latestFailed = false;
        if (!_coroFns.MoveNext())
        {
            _more = false;
            return;
        }
        var index = _running.Count;
        _exceptions.Add(null);
        var task = _loop.CreateTask(RunOne(index, _coroFns.Current));
        task.AddDoneCallback(_ => Wake());
        _running.Add(task);
    }

    private async Coroutine RunOne(int index, Func<Coroutine<T>> coroFn)
    {
        T result;
        try
        {
            result = await coroFn();
        }
        catch (Exception exc)
        {
            _exceptions[index] = exc;
            if (index == _running.Count - 1)
            {
                _latestFailed = true;
            }
            return;
        }
        if (_winnerIndex is not null)
        {
            // Lost the race after succeeding: the result is nobody's.
            (result as IDisposable)?.Dispose();
            return;
        }
        _winnerIndex = index;
        _winnerResult = result;
        for (var i = 0; i < _running.Count; i++)
        {
            if (i != index)
            {
                _running[i].Cancel();
            }
        }
    }

    private void Wake()
    {
        if (_wakeup is { } wakeup && !wakeup.Done())
        {
            wakeup.SetResult(null);
        }
    }

    private async Coroutine WaitAllDone()
    {
        while (_running.Find(t => !t.Done()) is { } pending)
        {
            var done = _loop.CreateFuture();
            pending.AddDoneCallback(_ => Futures.SetResultUnlessCancelled(done, null));
            await done;
        }
    }
}

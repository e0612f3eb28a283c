namespace AsyncioSharp;

/// <summary>
/// The coroutine of Python's <c>asyncio.sleep(delay, result=None)</c>, written by hand rather than as an async
/// method: <c>sleep(0)</c> is the loop's context switch and must cost one step, nothing more.
/// </summary>
internal sealed class SleepCoroutine<T> : Coroutine<T>
{
    private readonly double _delay;
    private readonly T _result;
    private Future? _future;
    private TimerHandle? _timer;
    private bool _suspended;

    public SleepCoroutine(double delay, T result)
    {
        _delay = delay;
        _result = result;
    }

    private protected override void MoveNext()
    {
        if (!_suspended)
        {
            _suspended = true;
            if (_delay <= 0)
            {
                // Python's bare yield: give up the loop for exactly one iteration.
                AwaitYield();
                return;
            }
            var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
            _future = loop.CreateFuture();
            _timer = loop.CallAtCore(loop.Time() + _delay, static f => Futures.SetResultUnlessCancelled((Future)f!, null), _future);
            AwaitFuture(_future);
            return;
        }
        _timer?.Cancel();
        try
        {
            if (_future is not null)
            {
                _future.GetResult();
            }
            else
            {
                AsyncioTask.ThrowIfCancelPending();
            }
        }
        catch (System.Exception exc)
        {
            Complete(exc);
            return;
        }
        Complete(_result);
    }
}

using System.Collections.Generic;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.as_completed(fs, *, timeout=None)</c>: coroutines to await one after the other, each giving
    /// the result (or raising the exception) of the next awaitable of <paramref name="fs"/> to finish. Past the
    /// timeout, awaiting one raises <see cref="TimeoutError"/>. Like Python's generator, nothing starts before the
    /// enumeration does.
    /// </summary>
    public static IEnumerable<Coroutine<object?>> AsCompleted(IEnumerable<IAwaitable> fs, double? timeout = null)
    {
        var loop = (BaseEventLoop)GetEventLoop();
        var todo = new HashSet<Future>(ReferenceEqualityComparer.Instance);
        foreach (var f in new HashSet<IAwaitable>(fs, ReferenceEqualityComparer.Instance))
        {
            todo.Add(EnsureFuture(f, loop));
        }
        var done = new CompletionQueue(loop);
        TimerHandle? timeoutHandle = null;

        void OnCompletion(Future f)
        {
            if (todo.Count == 0)
            {
                // The timeout was here first.
                return;
            }
            todo.Remove(f);
            done.Put(f);
            if (todo.Count == 0)
            {
                timeoutHandle?.Cancel();
            }
        }

        System.Action<Future> onCompletion = OnCompletion;

        void OnTimeout()
        {
            foreach (var f in todo)
            {
                f.RemoveDoneCallback(onCompletion);
                // A null entry tells a waiting coroutine that the time is up.
                done.Put(null);
            }
            todo.Clear();
        }

        foreach (var f in todo)
        {
            f.AddDoneCallback(onCompletion);
        }
        if (todo.Count > 0 && timeout is { } delay)
        {
            timeoutHandle = loop.CallLater(delay, OnTimeout);
        }
        var count = todo.Count;
        for (var i = 0; i < count; i++)
        {
            yield return WaitForOne(done);
        }
    }

    /// <summary>Python's <c>as_completed(fs, *, timeout=None)</c>, typed.</summary>
    public static IEnumerable<Coroutine<T>> AsCompleted<T>(IEnumerable<IAwaitable<T>> fs, double? timeout = null)
    {
        foreach (var coro in AsCompleted((IEnumerable<IAwaitable>)fs, timeout))
        {
            yield return Typed<T>(coro);
        }
    }

    private static async Coroutine<T> Typed<T>(Coroutine<object?> coro) => (T)(await coro)!;

    private static async Coroutine<object?> WaitForOne(CompletionQueue done)
    {
        var f = await done.Get();
        if (f is null)
        {
            throw new TimeoutError();
        }
        return f.Result();
    }

    /// <summary>The unbounded queue of finished futures <c>as_completed</c> keeps (an <c>asyncio.Queue</c> in Python).</summary>
    private sealed class CompletionQueue
    {
        private readonly BaseEventLoop _loop;
        private readonly Queue<Future?> _items = new();
        private readonly LinkedList<Future> _getters = new();

        public CompletionQueue(BaseEventLoop loop) => _loop = loop;

        public void Put(Future? item)
        {
            _items.Enqueue(item);
            WakeupNext();
        }

        public async Coroutine<Future?> Get()
        {
            while (_items.Count == 0)
            {
                var getter = _loop.CreateFuture();
                var node = _getters.AddLast(getter);
                try
                {
                    await getter;
                }
                catch
                {
                    if (node.List is not null)
                    {
                        _getters.Remove(node);
                    }
                    if (_items.Count > 0 && !getter.Cancelled())
                    {
                        // Woken and then cancelled: pass the wake-up on.
                        WakeupNext();
                    }
                    throw;
                }
            }
            return _items.Dequeue();
        }

        private void WakeupNext()
        {
            while (_getters.First is { } first)
            {
                _getters.RemoveFirst();
                if (!first.Value.Done())
                {
                    first.Value.SetResult(null);
                    return;
                }
            }
        }
    }
}

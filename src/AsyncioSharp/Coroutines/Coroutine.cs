using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace AsyncioSharp;

/// <summary>
/// Python's coroutine object. A C# method declared <c>async Coroutine</c> or <c>async Coroutine&lt;T&gt;</c> is an
/// asyncio coroutine: calling it runs nothing; a <see cref="AsyncioTask"/> runs it (or another coroutine awaits it,
/// which runs it inside the awaiting one's task), resuming it on the loop's thread. A coroutine runs once:
/// awaiting it again raises <see cref="RuntimeError"/>: 'coroutine is being awaited already'
/// while it runs, 'cannot reuse already awaited coroutine' after.
/// </summary>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder))]
public abstract class Coroutine : IAwaitable, ICriticalNotifyCompletion
{
    private enum State : byte { Created, Running, Done }

    private State _state;
    private Exception? _exception;
    private Coroutine? _awaitingCoroutine;
    private Action? _continuation;

    /// <summary>Runs the coroutine until its next suspension or its end.</summary>
    internal void Step()
    {
        _state = State.Running;
        MoveNext();
    }

    /// <summary>Runs the body until its next suspension point or its end (a state machine's <c>MoveNext</c>).</summary>
    private protected abstract void MoveNext();

    internal bool IsStarted => _state != State.Created;

    /// <summary>True once the body returned or raised.</summary>
    public bool IsCompleted => _state == State.Done;

    internal Exception? Error => _exception;

    internal abstract object? ResultObject { get; }

    /// <summary>Ends the coroutine with an exception before it ran (Python: <c>coro.throw(exc)</c> on a new coroutine).</summary>
    internal void ThrowBeforeStart(Exception exc) => Complete(exc);

    private protected void Complete(Exception? exception)
    {
        _exception = exception;
        _state = State.Done;
        if (_awaitingCoroutine is { } outer)
        {
            _awaitingCoroutine = null;
            outer.MoveNext();
        }
        else if (_continuation is { } continuation)
        {
            _continuation = null;
            continuation();
        }
    }

    /// <summary>Suspends this coroutine's task until <paramref name="future"/> is done, then resumes this coroutine.</summary>
    private protected void AwaitFuture(Future future)
    {
        if (AsyncioTask.Current is { } task)
        {
            task.Suspend(future, this);
        }
        else
        {
            future.UnsafeOnCompleted(MoveNext);
        }
    }

    /// <summary>Suspends this coroutine's task for one loop iteration (Python's bare <c>yield</c> in <c>sleep(0)</c>).</summary>
    private protected void AwaitYield()
    {
        if (AsyncioTask.Current is { } task)
        {
            task.SuspendOneIteration(this);
        }
        else
        {
            Asyncio.GetRunningLoop().CallSoon(MoveNext);
        }
    }

    /// <summary>Suspends this coroutine on something that is not asyncio's (a .NET Task, say): it resumes on the loop's thread.</summary>
    private protected void AwaitForeign<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion
    {
        var loop = Asyncio.GetRunningLoop();
        var task = AsyncioTask.Current;
        Action resume = task is null ? MoveNext : task.SuspendForeign(this);
        if (awaiter is ICriticalNotifyCompletion critical)
        {
            critical.UnsafeOnCompleted(() => loop.CallSoonThreadsafe(resume));
        }
        else
        {
            awaiter.OnCompleted(() => loop.CallSoonThreadsafe(resume));
        }
    }

    /// <summary>Suspends this coroutine until <paramref name="inner"/>, which it awaits and which runs in the same task, ends.</summary>
    private protected void AwaitCoroutine(Coroutine inner) => inner._awaitingCoroutine = this;

    /// <summary>Dispatches an await from a state machine to the matching kind of suspension.</summary>
    private protected void Await<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion
    {
        if (awaiter is Future future)
        {
            AwaitFuture(future);
        }
        else if (awaiter is Coroutine inner)
        {
            AwaitCoroutine(inner);
        }
        else
        {
            AwaitForeign(ref awaiter);
        }
    }

    // The awaiter pattern: awaiting a coroutine starts it at once, inside the awaiting coroutine's task.

    /// <summary>Makes the coroutine awaitable (Python's <c>await coro</c>).</summary>
    public Coroutine GetAwaiter()
    {
        if (_state == State.Running)
        {
            throw new RuntimeError("coroutine is being awaited already");
        }
        if (_state == State.Done)
        {
            throw new RuntimeError("cannot reuse already awaited coroutine");
        }
        Step();
        return this;
    }

    /// <summary>Part of the awaiter pattern: rethrows the exception the body raised.</summary>
    public void GetResult()
    {
        if (_exception is not null)
        {
            ExceptionDispatchInfo.Throw(_exception);
        }
    }

    /// <summary>Part of the awaiter pattern, for awaits from outside asyncio coroutines.</summary>
    public void OnCompleted(Action continuation) => _continuation = continuation;

    /// <summary>Part of the awaiter pattern, for awaits from outside asyncio coroutines.</summary>
    public void UnsafeOnCompleted(Action continuation) => _continuation = continuation;

    /// <summary>Python's <c>repr(coro)</c>: <c>&lt;coroutine object Name&gt;</c> (.NET has no address to show).</summary>
    public override string ToString() => $"<coroutine object {Name}>";

    /// <summary>
    /// Python's <c>coroutines._format_coroutine</c> without the source position .NET cannot give:
    /// <c>Name() running</c> until the body ends (Python says so of a coroutine with a frame), <c>Name() done</c> after.
    /// </summary>
    internal string Format() => _state == State.Done ? $"{Name}() done" : $"{Name}() running";

    /// <summary>The coroutine's name as Python's repr shows it (<c>__qualname__</c>).</summary>
    internal string Name => NameOf(GetType());

    /// <summary>The name of the coroutines of a type: an async method's name (its state machine is "&lt;Method&gt;d__N").</summary>
    internal static string NameOf(Type coroutineType)
    {
        if (coroutineType.IsGenericType && coroutineType.GetGenericTypeDefinition() == typeof(StateMachineCoroutine<,>))
        {
            var name = coroutineType.GetGenericArguments()[1].Name;
            var end = name.IndexOf('>');
            return name.StartsWith('<') && end > 0 ? name[1..end] : name;
        }
        if (coroutineType.IsGenericType && coroutineType.GetGenericTypeDefinition() == typeof(SleepCoroutine<>))
        {
            return "sleep";
        }
        return coroutineType.Name;
    }
}

/// <summary>A coroutine whose result is a <typeparamref name="T"/>: a C# method declared <c>async Coroutine&lt;T&gt;</c>.</summary>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder<>))]
public abstract class Coroutine<T> : Coroutine, IAwaitable<T>
{
    private T _result = default!;

    internal override object? ResultObject => _result;

    private protected void Complete(T result)
    {
        _result = result;
        Complete((Exception?)null);
    }

    /// <summary>Makes the coroutine awaitable with a typed result.</summary>
    public new Coroutine<T> GetAwaiter()
    {
        base.GetAwaiter();
        return this;
    }

    /// <summary>Part of the awaiter pattern: the typed result, or the exception the body raised.</summary>
    public new T GetResult()
    {
        base.GetResult();
        return _result;
    }
}

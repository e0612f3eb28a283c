using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace AsyncioSharp;

/// <summary>The C# compiler's builder for <c>async Coroutine&lt;T&gt;</c> methods: boxes the state machine without running it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder<T>
{
    private StateMachineCoroutine<T>? _coroutine;

    /// <summary>Called by compiler-generated code.</summary>
    public static CoroutineMethodBuilder<T> Create() => default;

    /// <summary>Called by compiler-generated code: the coroutine object the method returns.</summary>
    public Coroutine<T> Task => _coroutine!;

    /// <summary>Called by compiler-generated code: keeps the state machine for a task to run later (coroutines are lazy).</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        var box = new StateMachineCoroutine<T, TStateMachine>();
        _coroutine = box;
        box.StateMachine = stateMachine;
    }

    /// <summary>Called by compiler-generated code.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Called by compiler-generated code when the body returns.</summary>
    public void SetResult(T result) => _coroutine!.Finish(result);

    /// <summary>Called by compiler-generated code when the body raises.</summary>
    public void SetException(Exception exception) => _coroutine!.Fail(exception);

    /// <summary>Called by compiler-generated code at an await that suspends.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
        => _coroutine!.Suspend(ref awaiter);

    /// <summary>Called by compiler-generated code at an await that suspends.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine
        => _coroutine!.Suspend(ref awaiter);
}

/// <summary>The C# compiler's builder for <c>async Coroutine</c> methods (no result).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder
{
    private CoroutineMethodBuilder<object?> _inner;

    /// <summary>Called by compiler-generated code.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>Called by compiler-generated code: the coroutine object the method returns.</summary>
    public Coroutine Task => _inner.Task;

    /// <summary>Called by compiler-generated code.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
        => _inner.Start(ref stateMachine);

    /// <summary>Called by compiler-generated code.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>Called by compiler-generated code when the body returns.</summary>
    public void SetResult() => _inner.SetResult(null);

    /// <summary>Called by compiler-generated code when the body raises.</summary>
    public void SetException(Exception exception) => _inner.SetException(exception);

    /// <summary>Called by compiler-generated code at an await that suspends.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
        => _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Called by compiler-generated code at an await that suspends.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine
        => _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}

using System;
using System.Runtime.CompilerServices;

namespace AsyncioSharp;

/// <summary>The coroutine object of a C# async method: the base its builder talks to.</summary>
internal abstract class StateMachineCoroutine<T> : Coroutine<T>
{
    internal void Finish(T result) => Complete(result);

    internal void Fail(Exception exception) => Complete(exception);

    internal void Suspend<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion => Await(ref awaiter);
}

/// <summary>Holds a compiler-generated state machine, so the coroutine and its state are one allocation.</summary>
internal sealed class StateMachineCoroutine<T, TStateMachine> : StateMachineCoroutine<T>
    where TStateMachine : IAsyncStateMachine
{
    internal TStateMachine StateMachine = default!;

    private protected override void MoveNext() => StateMachine.MoveNext();
}

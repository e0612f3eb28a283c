using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>contextlib.AbstractAsyncContextManager</c>: what <c>async with</c> takes. In C#, <c>async with cm as x:</c>
/// is <c>await cm.Run(async x =&gt; ...)</c>, which passes the body's exception to <see cref="AExit"/> exactly as Python
/// does. <c>await using (var x = await cm.AEnter())</c> works too, but C# gives <c>DisposeAsync</c> no exception:
/// a subclass can only infer a pending cancellation (see docs/naming.md).
/// </summary>
/// <typeparam name="TSelf">The manager's own type: what <see cref="AEnter"/> returns.</typeparam>
public abstract class AbstractAsyncContextManager<TSelf> where TSelf : AbstractAsyncContextManager<TSelf>
{
    /// <summary>Python's <c>__aenter__()</c>.</summary>
    public abstract Coroutine<TSelf> AEnter();

    /// <summary>
    /// Python's <c>__aexit__(exc_type, exc, tb)</c>: <paramref name="exc"/> is the exception leaving the body, or
    /// null; returning true suppresses it.
    /// </summary>
    public abstract Coroutine<bool> AExit(Exception? exc);

    /// <summary>
    /// Python's <c>async with self as x: body(x)</c>: enters, runs the body, exits with the body's exception, and
    /// re-raises that exception unless <see cref="AExit"/> suppresses it.
    /// </summary>
    public async Coroutine Run(Func<TSelf, Coroutine> body)
    {
        await Run<object?>(async x =>
        {
            await body(x);
            return null;
        });
    }

    /// <summary>Python's <c>async with</c> around a body with a result; a suppressed exception gives <c>default</c>.</summary>
    public async Coroutine<TResult> Run<TResult>(Func<TSelf, Coroutine<TResult>> body)
    {
        var self = await AEnter();
        TResult result;
        try
        {
            result = await body(self);
        }
        catch (Exception exc)
        {
            if (await AExit(exc))
            {
                return default!;
            }
            throw;
        }
        await AExit(null);
        return result;
    }

    /// <summary>
    /// The exit of <c>await using</c>: <see cref="AExit"/> with the exception the body is assumed to be raising,
    /// which C# does not tell (null unless the subclass can infer it).
    /// </summary>
    public async Coroutine DisposeAsync()
    {
        await AExit(InferredBodyException());
    }

    /// <summary>The exception <c>await using</c>'s body is presumably raising, when the manager can tell (a pending cancellation).</summary>
    private protected virtual Exception? InferredBodyException() => null;
}

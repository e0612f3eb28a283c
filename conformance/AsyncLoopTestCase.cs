using AsyncioSharp;

namespace AsyncioSharp.Conformance;

/// <summary>
/// The C# side of CPython's <c>unittest.IsolatedAsyncioTestCase</c>: a <see cref="LoopTestCase"/> whose tests
/// are coroutines, run to completion on the test's loop by <see cref="RunAsync"/>.
/// </summary>
public abstract class AsyncLoopTestCase : LoopTestCase
{
    /// <summary>Runs an async test body on the loop (CPython runs <c>async def test_x</c> the same way).</summary>
    protected void RunAsync(Func<Coroutine> body) => Loop.RunUntilComplete(body());

    /// <summary>CPython's <c>assertRaises</c> around an await.</summary>
    protected static async Coroutine<TException> AssertRaisesAsync<TException>(Func<Coroutine> body) where TException : Exception
    {
        try
        {
            await body();
        }
        catch (TException exc)
        {
            return exc;
        }
        throw new Xunit.Sdk.XunitException($"{typeof(TException).Name} not raised");
    }
}

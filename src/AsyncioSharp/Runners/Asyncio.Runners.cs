namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.run(main, *, debug=None)</c>: runs the coroutine on a new loop and closes the loop;
    /// raises <see cref="RuntimeError"/> when called from a running loop.
    /// </summary>
    public static object? Run(Coroutine main, bool? debug = null)
    {
        if (_GetRunningLoop() is not null)
        {
            throw new RuntimeError("asyncio.run() cannot be called from a running event loop");
        }
        using var runner = new Runner(debug);
        return runner.Run(main);
    }

    /// <summary>Python's <c>asyncio.run(main, *, debug=None)</c>, typed.</summary>
    public static T Run<T>(Coroutine<T> main, bool? debug = null) => (T)Run((Coroutine)main, debug)!;
}

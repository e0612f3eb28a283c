using AsyncioSharp;

namespace AsyncioSharp.Tests.LowLevel;

/// <summary>A fresh selector loop for one test, closed at the end.</summary>
internal sealed class LoopScope : IDisposable
{
    public SelectorEventLoop Loop { get; } = new();

    /// <summary>Runs the loop until <paramref name="pred"/> holds, or <paramref name="timeout"/> seconds passed.</summary>
    public void RunUntil(Func<bool> pred, double timeout = 10)
    {
        var deadline = Loop.Time() + timeout;
        while (!pred() && Loop.Time() < deadline)
        {
            Loop.RunUntilComplete(Asyncio.Sleep(0.01));
        }
    }

    public void Dispose() => Loop.Close();
}

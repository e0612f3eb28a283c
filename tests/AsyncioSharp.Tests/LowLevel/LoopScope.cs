using AsyncioSharp;

namespace AsyncioSharp.Tests.LowLevel;

/// <summary>A fresh selector loop for one test, closed at the end.</summary>
internal sealed class LoopScope : IDisposable
{
    public SelectorEventLoop Loop { get; } = new();

    public void Dispose() => Loop.Close();
}

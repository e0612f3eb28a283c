using System;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>Releases the GIL while the loop blocks in epoll, as CPython does around <c>selector.select()</c>.</summary>
internal sealed class GilReleasingHook : IBlockingHook
{
    /// <inheritdoc />
    public object? Enter() => PythonEngine.BeginAllowThreads();

    /// <inheritdoc />
    public void Exit(object? state) => PythonEngine.EndAllowThreads((IntPtr)state!);
}

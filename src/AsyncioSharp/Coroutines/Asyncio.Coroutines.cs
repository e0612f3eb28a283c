using System;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>Python's <c>asyncio.iscoroutine(obj)</c>: true for a coroutine object.</summary>
    public static bool Iscoroutine(object? obj) => obj is Coroutine;

    /// <summary>Python's <c>asyncio.iscoroutinefunction(func)</c>: true for a method that returns a coroutine (an <c>async Coroutine</c> method).</summary>
    public static bool Iscoroutinefunction(Delegate? func) =>
        func is not null && typeof(Coroutine).IsAssignableFrom(func.Method.ReturnType);
}

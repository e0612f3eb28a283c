namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.timeout(delay)</c>: a <see cref="AsyncioSharp.Timeout"/> that fires <paramref name="delay"/>
    /// seconds from now (never if null). Needs a running loop.
    /// </summary>
    public static Timeout Timeout(double? delay)
    {
        var loop = GetRunningLoop();
        return new Timeout(delay is { } d ? loop.Time() + d : null);
    }

    /// <summary>Python's <c>asyncio.timeout_at(when)</c>: a <see cref="AsyncioSharp.Timeout"/> at loop time <paramref name="when"/>.</summary>
    public static Timeout TimeoutAt(double? when) => new(when);
}

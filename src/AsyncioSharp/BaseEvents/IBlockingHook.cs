namespace AsyncioSharp;

/// <summary>
/// Not a Python name: called around each wait for I/O that may block, so a host embedding another runtime
/// releases its lock while the loop sleeps (CPython's GIL, which Python releases around <c>selector.select()</c>).
/// </summary>
public interface IBlockingHook
{
    /// <summary>Called on the loop thread right before the loop may block; the result is passed to <see cref="Exit"/>.</summary>
    object? Enter();

    /// <summary>Called on the loop thread right after the wait; an exception it throws propagates out of <c>run_forever()</c>.</summary>
    void Exit(object? state);
}

namespace AsyncioSharp;

/// <summary>Python's <c>_test_selector_event(selector, fd, event)</c>, for transports' repr.</summary>
public partial class SelectorEventLoop
{
    /// <summary>True if a reader (<paramref name="write"/> false) or writer is registered for <paramref name="fd"/>.</summary>
    internal bool IsPolling(int fd, bool write) =>
        (write ? FdHandles(fd).Writer : FdHandles(fd).Reader) is { } h && !h.Cancelled();
}

namespace AsyncioSharp;

/// <summary>Python's <c>_test_selector_event(selector, fd, event)</c>, for transports' repr.</summary>
public partial class SelectorEventLoop
{
    /// <summary>True if a reader (<paramref name="write"/> false) or writer is registered for <paramref name="fd"/>.</summary>
    internal bool IsPolling(int fd, bool write) =>
        (write ? FdHandles(fd).Writer : FdHandles(fd).Reader) is { } h && !h.Cancelled();

    /// <summary>Python's <c>_selector.get_key(fd).data</c>: the fd's (reader, writer) handles, null if not registered.</summary>
    internal (Handle? Reader, Handle? Writer)? GetKey(int fd) =>
        FdHandles(fd) is var handles && (handles.Reader is not null || handles.Writer is not null) ? handles : null;
}

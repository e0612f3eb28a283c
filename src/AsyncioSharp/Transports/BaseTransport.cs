using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.BaseTransport</c>: the base of all transports.</summary>
public abstract class BaseTransport
{
    private readonly IReadOnlyDictionary<string, object?> _extra;

    /// <summary>Creates a transport whose <see cref="GetExtraInfo"/> answers from <paramref name="extra"/>.</summary>
    protected BaseTransport(IReadOnlyDictionary<string, object?>? extra = null)
    {
        _extra = extra ?? new Dictionary<string, object?>();
    }

    /// <summary>Python's <c>get_extra_info(name, default=None)</c>: transport or socket details ('peername', 'socket', ...).</summary>
    public virtual object? GetExtraInfo(string name, object? @default = null) =>
        _extra.TryGetValue(name, out var value) ? value : @default;

    /// <summary>Python's <c>is_closing()</c>: true if the transport is closing or closed.</summary>
    public virtual bool IsClosing() => throw new NotImplementedException();

    /// <summary>Python's <c>close()</c>: flushes buffered data, then closes; the protocol's connection_lost follows.</summary>
    public virtual void Close() => throw new NotImplementedException();

    /// <summary>Python's <c>set_protocol(protocol)</c>.</summary>
    public virtual void SetProtocol(BaseProtocol protocol) => throw new NotImplementedException();

    /// <summary>Python's <c>_sendfile_compatible</c> class attribute: what loop.sendfile() may do with this transport.</summary>
    internal virtual SendfileMode SendfileCompatible => SendfileMode.Unsupported;

    /// <summary>Python's <c>get_protocol()</c>.</summary>
    public virtual BaseProtocol GetProtocol() => throw new NotImplementedException();
}

using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>SystemExit</c>: a request to exit. Like <see cref="KeyboardInterrupt"/>, the loop lets it propagate
/// out of <c>run_forever</c> instead of reporting it to the exception handler.
/// </summary>
public class SystemExit : Exception
{
    /// <summary>Creates the exception with an optional exit code.</summary>
    public SystemExit(int? code = null) : base(code?.ToString() ?? "") => Code = code;

    /// <summary>Python's <c>SystemExit.code</c>.</summary>
    public int? Code { get; }
}

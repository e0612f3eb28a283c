namespace AsyncioSharp;

/// <summary>The constants of Python's <c>asyncio.subprocess</c> (and <c>subprocess</c>): what stdin/stdout/stderr may be set to.</summary>
public static partial class Subprocess
{
    /// <summary>Python's <c>subprocess.PIPE</c>: a new pipe to the child.</summary>
    public const int PIPE = -1;

    /// <summary>Python's <c>subprocess.STDOUT</c>: stderr goes where stdout goes.</summary>
    public const int STDOUT = -2;

    /// <summary>Python's <c>subprocess.DEVNULL</c>: /dev/null.</summary>
    public const int DEVNULL = -3;
}

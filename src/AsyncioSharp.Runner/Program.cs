namespace AsyncioSharp.Runner;

/// <summary>The <c>asynciosharp</c> command.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => 2;
}

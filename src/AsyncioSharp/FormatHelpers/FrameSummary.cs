namespace AsyncioSharp;

/// <summary>
/// Python's <c>traceback.FrameSummary</c>, reduced to what asyncio's debug mode records: one frame of the stack that
/// created a handle or future (the <c>source_traceback</c> of its repr and of exception handler contexts).
/// </summary>
/// <param name="Filename">The source file, or <c>&lt;unknown&gt;</c> when the assembly has no symbols.</param>
/// <param name="Lineno">The line number (0 when unknown).</param>
/// <param name="Name">The function's name (an async method's own name, not its state machine's).</param>
public sealed record FrameSummary(string Filename, int Lineno, string Name);

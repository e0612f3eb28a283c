using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>_source_traceback</c> of handles and futures, kept beside them rather than in them: only debug mode
/// records one, so the objects of a loop not in debug mode stay small.
/// </summary>
internal static class SourceTracebacks
{
    private static readonly ConditionalWeakTable<object, IReadOnlyList<FrameSummary>> Table = new();

    /// <summary>Records where <paramref name="owner"/> is being created (<c>format_helpers.extract_stack()</c>).</summary>
    internal static void Record(object owner) => Table.AddOrUpdate(owner, FormatHelpers.ExtractStack());

    /// <summary>The frames recorded for <paramref name="owner"/>, or null (not created in debug mode).</summary>
    internal static IReadOnlyList<FrameSummary>? Of(object owner) => Table.TryGetValue(owner, out var frames) ? frames : null;
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.format_helpers</c> and the bits of <c>repr()</c>/<c>reprlib</c> the asyncio reprs and log
/// lines use, so a handle, future or context value prints as it does in Python.
/// </summary>
internal static class FormatHelpers
{
    [ThreadStatic] private static HashSet<object>? t_inRepr;

    /// <summary>Python's <c>constants.DEBUG_STACK_DEPTH</c>: how many frames debug mode records.</summary>
    internal const int DebugStackDepth = 10;

    /// <summary>
    /// Python's <c>format_helpers.extract_stack()</c> as debug mode calls it: the frames of the code that called into
    /// asyncio (the library's own frames are skipped), oldest first, at most <see cref="DebugStackDepth"/>.
    /// </summary>
    internal static IReadOnlyList<FrameSummary> ExtractStack()
    {
        var own = typeof(FormatHelpers).Assembly;
        var frames = new List<FrameSummary>();
        foreach (var frame in new StackTrace(1, fNeedFileInfo: true).GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null || (frames.Count == 0 && method.DeclaringType?.Assembly == own))
            {
                continue;
            }
            frames.Add(new FrameSummary(frame.GetFileName() ?? "<unknown>", frame.GetFileLineNumber(), FrameName(method)));
            if (frames.Count == DebugStackDepth)
            {
                break;
            }
        }
        frames.Reverse();
        return frames;
    }

    private static string FrameName(System.Reflection.MethodBase method)
    {
        // An async method runs as "<Name>d__N.MoveNext": show the method's own name, as Python shows the coroutine's.
        var type = method.DeclaringType?.Name ?? "";
        if (method.Name == "MoveNext" && type.StartsWith('<'))
        {
            var end = type.IndexOf('>');
            return end > 1 ? type[1..end] : type;
        }
        return method.Name;
    }

    /// <summary>Python's <c>traceback.format_list()</c> without the source lines, for the default exception handler.</summary>
    internal static string FormatList(IEnumerable<FrameSummary> frames) =>
        string.Concat(frames.Select(f => $"  File \"{f.Filename}\", line {f.Lineno}, in {f.Name}\n"));

    /// <summary>The "created at file:line" word of a debug-mode repr (the last frame: the call that created it).</summary>
    internal static string? CreatedAt(IReadOnlyList<FrameSummary>? traceback) =>
        traceback is { Count: > 0 } ? $"created at {traceback[^1].Filename}:{traceback[^1].Lineno}" : null;

    /// <summary>Python's <c>_format_callback_source(func, ())</c>: the callback's qualified name and <c>()</c>.</summary>
    internal static string FormatCallback(Delegate callback) => QualName(callback) + "()";

    /// <summary>
    /// Python's <c>__qualname__</c> of a delegate's method: <c>Class.Method</c>; a lambda is
    /// <c>Class.Enclosing.&lt;locals&gt;.&lt;lambda&gt;</c>, as Python names one.
    /// </summary>
    internal static string QualName(Delegate callback)
    {
        var method = callback.Method;
        var type = method.DeclaringType;
        // The compiler puts lambdas on nested "<>c" / "<>c__DisplayClass" classes: name the class the lambda is written in.
        while (type is not null && type.Name.StartsWith('<') && type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }
        var name = method.Name;
        if (name.StartsWith('<'))
        {
            var end = name.IndexOf('>');
            var enclosing = end > 1 ? name[1..end] : "";
            name = enclosing.Length > 0 ? $"{enclosing}.<locals>.<lambda>" : "<lambda>";
        }
        return type is null ? name : $"{type.Name}.{name}";
    }

    /// <summary>Python's <c>repr(value)</c> for the values asyncio prints: None, True, quoted strings, floats, exceptions, collections.</summary>
    internal static string Repr(object? value)
    {
        switch (value)
        {
            case null:
                return "None";
            case bool b:
                return b ? "True" : "False";
            case string s:
                return ReprString(s);
            case double d:
                return ReprFloat(d);
            case Exception exc:
                return ReprException(exc);
            case Delegate d:
                return $"<function {QualName(d)}>";
            case IDictionary dict:
                return Recursive(value, '{', '}', () => Entries(dict).Select(e => $"{Repr(e.Key)}: {Repr(e.Value)}"));
            case IEnumerable items when IsSet(value):
                return Recursive(value, '{', '}', () => items.Cast<object?>().Select(Repr));
            case IList list:
                return Recursive(value, '[', ']', () => list.Cast<object?>().Select(Repr));
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        }
    }

    /// <summary>Runs <paramref name="repr"/> unless <paramref name="value"/> is being printed already on this thread (Python's <c>reprlib.recursive_repr</c>), which gives <c>...</c>.</summary>
    internal static string GuardRecursion(object value, Func<string> repr)
    {
        t_inRepr ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        if (!t_inRepr.Add(value))
        {
            return "...";
        }
        try
        {
            return repr();
        }
        finally
        {
            t_inRepr.Remove(value);
        }
    }

    private static string Recursive(object value, char open, char close, Func<IEnumerable<string>> items) =>
        GuardRecursion(value, () => open + string.Join(", ", items()) + close);

    private static IEnumerable<DictionaryEntry> Entries(IDictionary dict)
    {
        // IDictionary.GetEnumerator yields DictionaryEntry; the generic dictionaries' GetEnumerator does not.
        var e = dict.GetEnumerator();
        while (e.MoveNext())
        {
            yield return e.Entry;
        }
    }

    private static bool IsSet(object value) =>
        value.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISet<>));

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, always with a decimal point.</summary>
    internal static string ReprFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    /// <summary>Python's <c>repr(exc)</c>: <c>RuntimeError('boom')</c>, or <c>RuntimeError()</c> without a message.</summary>
    internal static string ReprException(Exception exc)
    {
        var message = exc.Message;
        var name = exc.GetType().Name;
        return string.IsNullOrEmpty(message) ? $"{name}()" : $"{name}({ReprString(message)})";
    }

    private static string ReprString(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\');
                    }
                    sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }
}

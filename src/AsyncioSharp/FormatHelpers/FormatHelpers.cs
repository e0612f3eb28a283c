using System;
using System.Collections;
using System.Collections.Generic;
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

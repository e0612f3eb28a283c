using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>BaseExceptionGroup</c>/<c>ExceptionGroup</c> (PEP 654): several unrelated exceptions raised together,
/// as <c>TaskGroup</c> raises them. Its message reads like Python's: <c>msg (N sub-exception[s])</c>.
/// </summary>
public class ExceptionGroup : AggregateException
{
    private readonly string _message;

    /// <summary>Creates the group (Python: <c>ExceptionGroup(message, exceptions)</c>).</summary>
    public ExceptionGroup(string message, IEnumerable<Exception> exceptions) : base(message, exceptions)
    {
        if (InnerExceptions.Count == 0)
        {
            throw new ValueError("second argument (exceptions) must be a non-empty sequence");
        }
        _message = message;
    }

    /// <summary>Python's <c>message</c> attribute: the text the group was created with.</summary>
    public string GroupMessage => _message;

    /// <summary>Python's <c>exceptions</c> attribute.</summary>
    public IReadOnlyList<Exception> Exceptions => InnerExceptions;

    /// <inheritdoc />
    public override string Message
    {
        get
        {
            var n = InnerExceptions.Count;
            return $"{_message} ({n} sub-exception{(n == 1 ? "" : "s")})";
        }
    }

    /// <summary>Python's <c>subgroup(condition)</c>: the exceptions (recursively) that match, or null.</summary>
    public ExceptionGroup? Subgroup(Func<Exception, bool> condition)
    {
        var kept = InnerExceptions
            .Select(e => e is ExceptionGroup g ? g.Subgroup(condition) : (condition(e) ? e : null))
            .OfType<Exception>()
            .ToList();
        return kept.Count == 0 ? null : new ExceptionGroup(_message, kept);
    }
}

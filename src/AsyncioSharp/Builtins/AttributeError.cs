using System;

namespace AsyncioSharp;

/// <summary>Python's <c>AttributeError</c>: an attribute or method the object does not have.</summary>
public class AttributeError : MissingMemberException
{
    /// <summary>Python's <c>AttributeError(message)</c>.</summary>
    public AttributeError(string message) : base(message)
    {
    }
}

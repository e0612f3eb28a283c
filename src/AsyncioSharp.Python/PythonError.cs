using System;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// A Python exception that crossed into .NET (a Python coroutine awaited from C# failed). Everything is read from
/// Python when it crosses, so using it later needs no GIL; <see cref="Value"/> is the Python exception object.
/// </summary>
public sealed class PythonError : Exception
{
    private PythonError(string typeName, string message, string traceback, PyObject value)
        : base($"{typeName}: {message}")
    {
        TypeName = typeName;
        PythonTraceback = traceback;
        Value = value;
    }

    /// <summary>The Python exception's class name (<c>type(exc).__name__</c>).</summary>
    public string TypeName { get; }

    /// <summary>The Python traceback, formatted as Python prints it.</summary>
    public string PythonTraceback { get; }

    /// <summary>The Python exception object (take the GIL to use it).</summary>
    public PyObject Value { get; }

    /// <summary>Reads a Python exception object; the caller holds the GIL.</summary>
    internal static PythonError From(PyObject exception)
    {
        using var type = exception.GetPythonType();
        using var traceback = Py.Import("traceback");
        using var lines = traceback.InvokeMethod("format_exception", exception);
        using var empty = new PyString("");
        using var text = empty.InvokeMethod("join", lines);
        return new PythonError(type.Name, exception.ToString() ?? "", text.ToString() ?? "", exception);
    }
}

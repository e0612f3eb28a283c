using System;
using System.Runtime.InteropServices;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// Makes Python <c>bytes</c> from .NET memory in one copy. Python.NET has no public bytes constructor, so a fresh
/// zeroed <c>bytes(n)</c> (no one else holds it yet) is filled through <c>PyBytes_AsString</c>, as C extensions do.
/// </summary>
internal static unsafe class PyBytes
{
    private static delegate* unmanaged<IntPtr, byte*> _asString;
    private static delegate* unmanaged<IntPtr, nint> _size;
    private static PyObject? _bytesType;

    /// <summary>A new <c>bytes</c> object holding <paramref name="data"/>; the caller holds the GIL.</summary>
    public static PyObject From(ReadOnlySpan<byte> data)
    {
        Bind();
        using var length = new PyInt(data.Length);
        var bytes = _bytesType!.Invoke(length);
        // Handle is marked obsolete in favour of internal reference types; it is the object pointer C needs.
#pragma warning disable CS0612
        var target = _asString(bytes.Handle);
#pragma warning restore CS0612
        data.CopyTo(new Span<byte>(target, data.Length));
        return bytes;
    }

    /// <summary>
    /// The contents of a Python <c>bytes</c> object, without a copy: valid while <paramref name="bytes"/> is alive
    /// (bytes are immutable, so reading needs no GIL).
    /// </summary>
    public static ReadOnlySpan<byte> Span(PyObject bytes)
    {
        Bind();
#pragma warning disable CS0612
        var handle = bytes.Handle;
#pragma warning restore CS0612
        return new ReadOnlySpan<byte>(_asString(handle), (int)_size(handle));
    }

    private static void Bind()
    {
        if (_asString != null)
        {
            return;
        }
        var library = NativeLibrary.Load(Runtime.PythonDLL!);
        _size = (delegate* unmanaged<IntPtr, nint>)NativeLibrary.GetExport(library, "PyBytes_Size");
        _asString = (delegate* unmanaged<IntPtr, byte*>)NativeLibrary.GetExport(library, "PyBytes_AsString");
        using (Py.GIL())
        {
            using var builtins = Py.Import("builtins");
            _bytesType = builtins.GetAttr("bytes");
        }
    }
}

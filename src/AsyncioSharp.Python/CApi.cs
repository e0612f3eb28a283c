using System;
using System.Runtime.InteropServices;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// The few CPython C-API functions the hot paths call directly (function pointers into the libpython Python.NET
/// loaded): a call through Python.NET's dynamic invoke or method binder costs microseconds, these cost nanoseconds.
/// Every caller holds the GIL. Pointers are raw <c>PyObject*</c>.
/// </summary>
internal static unsafe class CApi
{
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr> PyObject_CallOneArg;
    public static delegate* unmanaged<IntPtr, IntPtr> PyObject_CallNoArgs;
    public static delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr, IntPtr> PyObject_Vectorcall;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr> PyObject_GetAttr;
    public static delegate* unmanaged<IntPtr, int> PyObject_IsTrue;
    public static delegate* unmanaged<byte*, nint, IntPtr> PyBytes_FromStringAndSize;
    public static delegate* unmanaged<IntPtr, byte**, nint*, int> PyBytes_AsStringAndSize;
    public static delegate* unmanaged<IntPtr, PyBuffer*, int, int> PyObject_GetBuffer;
    public static delegate* unmanaged<PyBuffer*, void> PyBuffer_Release;
    public static delegate* unmanaged<IntPtr, void> Py_IncRef;
    public static delegate* unmanaged<IntPtr, void> Py_DecRef;
    public static delegate* unmanaged<long, IntPtr> PyBool_FromLong;
    public static delegate* unmanaged<nint, IntPtr> PyLong_FromSsize_t;
    public static delegate* unmanaged<IntPtr, long> PyLong_AsLong;
    public static delegate* unmanaged<IntPtr> PyErr_Occurred;
    public static delegate* unmanaged<PyMethodDef*, IntPtr, IntPtr, IntPtr> PyCFunction_NewEx;
    public static delegate* unmanaged<void*, byte*, delegate* unmanaged<IntPtr, void>, IntPtr> PyCapsule_New;
    public static delegate* unmanaged<IntPtr, byte*, void*> PyCapsule_GetPointer;
    public static delegate* unmanaged<IntPtr, IntPtr, void> PyErr_SetObject;
    public static delegate* unmanaged<IntPtr, byte*, void> PyErr_SetString;
    public static delegate* unmanaged<void> PyErr_Clear;
    public static delegate* unmanaged<IntPtr, IntPtr> PyObject_Type;
    public static delegate* unmanaged<IntPtr, IntPtr> PyType_GetName;
    public static delegate* unmanaged<byte*, IntPtr> PyUnicode_InternFromString;
    public static delegate* unmanaged<IntPtr, IntPtr, int> PyList_Append;
    public static delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void> PyErr_Fetch;
    public static delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void> PyErr_NormalizeException;
    public static delegate* unmanaged<IntPtr, IntPtr, int> PyException_SetTraceback;
    public static delegate* unmanaged<IntPtr, CApi.PyMethodDef*, IntPtr> PyDescr_NewMethod;
    public static delegate* unmanaged<nint, IntPtr> PyTuple_New;
    public static delegate* unmanaged<IntPtr, nint> PyTuple_Size;
    public static delegate* unmanaged<IntPtr, nint, IntPtr> PyTuple_GetItem;
    public static delegate* unmanaged<IntPtr, nint, IntPtr, int> PyTuple_SetItem;
    public static delegate* unmanaged<IntPtr, nint, IntPtr> PyType_GenericAlloc;
    public static delegate* unmanaged<IntPtr> PyContext_CopyCurrent;
    public static delegate* unmanaged<IntPtr, int> PyContext_Enter;
    public static delegate* unmanaged<IntPtr, int> PyContext_Exit;
    public static delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr, IntPtr> PyObject_VectorcallMethod;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr> PyObject_Call;
    public static delegate* unmanaged<IntPtr, int> PyErr_ExceptionMatches;
    public static delegate* unmanaged<IntPtr, double> PyFloat_AsDouble;
    public static delegate* unmanaged<IntPtr, byte*, int> PyUnicode_CompareWithASCIIString;
    public static delegate* unmanaged<IntPtr, IntPtr, int> PyType_IsSubtype;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr, int> PyObject_SetAttr;
    public static delegate* unmanaged<IntPtr, nint> PyObject_Size;
    public static delegate* unmanaged<IntPtr, IntPtr, int> PyObject_IsInstance;
    public static delegate* unmanaged<IntPtr, nint, int> PySequence_DelItem;
    public static delegate* unmanaged<IntPtr, IntPtr> PySequence_Tuple;
    public static IntPtr None;
    public static IntPtr ContextType;
    public static IntPtr TupleType;
    public static IntPtr TypeError;

    /// <summary>
    /// PY_VECTORCALL_ARGUMENTS_OFFSET: set in a vectorcall's nargsf, it lets the callee overwrite the argument before
    /// the first (for <c>PyObject_VectorcallMethod</c>, args[0]) for the call, which saves it a copy of the arguments.
    /// </summary>
    public static readonly nuint VectorcallArgumentsOffset = unchecked((nuint)(1UL << 63));

    private static readonly byte* CapsuleName = Utf8("asynciosharp.object");
    private static bool _bound;
    private static IntPtr _library;
    private static PyList? _holder;

    /// <summary>Binds the pointers once (idempotent); call after the interpreter is initialized.</summary>
    public static void Bind()
    {
        if (_bound)
        {
            return;
        }
        // No PythonDLL: Python.NET was loaded into a python3 process (python3 -m asynciosharp), whose own executable
        // exports the C API.
        var library = Runtime.PythonDLL is { } path ? NativeLibrary.Load(path) : NativeLibrary.GetMainProgramHandle();
        IntPtr F(string name) => NativeLibrary.GetExport(library, name);
        PyObject_CallOneArg = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)F("PyObject_CallOneArg");
        PyObject_CallNoArgs = (delegate* unmanaged<IntPtr, IntPtr>)F("PyObject_CallNoArgs");
        PyObject_Vectorcall = (delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr, IntPtr>)F("PyObject_Vectorcall");
        PyObject_GetAttr = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)F("PyObject_GetAttr");
        PyObject_IsTrue = (delegate* unmanaged<IntPtr, int>)F("PyObject_IsTrue");
        PyBytes_FromStringAndSize = (delegate* unmanaged<byte*, nint, IntPtr>)F("PyBytes_FromStringAndSize");
        PyBytes_AsStringAndSize = (delegate* unmanaged<IntPtr, byte**, nint*, int>)F("PyBytes_AsStringAndSize");
        PyObject_GetBuffer = (delegate* unmanaged<IntPtr, PyBuffer*, int, int>)F("PyObject_GetBuffer");
        PyBuffer_Release = (delegate* unmanaged<PyBuffer*, void>)F("PyBuffer_Release");
        Py_IncRef = (delegate* unmanaged<IntPtr, void>)F("Py_IncRef");
        Py_DecRef = (delegate* unmanaged<IntPtr, void>)F("Py_DecRef");
        PyBool_FromLong = (delegate* unmanaged<long, IntPtr>)F("PyBool_FromLong");
        PyLong_FromSsize_t = (delegate* unmanaged<nint, IntPtr>)F("PyLong_FromSsize_t");
        PyLong_AsLong = (delegate* unmanaged<IntPtr, long>)F("PyLong_AsLong");
        PyErr_Occurred = (delegate* unmanaged<IntPtr>)F("PyErr_Occurred");
        PyCFunction_NewEx = (delegate* unmanaged<PyMethodDef*, IntPtr, IntPtr, IntPtr>)F("PyCFunction_NewEx");
        PyCapsule_New = (delegate* unmanaged<void*, byte*, delegate* unmanaged<IntPtr, void>, IntPtr>)F("PyCapsule_New");
        PyCapsule_GetPointer = (delegate* unmanaged<IntPtr, byte*, void*>)F("PyCapsule_GetPointer");
        PyErr_SetObject = (delegate* unmanaged<IntPtr, IntPtr, void>)F("PyErr_SetObject");
        PyErr_SetString = (delegate* unmanaged<IntPtr, byte*, void>)F("PyErr_SetString");
        PyErr_Clear = (delegate* unmanaged<void>)F("PyErr_Clear");
        PyObject_Type = (delegate* unmanaged<IntPtr, IntPtr>)F("PyObject_Type");
        PyType_GetName = (delegate* unmanaged<IntPtr, IntPtr>)F("PyType_GetName");
        PyUnicode_InternFromString = (delegate* unmanaged<byte*, IntPtr>)F("PyUnicode_InternFromString");
        PyList_Append = (delegate* unmanaged<IntPtr, IntPtr, int>)F("PyList_Append");
        PyErr_Fetch = (delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void>)F("PyErr_Fetch");
        PyErr_NormalizeException = (delegate* unmanaged<IntPtr*, IntPtr*, IntPtr*, void>)F("PyErr_NormalizeException");
        PyException_SetTraceback = (delegate* unmanaged<IntPtr, IntPtr, int>)F("PyException_SetTraceback");
        PyDescr_NewMethod = (delegate* unmanaged<IntPtr, PyMethodDef*, IntPtr>)F("PyDescr_NewMethod");
        PyTuple_New = (delegate* unmanaged<nint, IntPtr>)F("PyTuple_New");
        PyTuple_Size = (delegate* unmanaged<IntPtr, nint>)F("PyTuple_Size");
        PyTuple_GetItem = (delegate* unmanaged<IntPtr, nint, IntPtr>)F("PyTuple_GetItem");
        PyTuple_SetItem = (delegate* unmanaged<IntPtr, nint, IntPtr, int>)F("PyTuple_SetItem");
        PyType_GenericAlloc = (delegate* unmanaged<IntPtr, nint, IntPtr>)F("PyType_GenericAlloc");
        PyContext_CopyCurrent = (delegate* unmanaged<IntPtr>)F("PyContext_CopyCurrent");
        PyContext_Enter = (delegate* unmanaged<IntPtr, int>)F("PyContext_Enter");
        PyContext_Exit = (delegate* unmanaged<IntPtr, int>)F("PyContext_Exit");
        PyObject_VectorcallMethod = (delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr, IntPtr>)F("PyObject_VectorcallMethod");
        PyObject_Call = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr>)F("PyObject_Call");
        PyErr_ExceptionMatches = (delegate* unmanaged<IntPtr, int>)F("PyErr_ExceptionMatches");
        PyFloat_AsDouble = (delegate* unmanaged<IntPtr, double>)F("PyFloat_AsDouble");
        PyUnicode_CompareWithASCIIString = (delegate* unmanaged<IntPtr, byte*, int>)F("PyUnicode_CompareWithASCIIString");
        PyType_IsSubtype = (delegate* unmanaged<IntPtr, IntPtr, int>)F("PyType_IsSubtype");
        _library = library;
        None = F("_Py_NoneStruct");
        ContextType = F("PyContext_Type");
        PyObject_SetAttr = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, int>)F("PyObject_SetAttr");
        PyObject_Size = (delegate* unmanaged<IntPtr, nint>)F("PyObject_Size");
        PyObject_IsInstance = (delegate* unmanaged<IntPtr, IntPtr, int>)F("PyObject_IsInstance");
        PySequence_DelItem = (delegate* unmanaged<IntPtr, nint, int>)F("PySequence_DelItem");
        TupleType = F("PyTuple_Type");
        PySequence_Tuple = (delegate* unmanaged<IntPtr, IntPtr>)F("PySequence_Tuple");
        TypeError = Exception("PyExc_TypeError");
        _bound = true;
    }

    /// <summary>A built-in exception class by its C name (<c>PyExc_SystemExit</c>, ...): the export is the variable's address.</summary>
    public static IntPtr Exception(string name) => *(IntPtr*)NativeLibrary.GetExport(_library, name);

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, kept for the life of the process (C-API names and docs).</summary>
    public static byte* Utf8(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var p = (byte*)NativeMemory.AllocZeroed((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return p;
    }

    /// <summary>An interned Python str for an attribute name, kept for the life of the process.</summary>
    public static IntPtr Intern(string name)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = utf8)
        {
            return PyUnicode_InternFromString(p);
        }
    }

    /// <summary>Python's <c>PyObject_TypeCheck</c>: whether <paramref name="obj"/>'s type is <paramref name="type"/> or a subtype.</summary>
    public static bool PyObject_TypeCheck(IntPtr obj, IntPtr type)
    {
        var own = TypeOf(obj);
        return own == type || PyType_IsSubtype(own, type) != 0;
    }

    /// <summary>Python's <c>Py_TYPE</c>: the object's type (borrowed), read from <c>ob_type</c>, after <c>ob_refcnt</c>.</summary>
    public static IntPtr TypeOf(IntPtr obj) => *(IntPtr*)((byte*)obj + sizeof(nint));

    /// <summary>A new capsule holding a GC handle to <paramref name="target"/>, freed with the capsule: the <c>self</c> of a builtin function bound to a .NET object.</summary>
    public static IntPtr Capsule(object target) =>
        PyCapsule_New((void*)GCHandle.ToIntPtr(GCHandle.Alloc(target)), CapsuleName, &FreeCapsule);

    /// <summary>The object a <see cref="Capsule"/> holds.</summary>
    public static object CapsuleTarget(IntPtr capsule) =>
        GCHandle.FromIntPtr((IntPtr)PyCapsule_GetPointer(capsule, CapsuleName)).Target!;

    [UnmanagedCallersOnly]
    private static void FreeCapsule(IntPtr capsule) =>
        GCHandle.FromIntPtr((IntPtr)PyCapsule_GetPointer(capsule, CapsuleName)).Free();

    /// <summary>A new reference to None.</summary>
    public static IntPtr NewNone()
    {
        Py_IncRef(None);
        return None;
    }

    /// <summary>A new <c>bytes</c> object holding a copy of <paramref name="data"/>; a Python error becomes a .NET one.</summary>
    public static IntPtr NewBytes(ReadOnlySpan<byte> data)
    {
        IntPtr bytes;
        fixed (byte* start = data)
        {
            bytes = PyBytes_FromStringAndSize(start, data.Length);
        }
        if (bytes == IntPtr.Zero)
        {
            throw FetchError();
        }
        return bytes;
    }

    /// <summary>The raw pointer of a Python.NET object (still owned by it).</summary>
    public static IntPtr Address(PyObject obj)
    {
#pragma warning disable CS0612 // Handle is obsolete in favour of internal reference types; C needs the pointer.
        return obj.Handle;
#pragma warning restore CS0612
    }

    /// <summary>
    /// A Python.NET object over the new reference <paramref name="pointer"/> (which it takes over). Python.NET has no
    /// public constructor from a pointer, so the object passes through a list: appended here, read back by the list's
    /// indexer (which makes the Python.NET object), then removed.
    /// </summary>
    public static PyObject Steal(IntPtr pointer)
    {
        _holder ??= new PyList();
        var holder = Address(_holder);
        var appended = PyList_Append(holder, pointer);
        Py_DecRef(pointer);
        if (appended != 0)
        {
            throw FetchError();
        }
        var stolen = _holder[0];
        if (PySequence_DelItem(holder, 0) != 0)
        {
            throw FetchError();
        }
        return stolen;
    }

    /// <summary>The current Python exception (the indicator is cleared) as a <see cref="PythonError"/>.</summary>
    public static PythonError FetchError() => PythonError.From(Steal(FetchErrorValue()));

    /// <summary>The current Python exception (the indicator is cleared), normalized, its traceback attached: a new reference.</summary>
    public static IntPtr FetchErrorValue()
    {
        IntPtr type, value, traceback;
        PyErr_Fetch(&type, &value, &traceback);
        PyErr_NormalizeException(&type, &value, &traceback);
        if (traceback != IntPtr.Zero)
        {
            PyException_SetTraceback(value, traceback);
            Py_DecRef(traceback);
        }
        Py_DecRef(type);
        return value;
    }

    /// <summary>
    /// <c>target.name()</c>, <c>target.name(first)</c> or <c>target.name(first, second)</c> (a zero pointer ends the
    /// arguments) through <c>PyObject_VectorcallMethod</c>, which looks the method up as the attribute access would
    /// without making a bound method: a new reference, or zero with the Python error set (what a C function passes
    /// on; it must not throw).
    /// </summary>
    public static IntPtr TryCallMethod(IntPtr target, IntPtr name, IntPtr first = default, IntPtr second = default)
    {
        var args = stackalloc IntPtr[3] { target, first, second };
        var count = first == IntPtr.Zero ? 1u : second == IntPtr.Zero ? 2u : 3u;
        return PyObject_VectorcallMethod(name, args, count | VectorcallArgumentsOffset, IntPtr.Zero);
    }

    /// <summary>
    /// Calls <c>target.name(arg)</c> (or <c>target.name()</c> when <paramref name="arg"/> is zero) and returns the
    /// new reference result; a Python exception is thrown as a <see cref="PythonError"/>.
    /// </summary>
    public static IntPtr CallMethod(IntPtr target, IntPtr name, IntPtr arg) => Checked(TryCallMethod(target, name, arg));

    /// <summary>Calls <c>target.name(first, second)</c> and returns the new reference result (see <see cref="CallMethod(IntPtr, IntPtr, IntPtr)"/>).</summary>
    public static IntPtr CallMethod(IntPtr target, IntPtr name, IntPtr first, IntPtr second) =>
        Checked(TryCallMethod(target, name, first, second));

    // A call's result, or its Python exception thrown.
    private static IntPtr Checked(IntPtr result) => result != IntPtr.Zero ? result : throw FetchError();

    /// <summary>Sets the current Python exception from a .NET one (see <see cref="PythonProtocol.ToPython"/>).</summary>
    public static void SetError(Exception exc)
    {
        using var value = PythonProtocol.ToPython(exc);
        var pointer = Address(value);
        var type = PyObject_Type(pointer);
        PyErr_SetObject(type, pointer);
        Py_DecRef(type);
    }

    /// <summary>CPython's <c>PyMethodDef</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PyMethodDef
    {
        public byte* ml_name;
        public void* ml_meth;
        public int ml_flags;
        public byte* ml_doc;
    }

    /// <summary>CPython's <c>Py_buffer</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PyBuffer
    {
        public byte* buf;
        public IntPtr obj;
        public nint len;
        public nint itemsize;
        public int @readonly;
        public int ndim;
        public byte* format;
        public nint* shape;
        public nint* strides;
        public nint* suboffsets;
        public void* @internal;
    }
}

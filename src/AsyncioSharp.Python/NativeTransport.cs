using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// The hot methods of a .NET transport as Python builtin functions (<c>write</c>, <c>is_closing</c>,
/// <c>get_write_buffer_size</c>, <c>pause_reading</c>, <c>resume_reading</c>, <c>is_reading</c>): each is a
/// <c>PyCFunction</c> whose C function is an <see cref="UnmanagedCallersOnlyAttribute"/> method here and whose
/// <c>self</c> is a capsule holding the transport, so a Python call reaches .NET without Python.NET's method binder;
/// likewise a datagram bridge's <c>sendto</c>.
/// </summary>
internal static unsafe class NativeTransport
{
    private const int MethNoArgs = 0x0004;
    private const int MethO = 0x0008;
    private const int MethFastcall = 0x0080;
    private const int PyBufSimple = 0;
    private static CApi.PyMethodDef* _defs;
    private static CApi.PyMethodDef* _sendtoDef;
    private static CApi.PyMethodDef* _fdInUseDef;
    private static CApi.PyMethodDef* _dotnetObjectDef;

    /// <summary>The names of the functions, in the order <see cref="Functions"/> returns them.</summary>
    public static readonly string[] Names =
        { "write", "is_closing", "get_write_buffer_size", "pause_reading", "resume_reading", "is_reading" };

    /// <summary>
    /// A new reference to a tuple of the Python functions bound to <paramref name="transport"/> (all of them for a
    /// stream transport, <c>write</c> alone for a write pipe); the caller holds the GIL.
    /// </summary>
    public static IntPtr Functions(WriteTransport transport)
    {
        CApi.Bind();
        if (_defs == null)
        {
            _defs = Define();
        }
        var count = transport is Transport ? Names.Length : 1;
        var capsule = CApi.Capsule(transport);
        var tuple = CApi.PyTuple_New(count);
        for (var i = 0; i < count && tuple != IntPtr.Zero; i++)
        {
            var function = CApi.PyCFunction_NewEx(&_defs[i], capsule, IntPtr.Zero);
            if (function == IntPtr.Zero)
            {
                CApi.Py_DecRef(tuple);
                tuple = IntPtr.Zero;
                break;
            }
            CApi.PyTuple_SetItem(tuple, i, function);
        }
        CApi.Py_DecRef(capsule);
        return tuple != IntPtr.Zero ? tuple : throw CApi.FetchError();
    }

    /// <summary>
    /// The datagram bridge's <c>sendto(data, addr)</c> as a Python builtin function (METH_FASTCALL), for the Python
    /// face to call once it checked the arguments; the caller holds the GIL.
    /// </summary>
    public static PyObject Sendto(PythonDatagramProtocol bridge)
    {
        CApi.Bind();
        if (_sendtoDef == null)
        {
            _sendtoDef = (CApi.PyMethodDef*)NativeMemory.AllocZeroed((nuint)sizeof(CApi.PyMethodDef));
            _sendtoDef->ml_name = CApi.Utf8("sendto");
            _sendtoDef->ml_meth = (delegate* unmanaged<IntPtr, IntPtr*, nint, IntPtr>)&SendtoCall;
            _sendtoDef->ml_flags = MethFastcall;
        }
        var capsule = CApi.Capsule(bridge);
        var function = CApi.Steal(CApi.PyCFunction_NewEx(_sendtoDef, capsule, IntPtr.Zero));
        CApi.Py_DecRef(capsule);
        return function;
    }

    /// <summary>
    /// <c>dotnet_object(capsule)</c>: the .NET object a capsule of <see cref="CApi.Capsule"/> holds, as Python.NET
    /// shows it. The Python faces get their .NET transport and bridge as capsules and convert them on first use: the
    /// conversion (Python.NET's type lookup) cost more than the rest of a connection's setup.
    /// </summary>
    public static PyObject DotnetObject()
    {
        CApi.Bind();
        if (_dotnetObjectDef == null)
        {
            _dotnetObjectDef = (CApi.PyMethodDef*)NativeMemory.AllocZeroed((nuint)sizeof(CApi.PyMethodDef));
            _dotnetObjectDef->ml_name = CApi.Utf8("dotnet_object");
            _dotnetObjectDef->ml_meth = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&DotnetObjectCall;
            _dotnetObjectDef->ml_flags = MethO;
        }
        return CApi.Steal(CApi.PyCFunction_NewEx(_dotnetObjectDef, IntPtr.Zero, IntPtr.Zero));
    }

    [UnmanagedCallersOnly]
    private static IntPtr DotnetObjectCall(IntPtr self, IntPtr capsule)
    {
        try
        {
            using var reflected = CApi.CapsuleTarget(capsule).ToPython();
            var pointer = CApi.Address(reflected);
            CApi.Py_IncRef(pointer);
            return pointer;
        }
        catch (Exception e)
        {
            CApi.SetError(e);
            return IntPtr.Zero;
        }
    }

    /// <summary>
    /// <c>fd_in_use(fd)</c>: whether an open .NET transport of <paramref name="loop"/> runs on the descriptor (Python's
    /// <c>_ensure_fd_no_transport</c> asks on every add_reader and sock_* call); the caller holds the GIL.
    /// </summary>
    public static PyObject FdInUse(SelectorEventLoop loop)
    {
        CApi.Bind();
        if (_fdInUseDef == null)
        {
            _fdInUseDef = (CApi.PyMethodDef*)NativeMemory.AllocZeroed((nuint)sizeof(CApi.PyMethodDef));
            _fdInUseDef->ml_name = CApi.Utf8("fd_in_use");
            _fdInUseDef->ml_meth = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&FdInUseCall;
            _fdInUseDef->ml_flags = MethO;
        }
        var capsule = CApi.Capsule(loop);
        var function = CApi.Steal(CApi.PyCFunction_NewEx(_fdInUseDef, capsule, IntPtr.Zero));
        CApi.Py_DecRef(capsule);
        return function;
    }

    [UnmanagedCallersOnly]
    private static IntPtr FdInUseCall(IntPtr self, IntPtr fd)
    {
        var number = CApi.PyLong_AsLong(fd);
        if (number == -1 && CApi.PyErr_Occurred() != IntPtr.Zero)
        {
            return IntPtr.Zero;
        }
        var loop = (SelectorEventLoop)CApi.CapsuleTarget(self);
        var inUse = number is >= 0 and <= int.MaxValue && loop.Transports.TryGetValue((int)number, out var transport)
                    && !transport.IsClosing();
        return CApi.PyBool_FromLong(inUse ? 1 : 0);
    }

    [UnmanagedCallersOnly]
    private static IntPtr SendtoCall(IntPtr self, IntPtr* args, nint nargs)
    {
        try
        {
            var bridge = (PythonDatagramProtocol)CApi.CapsuleTarget(self);
            bridge.SendtoCore(args[0], nargs > 1 ? args[1] : CApi.None);
            return CApi.NewNone();
        }
        catch (Exception e)
        {
            CApi.SetError(e);
            return IntPtr.Zero;
        }
    }

    private static CApi.PyMethodDef* Define()
    {
        var defs = (CApi.PyMethodDef*)NativeMemory.AllocZeroed((nuint)(Names.Length * sizeof(CApi.PyMethodDef)));
        void* Meth(int i) => i switch
        {
            0 => (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&Write,
            1 => (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&IsClosing,
            2 => (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&GetWriteBufferSize,
            3 => (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&PauseReading,
            4 => (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&ResumeReading,
            _ => (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&IsReading,
        };
        for (var i = 0; i < Names.Length; i++)
        {
            defs[i].ml_name = CApi.Utf8(Names[i]);
            defs[i].ml_meth = Meth(i);
            defs[i].ml_flags = i == 0 ? MethO : MethNoArgs;
        }
        return defs;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static WriteTransport Writer(IntPtr capsule) =>
        (WriteTransport)CApi.CapsuleTarget(capsule);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Transport Of(IntPtr capsule) =>
        (Transport)CApi.CapsuleTarget(capsule);

    [UnmanagedCallersOnly]
    private static IntPtr Write(IntPtr self, IntPtr data)
    {
        try
        {
            byte* start;
            nint length;
            if (CApi.PyBytes_AsStringAndSize(data, &start, &length) == 0)
            {
                if (length > 0)
                {
                    Writer(self).Write(new ReadOnlySpan<byte>(start, checked((int)length)));
                }
                return CApi.NewNone();
            }
            CApi.PyErr_Clear();
            return WriteBuffer(Writer(self), data);
        }
        catch (Exception e)
        {
            CApi.SetError(e);
            return IntPtr.Zero;
        }
    }

    // bytearray, memoryview and the other buffer objects, as CPython's transports accept them.
    private static IntPtr WriteBuffer(WriteTransport transport, IntPtr data)
    {
        CApi.PyBuffer view;
        if (CApi.PyObject_GetBuffer(data, &view, PyBufSimple) != 0)
        {
            CApi.PyErr_Clear();
            var type = CApi.PyObject_Type(data);
            var name = CApi.PyType_GetName(type);
            CApi.Py_DecRef(type);
            using var message = new PyString(
                $"data argument must be a bytes-like object, not '{(name == IntPtr.Zero ? "?" : CApi.Steal(name).ToString())}'");
            CApi.PyErr_SetObject(CApi.TypeError, CApi.Address(message));
            return IntPtr.Zero;
        }
        try
        {
            if (view.len > 0)
            {
                transport.Write(new ReadOnlySpan<byte>(view.buf, checked((int)view.len)));
            }
        }
        finally
        {
            CApi.PyBuffer_Release(&view);
        }
        return CApi.NewNone();
    }

    [UnmanagedCallersOnly]
    private static IntPtr IsClosing(IntPtr self, IntPtr unused) =>
        Call(self, static t => CApi.PyBool_FromLong(t.IsClosing() ? 1 : 0));

    [UnmanagedCallersOnly]
    private static IntPtr GetWriteBufferSize(IntPtr self, IntPtr unused) =>
        Call(self, static t => CApi.PyLong_FromSsize_t(t.GetWriteBufferSize()));

    [UnmanagedCallersOnly]
    private static IntPtr PauseReading(IntPtr self, IntPtr unused) => Call(self, static t =>
    {
        t.PauseReading();
        return CApi.NewNone();
    });

    [UnmanagedCallersOnly]
    private static IntPtr ResumeReading(IntPtr self, IntPtr unused) => Call(self, static t =>
    {
        t.ResumeReading();
        return CApi.NewNone();
    });

    [UnmanagedCallersOnly]
    private static IntPtr IsReading(IntPtr self, IntPtr unused) =>
        Call(self, static t => CApi.PyBool_FromLong(t.IsReading() ? 1 : 0));

    // An exception must not unwind into C: it becomes the Python exception and the call returns NULL.
    private static IntPtr Call(IntPtr self, Func<Transport, IntPtr> body)
    {
        try
        {
            return body(Of(self));
        }
        catch (Exception e)
        {
            CApi.SetError(e);
            return IntPtr.Zero;
        }
    }
}

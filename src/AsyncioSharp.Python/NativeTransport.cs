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

    /// <summary>The names of the functions, in the order <see cref="Functions"/> returns them.</summary>
    public static readonly string[] Names =
        { "write", "is_closing", "get_write_buffer_size", "pause_reading", "resume_reading", "is_reading" };

    /// <summary>A tuple of the Python functions bound to <paramref name="transport"/>; the caller holds the GIL.</summary>
    public static PyObject Functions(Transport transport)
    {
        CApi.Bind();
        if (_defs == null)
        {
            _defs = Define();
        }
        var capsule = CApi.Capsule(transport);
        var items = new PyObject[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            items[i] = CApi.Steal(CApi.PyCFunction_NewEx(&_defs[i], capsule, IntPtr.Zero));
        }
        CApi.Py_DecRef(capsule);
        return new PyTuple(items);
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
    /// The <c>write</c> function alone, bound to a write-only transport (a write pipe); the caller holds the GIL.
    /// </summary>
    public static PyObject WriteFunction(WriteTransport transport)
    {
        CApi.Bind();
        if (_defs == null)
        {
            _defs = Define();
        }
        var capsule = CApi.Capsule(transport);
        var function = CApi.Steal(CApi.PyCFunction_NewEx(&_defs[0], capsule, IntPtr.Zero));
        CApi.Py_DecRef(capsule);
        return function;
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

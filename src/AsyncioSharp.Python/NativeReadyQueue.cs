using System;
using System.Runtime.InteropServices;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// The Python loop's ready queue at C speed (uvloop's gain on <c>call_soon</c>, in .NET): <c>call_soon</c> as a
/// method of the Python <c>EventLoop</c> class (METH_FASTCALL | METH_KEYWORDS) that fills a new
/// <c>asyncio.Handle</c>'s slots itself instead of running <c>Handle.__init__</c>; <see cref="Drain"/>, which the .NET
/// loop calls once per iteration to run the handles that were ready as <c>Handle._run</c> does (skip a cancelled one;
/// call it in its context; SystemExit and KeyboardInterrupt go up, other exceptions to the Python
/// <c>report(handle, exc)</c>), and <c>run_ready(ready, n)</c>, the same loop for the Python drain; and the builtin
/// functions that schedule a drain. Debug mode, a closed loop and any argument shape but
/// <c>(callback, *args, context=...)</c> take the Python <c>call_soon</c>, so checks, errors and messages stay
/// CPython's. Every caller holds the GIL.
/// </summary>
internal static unsafe class NativeReadyQueue
{
    private const int MethNoArgs = 0x0004;
    private const int MethFastcall = 0x0080;
    private const int MethKeywords = 0x0002;
    private const int MethFastcallKeywords = MethFastcall | MethKeywords;

    // CPython 3.11's layouts: PyMemberDescrObject's d_member follows PyObject_HEAD and three pointers; PyMemberDef's
    // offset follows a pointer and an int (padded).
    private const int DescrMemberField = 40;
    private const int MemberDefOffsetField = 16;

    private static readonly string[] SlotNames = { "_callback", "_args", "_cancelled", "_loop", "_source_traceback", "_repr", "_context" };

    private static IntPtr _handleType;
    private static nint _callback, _args, _cancelled, _loop, _sourceTraceback, _repr, _context;
    private static IntPtr _slowCallSoon, _report;
    private static IntPtr _threadIdName, _escapeName;
    private static IntPtr _closedName, _debugName, _readyName, _drainScheduledName, _scheduleDrainName, _appendName,
        _popleftName, _contextName, _runName,
        _cancelledName, _contextSlotName, _callbackName, _argsName;
    private static byte* _contextUtf8;
    private static IntPtr _true, _false, _systemExit, _keyboardInterrupt;
    private static CApi.PyMethodDef* _defs;
    private static CApi.PyMethodDef* _scheduleDefs;

    /// <summary>
    /// <c>(call_soon, run_ready)</c> for <paramref name="loopType"/>: a method descriptor to set as its
    /// <c>call_soon</c> (falling back to <paramref name="slowCallSoon"/>, the Python one) and a builtin function that
    /// reports a callback's exception through <paramref name="report"/>. Throws when the interpreter's
    /// <paramref name="handleType"/> is not laid out as CPython 3.11's asyncio.Handle.
    /// </summary>
    public static PyObject Functions(PyObject loopType, PyObject handleType, PyObject slowCallSoon, PyObject report)
    {
        CApi.Bind();
        if (_defs == null)
        {
            Prepare(handleType, slowCallSoon, report);
        }
        var callSoon = CApi.PyDescr_NewMethod(CApi.Address(loopType), &_defs[0]);
        var runReady = CApi.PyCFunction_NewEx(&_defs[1], IntPtr.Zero, IntPtr.Zero);
        if (callSoon == IntPtr.Zero || runReady == IntPtr.Zero)
        {
            throw CApi.FetchError();
        }
        return new PyTuple(new[] { CApi.Steal(callSoon), CApi.Steal(runReady) });
    }

    /// <summary>
    /// <c>(schedule_drain, schedule_drain_threadsafe)</c> of <paramref name="facade"/> as builtin functions: the .NET
    /// calls a busy loop makes once per iteration (and call_soon_threadsafe once per call), without Python.NET's
    /// method binder, which costs microseconds. The caller holds the GIL.
    /// </summary>
    public static PyObject ScheduleFunctions(LoopFacade facade)
    {
        CApi.Bind();
        if (_scheduleDefs == null)
        {
            var defs = (CApi.PyMethodDef*)NativeMemory.AllocZeroed((nuint)(2 * sizeof(CApi.PyMethodDef)));
            defs[0].ml_name = CApi.Utf8("schedule_drain");
            defs[0].ml_meth = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&ScheduleDrain;
            defs[0].ml_flags = MethNoArgs;
            defs[1].ml_name = CApi.Utf8("schedule_drain_threadsafe");
            defs[1].ml_meth = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)&ScheduleDrainThreadsafe;
            defs[1].ml_flags = MethNoArgs;
            _scheduleDefs = defs;
        }
        var capsule = CApi.Capsule(facade);
        var functions = new PyTuple(new[]
        {
            CApi.Steal(CApi.PyCFunction_NewEx(&_scheduleDefs[0], capsule, IntPtr.Zero)),
            CApi.Steal(CApi.PyCFunction_NewEx(&_scheduleDefs[1], capsule, IntPtr.Zero)),
        });
        CApi.Py_DecRef(capsule);
        return functions;
    }

    [UnmanagedCallersOnly]
    private static IntPtr ScheduleDrain(IntPtr self, IntPtr unused) =>
        Schedule(self, static facade => facade.schedule_drain());

    [UnmanagedCallersOnly]
    private static IntPtr ScheduleDrainThreadsafe(IntPtr self, IntPtr unused) =>
        Schedule(self, static facade => facade.schedule_drain_threadsafe());

    // An exception must not unwind into C: it becomes the Python exception and the call returns NULL.
    private static IntPtr Schedule(IntPtr self, Action<LoopFacade> schedule)
    {
        try
        {
            schedule((LoopFacade)CApi.CapsuleTarget(self));
            return CApi.NewNone();
        }
        catch (Exception e)
        {
            CApi.SetError(e);
            return IntPtr.Zero;
        }
    }

    private static void Prepare(PyObject handleType, PyObject slowCallSoon, PyObject report)
    {
        _handleType = Keep(handleType);
        _slowCallSoon = Keep(slowCallSoon);
        _report = Keep(report);
        var offsets = new nint[SlotNames.Length];
        for (var i = 0; i < SlotNames.Length; i++)
        {
            offsets[i] = SlotOffset(handleType, SlotNames[i]);
        }
        (_callback, _args, _cancelled, _loop, _sourceTraceback, _repr, _context) =
            (offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5], offsets[6]);
        _closedName = CApi.Intern("_closed");
        _threadIdName = CApi.Intern("_thread_id");
        _escapeName = CApi.Intern("_escape");
        _debugName = CApi.Intern("_debug");
        _readyName = CApi.Intern("_ready");
        _drainScheduledName = CApi.Intern("_drain_scheduled");
        _scheduleDrainName = CApi.Intern("_schedule_drain");
        _appendName = CApi.Intern("append");
        _popleftName = CApi.Intern("popleft");
        _contextName = CApi.Intern("context");
        _runName = CApi.Intern("run");
        _cancelledName = CApi.Intern("_cancelled");
        _contextSlotName = CApi.Intern("_context");
        _callbackName = CApi.Intern("_callback");
        _argsName = CApi.Intern("_args");
        _contextUtf8 = CApi.Utf8("context");
        _true = CApi.PyBool_FromLong(1);
        _false = CApi.PyBool_FromLong(0);
        _systemExit = CApi.Exception("PyExc_SystemExit");
        _keyboardInterrupt = CApi.Exception("PyExc_KeyboardInterrupt");
        var defs = (CApi.PyMethodDef*)NativeMemory.AllocZeroed((nuint)(2 * sizeof(CApi.PyMethodDef)));
        defs[0].ml_name = CApi.Utf8("call_soon");
        defs[0].ml_meth = (delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr, IntPtr>)&CallSoon;
        defs[0].ml_flags = MethFastcallKeywords;
        // The text signature makes inspect.signature(loop.call_soon) CPython's.
        defs[0].ml_doc = CApi.Utf8("call_soon($self, callback, *args, context=None)\n--\n\n"
                                   + "Arrange for a callback to be called as soon as possible.");
        defs[1].ml_name = CApi.Utf8("run_ready");
        defs[1].ml_meth = (delegate* unmanaged<IntPtr, IntPtr*, nint, IntPtr>)&RunReady;
        defs[1].ml_flags = MethFastcall;
        _defs = defs;
    }

    // A new reference kept for the life of the process.
    private static IntPtr Keep(PyObject obj)
    {
        var pointer = CApi.Address(obj);
        CApi.Py_IncRef(pointer);
        return pointer;
    }

    /// <summary>Where a __slots__ attribute lives in the instance, read from its member descriptor and checked on an instance.</summary>
    private static nint SlotOffset(PyObject type, string name)
    {
        using var descriptor = type.GetAttr("__dict__")[name];
        if (descriptor.GetPythonType().Name != "member_descriptor")
        {
            throw new InvalidOperationException($"asyncio.Handle.{name} is not a slot");
        }
        var member = *(byte**)((byte*)CApi.Address(descriptor) + DescrMemberField);
        var offset = *(nint*)(member + MemberDefOffsetField);
        using var probe = type.InvokeMethod("__new__", type);
        using var marker = new PyTuple();
        probe.SetAttr(name, marker);
        if (*(IntPtr*)((byte*)CApi.Address(probe) + offset) != CApi.Address(marker))
        {
            throw new InvalidOperationException($"asyncio.Handle.{name} is not where CPython 3.11 keeps it");
        }
        return offset;
    }

    private static IntPtr Slot(IntPtr obj, nint offset) => *(IntPtr*)((byte*)obj + offset);

    // Stores a new reference into a fresh object's empty slot.
    private static void Fill(IntPtr obj, nint offset, IntPtr value)
    {
        CApi.Py_IncRef(value);
        *(IntPtr*)((byte*)obj + offset) = value;
    }

    [UnmanagedCallersOnly]
    private static IntPtr CallSoon(IntPtr self, IntPtr* args, nuint nargsf, IntPtr kwnames)
    {
        var nargs = (nint)(nargsf & ~CApi.VectorcallArgumentsOffset);
        var context = IntPtr.Zero;
        if (kwnames != IntPtr.Zero)
        {
            if (CApi.PyTuple_Size(kwnames) != 1 || !IsContext(CApi.PyTuple_GetItem(kwnames, 0)))
            {
                return Slow(self, args, nargs, kwnames);
            }
            context = args[nargs];
        }
        if (nargs < 1)
        {
            return Slow(self, args, nargs, kwnames);
        }
        var state = Truth(self, _closedName);
        if (state == 0)
        {
            state = Truth(self, _debugName);
        }
        if (state != 0)
        {
            return state < 0 ? IntPtr.Zero : Slow(self, args, nargs, kwnames);
        }
        var handle = NewHandle(self, args, nargs, context);
        if (handle == IntPtr.Zero)
        {
            return IntPtr.Zero;
        }
        var ready = CApi.PyObject_GetAttr(self, _readyName);
        if (ready == IntPtr.Zero)
        {
            CApi.Py_DecRef(handle);
            return IntPtr.Zero;
        }
        var appended = CallMethod(_appendName, ready, handle);
        CApi.Py_DecRef(ready);
        if (!appended || (state = Truth(self, _drainScheduledName)) < 0
            || (state == 0 && !CallMethod(_scheduleDrainName, self, IntPtr.Zero)))
        {
            CApi.Py_DecRef(handle);
            return IntPtr.Zero;
        }
        return handle;
    }

    // Whether a keyword is "context": interned by Python code, built at run time by C code (_asyncio's Task and Future).
    private static bool IsContext(IntPtr keyword) =>
        keyword == _contextName || CApi.PyUnicode_CompareWithASCIIString(keyword, _contextUtf8) == 0;

    // What Handle(callback, args, loop, context) builds when the loop is not in debug mode.
    private static IntPtr NewHandle(IntPtr loop, IntPtr* args, nint nargs, IntPtr context)
    {
        var tuple = CApi.PyTuple_New(nargs - 1);
        if (tuple == IntPtr.Zero)
        {
            return IntPtr.Zero;
        }
        for (nint i = 1; i < nargs; i++)
        {
            CApi.Py_IncRef(args[i]);
            CApi.PyTuple_SetItem(tuple, i - 1, args[i]);
        }
        if (context == IntPtr.Zero || context == CApi.None)
        {
            context = CApi.PyContext_CopyCurrent();
        }
        else
        {
            CApi.Py_IncRef(context);
        }
        var handle = context == IntPtr.Zero ? IntPtr.Zero : CApi.PyType_GenericAlloc(_handleType, 0);
        if (handle == IntPtr.Zero)
        {
            CApi.Py_DecRef(tuple);
            if (context != IntPtr.Zero)
            {
                CApi.Py_DecRef(context);
            }
            return IntPtr.Zero;
        }
        *(IntPtr*)((byte*)handle + _args) = tuple;
        *(IntPtr*)((byte*)handle + _context) = context;
        Fill(handle, _callback, args[0]);
        Fill(handle, _loop, loop);
        Fill(handle, _cancelled, _false);
        Fill(handle, _sourceTraceback, CApi.None);
        Fill(handle, _repr, CApi.None);
        return handle;
    }

    // The Python call_soon with the same arguments.
    private static IntPtr Slow(IntPtr self, IntPtr* args, nint nargs, IntPtr kwnames)
    {
        var total = nargs + (kwnames == IntPtr.Zero ? 0 : CApi.PyTuple_Size(kwnames));
        var withSelf = new IntPtr[total + 1];
        withSelf[0] = self;
        new ReadOnlySpan<IntPtr>(args, (int)total).CopyTo(withSelf.AsSpan(1));
        fixed (IntPtr* p = withSelf)
        {
            return CApi.PyObject_Vectorcall(_slowCallSoon, p, (nuint)(nargs + 1), kwnames);
        }
    }

    // The truth of obj.name: 1, 0, or -1 with a Python error set.
    private static int Truth(IntPtr obj, IntPtr name)
    {
        var value = CApi.PyObject_GetAttr(obj, name);
        if (value == IntPtr.Zero)
        {
            return -1;
        }
        var truth = value == _true ? 1 : value == _false ? 0 : CApi.PyObject_IsTrue(value);
        CApi.Py_DecRef(value);
        return truth;
    }

    // target.name() or target.name(arg), the result dropped; false with a Python error set.
    private static bool CallMethod(IntPtr name, IntPtr target, IntPtr arg)
    {
        var result = CApi.TryCallMethod(target, name, arg);
        CApi.Py_DecRef(result);
        return result != IntPtr.Zero;
    }

    /// <summary>
    /// One drain of the Python loop's ready queue, what its <c>_drain</c> does, without that Python frame: runs the
    /// handles that were ready when the iteration began; an exception that leaves a callback (SystemExit,
    /// KeyboardInterrupt) goes to <c>loop._escape</c>. Returns a new reference to True when handles remain for the
    /// next iteration. A loop run from C# (no <c>_thread_id</c>) or in debug mode is left to
    /// <paramref name="pythonDrain"/>. The caller holds the GIL; a Python error is thrown as a <see cref="PythonError"/>.
    /// </summary>
    public static IntPtr Drain(IntPtr loop, IntPtr pythonDrain)
    {
        var thread = CApi.PyObject_GetAttr(loop, _threadIdName);
        if (thread == IntPtr.Zero)
        {
            throw CApi.FetchError();
        }
        CApi.Py_DecRef(thread);
        // 1: run from C# or in debug mode, the Python drain's cases; -1: reading _debug failed.
        var leftToPython = thread == CApi.None ? 1 : Truth(loop, _debugName);
        if (leftToPython != 0)
        {
            var result = leftToPython > 0 ? CApi.PyObject_CallNoArgs(pythonDrain) : IntPtr.Zero;
            return result != IntPtr.Zero ? result : throw CApi.FetchError();
        }
        var ready = CApi.PyObject_GetAttr(loop, _readyName);
        if (ready == IntPtr.Zero)
        {
            throw CApi.FetchError();
        }
        try
        {
            var count = CApi.PyObject_Size(ready);
            if (count < 0)
            {
                throw CApi.FetchError();
            }
            if (!RunFirst(ready, count))
            {
                Escape(loop);
            }
            if (CApi.PyObject_Size(ready) > 0)
            {
                CApi.Py_IncRef(_true);
                return _true;
            }
        }
        finally
        {
            CApi.Py_DecRef(ready);
        }
        if (CApi.PyObject_SetAttr(loop, _drainScheduledName, _false) != 0)
        {
            throw CApi.FetchError();
        }
        CApi.Py_IncRef(_false);
        return _false;
    }

    // loop._escape(exc) for the exception that ended the drain, as the Python drain's except clause.
    private static void Escape(IntPtr loop)
    {
        var exc = CApi.FetchErrorValue();
        var escaped = CallMethod(_escapeName, loop, exc);
        CApi.Py_DecRef(exc);
        if (!escaped)
        {
            throw CApi.FetchError();
        }
    }

    /// <summary><c>run_ready(ready, n)</c>: runs the first n handles of the deque; None, or NULL with the exception that ends the drain.</summary>
    [UnmanagedCallersOnly]
    private static IntPtr RunReady(IntPtr self, IntPtr* args, nint nargs)
    {
        var count = CApi.PyLong_AsLong(args[1]);
        if (count == -1 && CApi.PyErr_Occurred() != IntPtr.Zero)
        {
            return IntPtr.Zero;
        }
        return RunFirst(args[0], (nint)count) ? CApi.NewNone() : IntPtr.Zero;
    }

    // Runs the first count handles of the deque; false with the exception that ends the drain set.
    private static bool RunFirst(IntPtr ready, nint count)
    {
        for (nint i = 0; i < count; i++)
        {
            var handle = CApi.TryCallMethod(ready, _popleftName);
            if (handle == IntPtr.Zero || !Run(handle))
            {
                return false;
            }
        }
        return true;
    }

    // Handle._run for one handle (the reference is consumed); false when an exception leaves the drain.
    private static bool Run(IntPtr handle)
    {
        var fields = stackalloc IntPtr[4];
        var ok = Fields(handle, fields);
        if (ok)
        {
            var cancelled = fields[0];
            var truth = cancelled == _false ? 0 : cancelled == _true ? 1 : CApi.PyObject_IsTrue(cancelled);
            if (truth == 0)
            {
                var result = Call(fields[1], fields[2], ref fields[3]);
                if (result != IntPtr.Zero)
                {
                    CApi.Py_DecRef(result);
                }
                else
                {
                    ok = Report(handle);
                }
            }
            ok &= truth >= 0;
            for (var i = 0; i < 4; i++)
            {
                CApi.Py_DecRef(fields[i]);
            }
        }
        CApi.Py_DecRef(handle);
        return ok;
    }

    // context.run(callback, *args): a new reference, or NULL with the exception set. args (a reference the caller
    // drops) becomes a tuple first when it is another iterable, which *args takes and the C calls do not.
    private static IntPtr Call(IntPtr context, IntPtr callback, ref IntPtr args)
    {
        if (CApi.TypeOf(args) != CApi.TupleType)
        {
            var tuple = CApi.PySequence_Tuple(args);
            if (tuple == IntPtr.Zero)
            {
                return IntPtr.Zero;
            }
            CApi.Py_DecRef(args);
            args = tuple;
        }
        return CApi.TypeOf(context) == CApi.ContextType
            ? RunIn(context, callback, args)
            : CallRun(context, callback, args);
    }

    // New references to handle._cancelled, _context, _callback and _args: from the slots of an asyncio.Handle, by
    // attribute from anything else put in _ready; false with a Python error set.
    private static bool Fields(IntPtr handle, IntPtr* fields)
    {
        var offsets = stackalloc nint[4] { _cancelled, _context, _callback, _args };
        var names = stackalloc IntPtr[4] { _cancelledName, _contextSlotName, _callbackName, _argsName };
        var slots = CApi.PyObject_TypeCheck(handle, _handleType);
        for (var i = 0; i < 4; i++)
        {
            var value = slots ? Slot(handle, offsets[i]) : CApi.PyObject_GetAttr(handle, names[i]);
            if (value == IntPtr.Zero)
            {
                // A slot emptied from Python reads as Python's AttributeError.
                value = slots ? CApi.PyObject_GetAttr(handle, names[i]) : IntPtr.Zero;
                if (value == IntPtr.Zero)
                {
                    for (var j = 0; j < i; j++)
                    {
                        CApi.Py_DecRef(fields[j]);
                    }
                    return false;
                }
            }
            else if (slots)
            {
                CApi.Py_IncRef(value);
            }
            fields[i] = value;
        }
        return true;
    }

    // context.run(callback, *args) for a Context: a new reference, or NULL with the exception set.
    private static IntPtr RunIn(IntPtr context, IntPtr callback, IntPtr args)
    {
        if (CApi.PyContext_Enter(context) != 0)
        {
            return IntPtr.Zero;
        }
        var result = CApi.PyObject_Call(callback, args, IntPtr.Zero);
        if (CApi.PyContext_Exit(context) != 0 && result != IntPtr.Zero)
        {
            CApi.Py_DecRef(result);
            return IntPtr.Zero;
        }
        return result;
    }

    // The same through the attribute, for a context that is not a Context (Python fails the same way).
    private static IntPtr CallRun(IntPtr context, IntPtr callback, IntPtr args)
    {
        var run = CApi.PyObject_GetAttr(context, _runName);
        if (run == IntPtr.Zero)
        {
            return IntPtr.Zero;
        }
        var count = CApi.PyTuple_Size(args);
        var call = new IntPtr[count + 1];
        call[0] = callback;
        for (nint i = 0; i < count; i++)
        {
            call[i + 1] = CApi.PyTuple_GetItem(args, i);
        }
        IntPtr result;
        fixed (IntPtr* p = call)
        {
            result = CApi.PyObject_Vectorcall(run, p, (nuint)call.Length, IntPtr.Zero);
        }
        CApi.Py_DecRef(run);
        return result;
    }

    // The callback's exception: SystemExit and KeyboardInterrupt leave the drain, others go to report(handle, exc).
    private static bool Report(IntPtr handle)
    {
        if (CApi.PyErr_ExceptionMatches(_systemExit) != 0 || CApi.PyErr_ExceptionMatches(_keyboardInterrupt) != 0)
        {
            return false;
        }
        var exc = CApi.FetchErrorValue();
        var call = stackalloc IntPtr[2] { handle, exc };
        var result = CApi.PyObject_Vectorcall(_report, call, 2, IntPtr.Zero);
        CApi.Py_DecRef(exc);
        if (result == IntPtr.Zero)
        {
            return false;
        }
        CApi.Py_DecRef(result);
        return true;
    }
}

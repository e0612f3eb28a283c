using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>base_subprocess.BaseSubprocessTransport</c>: a child process and the pipe transports of its
/// stdin/stdout/stderr. Protocol calls made before connection_made() are queued and replayed after it;
/// connection_lost() comes once the child exited and every pipe is disconnected.
/// </summary>
public abstract class BaseSubprocessTransport : SubprocessTransport
{
    private readonly Dictionary<string, object?> _extra = new();
    private bool _closed;
    private BaseProtocol? _protocol;
    private readonly BaseEventLoop _loop;
    private int? _pid;
    private int? _returncode;
    private List<Future>? _exitWaiters = new();
    private List<Action>? _pendingCalls = new();
    private readonly SortedDictionary<int, WriteSubprocessPipeProto?> _pipes = new();
    private bool _finished;

    /// <summary>Python's <c>BaseSubprocessTransport.__init__</c>: starts the child (through <see cref="Start"/>) and connects its pipes.</summary>
    private protected BaseSubprocessTransport(BaseEventLoop loop, BaseProtocol protocol, int? stdin, int? stdout, int? stderr,
        Future? waiter)
    {
        _protocol = protocol;
        _loop = loop;
        if (stdin == Subprocess.PIPE)
        {
            _pipes[0] = null;
        }
        if (stdout == Subprocess.PIPE)
        {
            _pipes[1] = null;
        }
        if (stderr == Subprocess.PIPE)
        {
            _pipes[2] = null;
        }
        _waiter = waiter;
    }

    private readonly Future? _waiter;

    /// <summary>Starts the child, then connects the pipes in a task (the second half of Python's <c>__init__</c>).</summary>
    private protected void Begin()
    {
        try
        {
            _pid = Start();
        }
        catch (Exception)
        {
            Close();
            throw;
        }
        _extra["subprocess"] = _pid;
        _loop.CreateTask(ConnectPipes(_waiter));
    }

    /// <summary>Python's <c>_start(...)</c>: starts the child; returns its pid.</summary>
    private protected abstract int Start();

    /// <summary>The child's stdin, stdout and stderr pipe ends on this side, once started (Python's <c>proc.stdin</c>...).</summary>
    private protected System.IO.Stream? ProcStdin { get; set; }

    /// <inheritdoc cref="ProcStdin"/>
    private protected System.IO.Stream? ProcStdout { get; set; }

    /// <inheritdoc cref="ProcStdin"/>
    private protected System.IO.Stream? ProcStderr { get; set; }

    /// <summary>Python's <c>self._proc.poll() is None</c>: the child was started and not yet reaped.</summary>
    private protected abstract bool ProcRunning { get; }

    /// <summary>Python's <c>self._proc.send_signal(sig)</c>.</summary>
    private protected abstract void ProcSendSignal(int sig);

    /// <inheritdoc />
    public override object? GetExtraInfo(string name, object? @default = null) =>
        _extra.TryGetValue(name, out var value) ? value : @default;

    /// <inheritdoc />
    public override string ToString()
    {
        var info = new List<string> { GetType().Name };
        if (_closed)
        {
            info.Add("closed");
        }
        if (_pid is not null)
        {
            info.Add($"pid={_pid}");
        }
        if (_returncode is not null)
        {
            info.Add($"returncode={_returncode}");
        }
        else
        {
            info.Add(_pid is not null ? "running" : "not started");
        }
        foreach (var (fd, name) in new[] { (0, "stdin"), (1, "stdout"), (2, "stderr") })
        {
            if (_pipes.GetValueOrDefault(fd) is { } proto)
            {
                info.Add($"{name}={proto.Pipe}");
            }
        }
        return $"<{string.Join(' ', info)}>";
    }

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol) => _protocol = protocol;

    /// <inheritdoc />
    public override BaseProtocol GetProtocol() => _protocol!;

    /// <inheritdoc />
    public override bool IsClosing() => _closed;

    /// <summary>Python's <c>close()</c>: closes the pipes and kills the child if it still runs.</summary>
    public override void Close()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        foreach (var proto in _pipes.Values)
        {
            proto?.Pipe?.Close();
        }
        if (_returncode is null && ProcRunning)
        {
            try
            {
                ProcSendSignal(Interop.Libc.SIGKILL);
            }
            catch (ProcessLookupError)
            {
            }
        }
    }

    /// <inheritdoc />
    public override int GetPid() => _pid ?? throw new ProcessLookupError("process not started");

    /// <inheritdoc />
    public override int? GetReturncode() => _returncode;

    /// <inheritdoc />
    public override BaseTransport? GetPipeTransport(int fd) =>
        _pipes.TryGetValue(fd, out var proto) ? proto?.Pipe : null;

    private void CheckProc()
    {
        if (_pid is null || _protocol is null && _finished)
        {
            throw new ProcessLookupError("");
        }
    }

    /// <inheritdoc />
    public override void SendSignal(int signal)
    {
        CheckProc();
        ProcSendSignal(signal);
    }

    /// <inheritdoc />
    public override void Terminate() => SendSignal(Interop.Libc.SIGTERM);

    /// <inheritdoc />
    public override void Kill() => SendSignal(Interop.Libc.SIGKILL);

    /// <summary>Python's <c>_connect_pipes(waiter)</c>.</summary>
    private async Coroutine ConnectPipes(Future? waiter)
    {
        try
        {
            if (ProcStdin is { } stdin)
            {
                var (_, pipe) = await _loop.ConnectWritePipe(() => new WriteSubprocessPipeProto(this, 0), stdin);
                _pipes[0] = (WriteSubprocessPipeProto)pipe;
            }
            if (ProcStdout is { } stdout)
            {
                var (_, pipe) = await _loop.ConnectReadPipe(() => new ReadSubprocessPipeProto(this, 1), stdout);
                _pipes[1] = (WriteSubprocessPipeProto)pipe;
            }
            if (ProcStderr is { } stderr)
            {
                var (_, pipe) = await _loop.ConnectReadPipe(() => new ReadSubprocessPipeProto(this, 2), stderr);
                _pipes[2] = (WriteSubprocessPipeProto)pipe;
            }
            var protocol = _protocol!;
            _loop.CallSoon(() => protocol.ConnectionMade(this));
            foreach (var call in _pendingCalls!)
            {
                _loop.CallSoon(call);
            }
            _pendingCalls = null;
        }
        catch (Exception exc)
        {
            if (waiter is not null && !waiter.Cancelled())
            {
                waiter.SetException(exc);
            }
            return;
        }
        if (waiter is not null && !waiter.Cancelled())
        {
            waiter.SetResult(null);
        }
    }

    /// <summary>Python's <c>_call(cb, *data)</c>: queued until connection_made(), then scheduled.</summary>
    private void Call(Action cb)
    {
        if (_pendingCalls is not null)
        {
            _pendingCalls.Add(cb);
        }
        else
        {
            _loop.CallSoon(cb);
        }
    }

    private SubprocessProtocol? SubprocessProtocol => _protocol as SubprocessProtocol;

    /// <summary>Python's <c>_pipe_connection_lost(fd, exc)</c>.</summary>
    internal void PipeConnectionLost(int fd, Exception? exc)
    {
        var protocol = SubprocessProtocol;
        Call(() => protocol?.PipeConnectionLost(fd, exc));
        TryFinish();
    }

    /// <summary>Python's <c>_pipe_data_received(fd, data)</c>: the bytes are copied, since the call is deferred.</summary>
    internal void PipeDataReceived(int fd, ReadOnlySpan<byte> data)
    {
        var protocol = SubprocessProtocol;
        var copy = data.ToArray();
        Call(() => protocol?.PipeDataReceived(fd, copy));
    }

    /// <summary>Python's <c>_process_exited(returncode)</c>.</summary>
    private protected void ProcessExited(int returncode)
    {
        _returncode = returncode;
        var protocol = SubprocessProtocol;
        Call(() => protocol?.ProcessExited());
        TryFinish();
    }

    /// <summary>Python's <c>_wait()</c>: the return code, once the child exited and the transport finished.</summary>
    internal async Coroutine<int> Wait()
    {
        if (_returncode is { } rc)
        {
            return rc;
        }
        var waiter = _loop.CreateFuture();
        _exitWaiters!.Add(waiter);
        return (int)(await waiter)!;
    }

    /// <summary>Python's <c>_try_finish()</c>.</summary>
    private void TryFinish()
    {
        if (_returncode is null || _finished)
        {
            return;
        }
        foreach (var p in _pipes.Values)
        {
            if (p is null || !p.Disconnected)
            {
                return;
            }
        }
        _finished = true;
        Call(() => CallConnectionLost(null));
    }

    /// <summary>Python's <c>_call_connection_lost(exc)</c>.</summary>
    private void CallConnectionLost(Exception? exc)
    {
        try
        {
            _protocol?.ConnectionLost(exc);
        }
        finally
        {
            foreach (var waiter in _exitWaiters!)
            {
                if (!waiter.Cancelled())
                {
                    waiter.SetResult(_returncode);
                }
            }
            _exitWaiters = null;
            _protocol = null;
        }
    }

    /// <summary>Python's <c>__repr__</c> of a pipe protocol's pipe is the transport's; used by the pipe protocols.</summary>
    internal BaseProtocol? Protocol => _protocol;
}

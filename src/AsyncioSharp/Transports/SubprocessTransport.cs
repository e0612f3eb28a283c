using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.SubprocessTransport</c>.</summary>
public abstract class SubprocessTransport : BaseTransport
{
    /// <summary>Python's <c>get_pid()</c>.</summary>
    public virtual int GetPid() => throw new NotImplementedException();

    /// <summary>Python's <c>get_returncode()</c>: null while the child runs.</summary>
    public virtual int? GetReturncode() => throw new NotImplementedException();

    /// <summary>Python's <c>get_pipe_transport(fd)</c>: the transport of the child's fd 0, 1 or 2, or null.</summary>
    public virtual BaseTransport? GetPipeTransport(int fd) => throw new NotImplementedException();

    /// <summary>Python's <c>send_signal(signal)</c>.</summary>
    public virtual void SendSignal(int signal) => throw new NotImplementedException();

    /// <summary>Python's <c>terminate()</c>.</summary>
    public virtual void Terminate() => throw new NotImplementedException();

    /// <summary>Python's <c>kill()</c>.</summary>
    public virtual void Kill() => throw new NotImplementedException();
}

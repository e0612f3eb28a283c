using System;

namespace AsyncioSharp;

/// <summary>Python's <c>base_subprocess.WriteSubprocessPipeProto</c>: the protocol of the child's stdin pipe.</summary>
internal class WriteSubprocessPipeProto : Protocol
{
    private BaseSubprocessTransport? _proc;

    internal WriteSubprocessPipeProto(BaseSubprocessTransport proc, int fd)
    {
        _proc = proc;
        Fd = fd;
    }

    /// <summary>Python's <c>fd</c>.</summary>
    internal int Fd { get; }

    /// <summary>Python's <c>pipe</c>: the pipe transport, once connected.</summary>
    internal BaseTransport? Pipe { get; private set; }

    /// <summary>Python's <c>disconnected</c>.</summary>
    internal bool Disconnected { get; private set; }

    /// <inheritdoc />
    public override void ConnectionMade(BaseTransport transport) => Pipe = transport;

    /// <inheritdoc />
    public override string ToString() => $"<{GetType().Name} fd={Fd} pipe={Pipe}>";

    /// <inheritdoc />
    public override void ConnectionLost(Exception? exc)
    {
        Disconnected = true;
        _proc?.PipeConnectionLost(Fd, exc);
        _proc = null;
    }

    /// <inheritdoc />
    public override void PauseWriting() => _proc?.Protocol?.PauseWriting();

    /// <inheritdoc />
    public override void ResumeWriting() => _proc?.Protocol?.ResumeWriting();

    /// <summary>The owning transport, for the read side.</summary>
    private protected BaseSubprocessTransport? Proc => _proc;
}

/// <summary>Python's <c>base_subprocess.ReadSubprocessPipeProto</c>: the protocol of the child's stdout or stderr pipe.</summary>
internal sealed class ReadSubprocessPipeProto : WriteSubprocessPipeProto
{
    internal ReadSubprocessPipeProto(BaseSubprocessTransport proc, int fd) : base(proc, fd) { }

    /// <inheritdoc />
    public override void DataReceived(ReadOnlySpan<byte> data) => Proc?.PipeDataReceived(Fd, data);
}

using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.subprocess.SubprocessStreamProtocol</c>: like <see cref="StreamReaderProtocol"/>, for a
/// child's pipes — a <see cref="StreamWriter"/> on its stdin, <see cref="StreamReader"/>s on its stdout and stderr.
/// </summary>
public class SubprocessStreamProtocol : SubprocessProtocol, IStreamWriterProtocol
{
    private readonly int _limit;
    private readonly AbstractEventLoop _loop;
    private readonly DrainWaiters _drain;
    private SubprocessTransport? _transport;
    private bool _processExited;
    private readonly List<int> _pipeFds = new();
    private readonly Future _stdinClosed;

    /// <summary>Python's <c>SubprocessStreamProtocol(limit, loop)</c>.</summary>
    public SubprocessStreamProtocol(int limit, AbstractEventLoop loop)
    {
        _limit = limit;
        _loop = loop;
        _drain = new DrainWaiters(loop);
        _stdinClosed = loop.CreateFuture();
    }

    /// <summary>Python's <c>stdin</c>: the writer on the child's stdin, if it is a pipe.</summary>
    public StreamWriter? Stdin { get; private set; }

    /// <summary>Python's <c>stdout</c>: the reader of the child's stdout, if it is a pipe.</summary>
    public StreamReader? Stdout { get; private set; }

    /// <summary>Python's <c>stderr</c>: the reader of the child's stderr, if it is a pipe.</summary>
    public StreamReader? Stderr { get; private set; }

    /// <inheritdoc />
    public override string ToString()
    {
        var info = new List<string> { nameof(SubprocessStreamProtocol) };
        if (Stdin is not null)
        {
            info.Add($"stdin={Stdin}");
        }
        if (Stdout is not null)
        {
            info.Add($"stdout={Stdout}");
        }
        if (Stderr is not null)
        {
            info.Add($"stderr={Stderr}");
        }
        return $"<{string.Join(' ', info)}>";
    }

    /// <inheritdoc />
    public override void ConnectionMade(BaseTransport transport)
    {
        var subprocessTransport = (SubprocessTransport)transport;
        _transport = subprocessTransport;
        if (subprocessTransport.GetPipeTransport(1) is { } stdoutTransport)
        {
            Stdout = new StreamReader(_limit, _loop);
            Stdout.SetTransport(stdoutTransport);
            _pipeFds.Add(1);
        }
        if (subprocessTransport.GetPipeTransport(2) is { } stderrTransport)
        {
            Stderr = new StreamReader(_limit, _loop);
            Stderr.SetTransport(stderrTransport);
            _pipeFds.Add(2);
        }
        if (subprocessTransport.GetPipeTransport(0) is { } stdinTransport)
        {
            Stdin = new StreamWriter(stdinTransport, this, null, _loop);
        }
    }

    /// <inheritdoc />
    public override void PipeDataReceived(int fd, ReadOnlySpan<byte> data) => ReaderOf(fd)?.FeedData(data);

    private StreamReader? ReaderOf(int fd) => fd switch
    {
        1 => Stdout,
        2 => Stderr,
        _ => null,
    };

    /// <inheritdoc />
    public override void PipeConnectionLost(int fd, Exception? exc)
    {
        if (fd == 0)
        {
            Stdin?.Close();
            ConnectionLost(exc);
            if (exc is null)
            {
                _stdinClosed.SetResult(null);
            }
            else
            {
                _stdinClosed.SetException(exc);
                // Python sets _log_traceback = False: nobody has to retrieve it.
                _stdinClosed.Exception();
            }
            return;
        }
        if (ReaderOf(fd) is { } reader)
        {
            if (exc is null)
            {
                reader.FeedEof();
            }
            else
            {
                reader.SetException(exc);
            }
        }
        _pipeFds.Remove(fd);
        MaybeCloseTransport();
    }

    /// <inheritdoc />
    public override void ProcessExited()
    {
        _processExited = true;
        MaybeCloseTransport();
    }

    private void MaybeCloseTransport()
    {
        if (_pipeFds.Count == 0 && _processExited)
        {
            _transport?.Close();
            _transport = null;
        }
    }

    /// <summary>Python's <c>pause_writing()</c> (from streams.FlowControlMixin).</summary>
    public override void PauseWriting() => _drain.PauseWriting();

    /// <summary>Python's <c>resume_writing()</c> (from streams.FlowControlMixin).</summary>
    public override void ResumeWriting() => _drain.ResumeWriting();

    /// <summary>Python's <c>connection_lost(exc)</c> (from streams.FlowControlMixin).</summary>
    public override void ConnectionLost(Exception? exc) => _drain.ConnectionLost(exc);

    Coroutine IStreamWriterProtocol.DrainHelper() => _drain.DrainHelper();

    bool IStreamWriterProtocol.DrainReady => _drain.Ready;

    Future? IStreamWriterProtocol.GetCloseWaiter(StreamWriter stream) => ReferenceEquals(stream, Stdin) ? _stdinClosed : null;
}

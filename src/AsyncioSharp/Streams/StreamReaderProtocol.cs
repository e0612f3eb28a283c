using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.StreamReaderProtocol</c>: adapts a <see cref="Protocol"/> to a <see cref="StreamReader"/>
/// (data and EOF go to the reader) and, for a server, makes the <see cref="StreamWriter"/> and calls
/// <c>client_connected_cb(reader, writer)</c>, running it as a task when it is a coroutine. Its flow control is
/// Python's <c>streams.FlowControlMixin</c>.
/// </summary>
public class StreamReaderProtocol : Protocol, IStreamWriterProtocol
{
    private readonly AbstractEventLoop _loop;
    private readonly StreamFlowControl _flowControl;
    private readonly Func<StreamReader, StreamWriter, Coroutine?>? _clientConnectedCb;
    private readonly Future _closed;
    private StreamReader? _streamReader;
    private StreamWriter? _streamWriter;
    private AsyncioTask? _task;
    private bool _overSsl;

    /// <summary>Python's <c>StreamReaderProtocol(stream_reader, client_connected_cb=None, loop=None)</c> with a plain callback.</summary>
    public StreamReaderProtocol(StreamReader? streamReader, Action<StreamReader, StreamWriter>? clientConnectedCb = null,
        AbstractEventLoop? loop = null)
        : this(streamReader, loop, clientConnectedCb is null ? null : (r, w) =>
        {
            clientConnectedCb(r, w);
            return null;
        })
    {
    }

    /// <summary>
    /// Python's <c>StreamReaderProtocol(stream_reader, client_connected_cb, loop=None)</c> with a coroutine function:
    /// each connection runs it in a task; an exception it raises is reported and closes the transport.
    /// </summary>
    public StreamReaderProtocol(StreamReader? streamReader, Func<StreamReader, StreamWriter, Coroutine> clientConnectedCb,
        AbstractEventLoop? loop = null)
        : this(streamReader, loop, (r, w) => clientConnectedCb(r, w))
    {
    }

    private StreamReaderProtocol(StreamReader? streamReader, AbstractEventLoop? loop,
        Func<StreamReader, StreamWriter, Coroutine?>? clientConnectedCb)
    {
        _loop = loop ?? Asyncio.GetEventLoop();
        _flowControl = new StreamFlowControl(_loop, this);
        _streamReader = streamReader;
        _clientConnectedCb = clientConnectedCb;
        _closed = _loop.CreateFuture();
    }

    StreamFlowControl IStreamWriterProtocol.FlowControl => _flowControl;

    /// <summary>The loop (Python's <c>_loop</c>).</summary>
    internal AbstractEventLoop Loop => _loop;

    /// <summary>True when made by <c>start_server</c> (Python: <c>_client_connected_cb is not None</c>).</summary>
    internal bool IsServerSide => _clientConnectedCb is not null;

    /// <summary>Python's <c>_stream_reader</c>.</summary>
    internal StreamReader? StreamReader => _streamReader;

    /// <summary>Python's <c>_replace_writer(writer)</c>: after start_tls, the writer's new transport.</summary>
    internal void ReplaceWriter(StreamWriter writer)
    {
        _streamWriter = writer;
        _overSsl = writer.Transport.GetExtraInfo("sslcontext") is not null;
    }

    /// <inheritdoc cref="BaseProtocol.ConnectionMade" />
    public override void ConnectionMade(BaseTransport transport)
    {
        var reader = _streamReader;
        reader?.SetTransport(transport);
        _overSsl = transport.GetExtraInfo("sslcontext") is not null;
        if (_clientConnectedCb is null)
        {
            return;
        }
        _streamWriter = new StreamWriter((WriteTransport)transport, this, reader, _loop);
        var res = _clientConnectedCb(reader!, _streamWriter);
        if (res is not null)
        {
            _task = _loop.CreateTask(res);
            _task.AddDoneCallback(task =>
            {
                var exc = task.Exception();
                if (exc is not null)
                {
                    _loop.CallExceptionHandler(new Dictionary<string, object?>
                    {
                        ["message"] = "Unhandled exception in client_connected_cb",
                        ["exception"] = exc,
                        ["transport"] = transport,
                    });
                    transport.Close();
                }
            });
        }
    }

    /// <inheritdoc cref="BaseProtocol.ConnectionLost" />
    public override void ConnectionLost(Exception? exc)
    {
        var reader = _streamReader;
        if (reader is not null)
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
        if (!_closed.Done())
        {
            if (exc is null)
            {
                _closed.SetResult(null);
            }
            else
            {
                _closed.SetException(exc);
                // Python's __del__ retrieves it so that an unawaited wait_closed() logs nothing.
                _closed.Exception();
            }
        }
        _flowControl.ConnectionLost(exc);
        _streamReader = null;
        _streamWriter = null;
        _task = null;
    }

    /// <inheritdoc cref="Protocol.DataReceived" />
    public override void DataReceived(ReadOnlySpan<byte> data) => _streamReader?.FeedData(data);

    /// <inheritdoc cref="Protocol.EofReceived" />
    public override bool EofReceived()
    {
        _streamReader?.FeedEof();
        // Over TLS, returning true has no effect and only makes SSLProtocol warn.
        return !_overSsl;
    }

    /// <inheritdoc cref="BaseProtocol.PauseWriting" />
    public override void PauseWriting() => _flowControl.PauseWriting();

    /// <inheritdoc cref="BaseProtocol.ResumeWriting" />
    public override void ResumeWriting() => _flowControl.ResumeWriting();

    Future IStreamWriterProtocol.GetCloseWaiter(StreamWriter stream) => _closed;
}

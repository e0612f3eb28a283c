using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.StreamReaderProtocol</c>: feeds a <see cref="StreamReader"/> from a transport and, on a
/// server, calls <c>client_connected_cb(reader, writer)</c> for the connection (a coroutine result runs as a task).
/// </summary>
public class StreamReaderProtocol : StreamFlowControlMixin
{
    private StreamReader? _streamReader;
    private StreamWriter? _streamWriter;
    private AsyncioTask? _task;
    private BaseTransport? _transport;
    private readonly Func<StreamReader, StreamWriter, Coroutine?>? _clientConnectedCb;
    private bool _overSsl;
    private readonly Future _closed;

    /// <summary>Python's <c>StreamReaderProtocol(stream_reader, client_connected_cb=None, loop=None)</c>, with a coroutine callback.</summary>
    public StreamReaderProtocol(StreamReader? streamReader, Func<StreamReader, StreamWriter, Coroutine?>? clientConnectedCb = null,
        AbstractEventLoop? loop = null) : base(loop)
    {
        _streamReader = streamReader;
        _clientConnectedCb = clientConnectedCb;
        _closed = _loop.CreateFuture();
    }

    /// <summary>True on the server side (Python: <c>_client_connected_cb is not None</c>).</summary>
    internal bool HasClientConnectedCb => _clientConnectedCb is not null;

    /// <summary>Python's <c>_replace_writer(writer)</c>, after start_tls().</summary>
    internal void ReplaceWriter(StreamWriter writer)
    {
        _streamWriter = writer;
        _transport = writer.Transport;
        _overSsl = _transport.GetExtraInfo("sslcontext") is not null;
    }

    /// <inheritdoc />
    public override void ConnectionMade(BaseTransport transport)
    {
        _transport = transport;
        _streamReader?.SetTransport(transport);
        _overSsl = transport.GetExtraInfo("sslcontext") is not null;
        if (_clientConnectedCb is null)
        {
            return;
        }
        _streamWriter = new StreamWriter(transport, this, _streamReader, _loop);
        var res = _clientConnectedCb(_streamReader!, _streamWriter);
        if (res is not null)
        {
            _task = _loop.CreateTask(res);
            _task.AddDoneCallback(task =>
            {
                if (!task.Cancelled() && task.Exception() is { } exc)
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

    /// <inheritdoc />
    public override void ConnectionLost(Exception? exc)
    {
        if (_streamReader is { } reader)
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
                // Python's __del__ retrieves it: nobody has to call wait_closed() to silence it.
                _closed.Exception();
            }
        }
        base.ConnectionLost(exc);
        _streamReader = null;
        _streamWriter = null;
        _task = null;
        _transport = null;
    }

    /// <inheritdoc />
    public override void DataReceived(ReadOnlySpan<byte> data) => _streamReader?.FeedData(data);

    /// <inheritdoc />
    public override bool EofReceived()
    {
        _streamReader?.FeedEof();
        // Over TLS, closing is the only way to answer a close_notify.
        return !_overSsl;
    }

    internal override Future GetCloseWaiter(StreamWriter stream) => _closed;
}

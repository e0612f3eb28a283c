using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.StreamReader</c>: bytes fed by a protocol (<see cref="FeedData"/>, <see cref="FeedEof"/>),
/// read by coroutines. <c>async for line in reader:</c> is <c>await foreach (var line in reader)</c>.
/// </summary>
public class StreamReader : IAsyncEnumerable<byte[]>
{
    private readonly int _limit;
    private readonly AbstractEventLoop _loop;
    private readonly StreamBuffer _buffer = new();
    private bool _eof;
    private Future? _waiter;
    private Exception? _exception;
    private BaseTransport? _transport;
    private bool _paused;

    /// <summary>Python's <c>StreamReader(limit=_DEFAULT_LIMIT, loop=None)</c>; <see cref="ValueError"/> if limit &lt;= 0.</summary>
    public StreamReader(int limit = Asyncio._DEFAULT_LIMIT, AbstractEventLoop? loop = null)
    {
        if (limit <= 0)
        {
            throw new ValueError("Limit cannot be <= 0");
        }
        _limit = limit;
        _loop = loop ?? Asyncio.GetEventLoop();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var info = new List<string> { "StreamReader" };
        if (_buffer.Length > 0)
        {
            info.Add($"{_buffer.Length} bytes");
        }
        if (_eof)
        {
            info.Add("eof");
        }
        if (_limit != Asyncio._DEFAULT_LIMIT)
        {
            info.Add($"limit={_limit}");
        }
        if (_waiter is not null)
        {
            info.Add($"waiter={_waiter}");
        }
        if (_exception is not null)
        {
            info.Add($"exception={_exception.GetType().Name}({_exception.Message})");
        }
        if (_transport is not null)
        {
            info.Add($"transport={_transport}");
        }
        if (_paused)
        {
            info.Add("paused");
        }
        return $"<{string.Join(' ', info)}>";
    }

    /// <summary>Python's <c>_limit</c>.</summary>
    internal int Limit => _limit;

    /// <summary>Python's <c>_buffer</c>, for tests.</summary>
    internal ReadOnlySpan<byte> Buffer => _buffer.Span;

    /// <summary>Python's <c>_paused</c>, for tests.</summary>
    internal bool Paused => _paused;

    /// <summary>Python's <c>exception()</c>.</summary>
    public Exception? Exception() => _exception;

    /// <summary>Python's <c>set_exception(exc)</c>: the pending and all later reads raise <paramref name="exc"/>.</summary>
    public void SetException(Exception exc)
    {
        _exception = exc;
        var waiter = _waiter;
        if (waiter is not null)
        {
            _waiter = null;
            if (!waiter.Cancelled())
            {
                waiter.SetException(exc);
            }
        }
    }

    /// <summary>Python's <c>_wakeup_waiter()</c>.</summary>
    private void WakeupWaiter()
    {
        var waiter = _waiter;
        if (waiter is not null)
        {
            _waiter = null;
            if (!waiter.Cancelled())
            {
                waiter.SetResult(null);
            }
        }
    }

    /// <summary>Python's <c>set_transport(transport)</c>: the transport to pause while the buffer is over the limit.</summary>
    public void SetTransport(BaseTransport transport)
    {
        if (_transport is not null)
        {
            throw new InvalidOperationException("Transport already set");
        }
        _transport = transport;
    }

    private void MaybeResumeTransport()
    {
        if (_paused && _buffer.Length <= _limit)
        {
            _paused = false;
            ResumeReading(_transport!);
        }
    }

    /// <summary>Python's <c>feed_eof()</c>.</summary>
    public void FeedEof()
    {
        _eof = true;
        WakeupWaiter();
    }

    /// <summary>Python's <c>at_eof()</c>: true once EOF was fed and the buffer is empty.</summary>
    public bool AtEof() => _eof && _buffer.Length == 0;

    /// <summary>Python's <c>feed_data(data)</c>: buffers the bytes; pauses the transport above twice the limit.</summary>
    public void FeedData(ReadOnlySpan<byte> data)
    {
        if (_eof)
        {
            throw new InvalidOperationException("feed_data after feed_eof");
        }
        if (data.IsEmpty)
        {
            return;
        }
        _buffer.Append(data);
        WakeupWaiter();
        if (_transport is not null && !_paused && _buffer.Length > 2 * _limit)
        {
            try
            {
                PauseReading(_transport);
                _paused = true;
            }
            catch (NotImplementedException)
            {
                _transport = null;
            }
        }
    }

    private static void PauseReading(BaseTransport transport)
    {
        switch (transport)
        {
            case Transport t:
                t.PauseReading();
                break;
            case ReadTransport r:
                r.PauseReading();
                break;
            default:
                throw new NotImplementedException();
        }
    }

    private static void ResumeReading(BaseTransport transport)
    {
        switch (transport)
        {
            case Transport t:
                t.ResumeReading();
                break;
            case ReadTransport r:
                r.ResumeReading();
                break;
        }
    }

    /// <summary>Python's <c>_wait_for_data(func_name)</c>: waits for feed_data() or feed_eof(), resuming a paused transport.</summary>
    private async Coroutine WaitForData(string funcName)
    {
        if (_waiter is not null)
        {
            throw new RuntimeError($"{funcName}() called while another coroutine is already waiting for incoming data");
        }
        if (_paused)
        {
            _paused = false;
            ResumeReading(_transport!);
        }
        _waiter = _loop.CreateFuture();
        try
        {
            await _waiter;
        }
        finally
        {
            _waiter = null;
        }
    }

    private void ThrowIfException()
    {
        if (_exception is not null)
        {
            ExceptionDispatchInfo.Throw(_exception);
        }
    }

    /// <summary>
    /// Python's <c>readline()</c>: a line ending with \n, or the partial line at EOF; <see cref="ValueError"/> if
    /// the line exceeds the limit (the line, or the whole buffer if no newline was found, is dropped).
    /// </summary>
    public async Coroutine<byte[]> Readline()
    {
        try
        {
            return await Readuntil(NewLine);
        }
        catch (IncompleteReadError e)
        {
            return e.Partial;
        }
        catch (LimitOverrunError e)
        {
            if (_buffer.Length > e.Consumed && _buffer.Span[(int)e.Consumed] == (byte)'\n')
            {
                _buffer.Consume((int)e.Consumed + 1);
            }
            else
            {
                _buffer.Clear();
            }
            MaybeResumeTransport();
            throw new ValueError(e.Message);
        }
    }

    private static readonly byte[] NewLine = [(byte)'\n'];

    /// <summary>
    /// Python's <c>readuntil(separator=b'\n')</c>: the data up to and including the separator.
    /// <see cref="IncompleteReadError"/> at EOF (the buffer is then emptied); <see cref="LimitOverrunError"/> past
    /// the limit (the data stays buffered).
    /// </summary>
    public async Coroutine<byte[]> Readuntil(byte[]? separator = null)
    {
        separator ??= NewLine;
        var seplen = separator.Length;
        if (seplen == 0)
        {
            throw new ValueError("Separator should be at least one-byte string");
        }
        ThrowIfException();
        var offset = 0;
        int isep;
        while (true)
        {
            var buflen = _buffer.Length;
            if (buflen - offset >= seplen)
            {
                isep = _buffer.Span[offset..].IndexOf(separator);
                if (isep != -1)
                {
                    isep += offset;
                    break;
                }
                offset = buflen + 1 - seplen;
                if (offset > _limit)
                {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            if (_eof)
            {
                var chunk = _buffer.Take(_buffer.Length);
                throw new IncompleteReadError(chunk, null);
            }
            await WaitForData("readuntil");
        }
        if (isep > _limit)
        {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", isep);
        }
        var data = _buffer.Take(isep + seplen);
        MaybeResumeTransport();
        return data;
    }

    /// <summary>
    /// Python's <c>read(n=-1)</c>: up to <paramref name="n"/> bytes as soon as any are there; all bytes until EOF
    /// when n is negative; empty at EOF.
    /// </summary>
    public async Coroutine<byte[]> Read(int n = -1)
    {
        ThrowIfException();
        if (n == 0)
        {
            return [];
        }
        if (n < 0)
        {
            var all = new StreamBuffer();
            while (true)
            {
                var block = await Read(_limit);
                if (block.Length == 0)
                {
                    break;
                }
                all.Append(block);
            }
            return all.Take(all.Length);
        }
        if (_buffer.Length == 0 && !_eof)
        {
            await WaitForData("read");
        }
        var data = _buffer.Take(n);
        MaybeResumeTransport();
        return data;
    }

    /// <summary>
    /// Python's <c>readexactly(n)</c>: exactly <paramref name="n"/> bytes; <see cref="IncompleteReadError"/> if EOF
    /// comes first.
    /// </summary>
    public async Coroutine<byte[]> Readexactly(int n)
    {
        if (n < 0)
        {
            throw new ValueError("readexactly size can not be less than zero");
        }
        ThrowIfException();
        if (n == 0)
        {
            return [];
        }
        while (_buffer.Length < n)
        {
            if (_eof)
            {
                var incomplete = _buffer.Take(_buffer.Length);
                throw new IncompleteReadError(incomplete, n);
            }
            await WaitForData("readexactly");
        }
        var data = _buffer.Take(n);
        MaybeResumeTransport();
        return data;
    }

    /// <summary>
    /// Python's <c>__aiter__</c>: the lines, until <see cref="Readline"/> returns empty (Python's <c>__anext__</c>).
    /// </summary>
    public IAsyncEnumerator<byte[]> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new LineEnumerator(this);

    /// <summary>True when readline() would return without waiting: a newline, EOF or an error is there already.</summary>
    private bool LineReady => _exception is not null || _eof || _buffer.Span.IndexOf((byte)'\n') >= 0;

    /// <summary>
    /// Python's <c>__anext__</c> for <c>await foreach</c>. A .NET enumerator's <c>MoveNextAsync</c> is awaited as a
    /// foreign awaitable, so it must not suspend the task itself: it runs readline() only when readline() cannot
    /// wait, and otherwise waits for data with a done callback on the reader's waiter future.
    /// </summary>
    private sealed class LineEnumerator : IAsyncEnumerator<byte[]>, IValueTaskSource<bool>
    {
        private readonly StreamReader _reader;
        private ManualResetValueTaskSourceCore<bool> _core;

        internal LineEnumerator(StreamReader reader) => _reader = reader;

        public byte[] Current { get; private set; } = [];

        public ValueTask<bool> MoveNextAsync()
        {
            if (_reader.LineReady)
            {
                return new ValueTask<bool>(NextLine());
            }
            _core.Reset();
            WaitThenRead();
            return new ValueTask<bool>(this, _core.Version);
        }

        /// <summary>Runs readline() to its end without suspending (only called when <see cref="LineReady"/>).</summary>
        private bool NextLine()
        {
            var line = _reader.Readline().GetAwaiter().GetResult();
            Current = line;
            return line.Length > 0;
        }

        private void WaitThenRead()
        {
            if (_reader._waiter is not null)
            {
                _core.SetException(new RuntimeError("readline() called while another coroutine is already waiting for incoming data"));
                return;
            }
            if (_reader._paused)
            {
                _reader._paused = false;
                ResumeReading(_reader._transport!);
            }
            var waiter = _reader._loop.CreateFuture();
            _reader._waiter = waiter;
            waiter.AddDoneCallback(_ =>
            {
                if (ReferenceEquals(_reader._waiter, waiter))
                {
                    _reader._waiter = null;
                }
                try
                {
                    waiter.Result();
                    if (_reader.LineReady)
                    {
                        _core.SetResult(NextLine());
                    }
                    else
                    {
                        WaitThenRead();
                    }
                }
                catch (System.Exception exc)
                {
                    _core.SetException(exc);
                }
            });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

        void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token,
            ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
    }
}

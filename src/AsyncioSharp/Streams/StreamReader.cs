using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.StreamReader</c>: a buffer fed by a protocol (<see cref="FeedData"/>, <see cref="FeedEof"/>)
/// and read by coroutines. <c>async for line in reader</c> is <c>await foreach (var line in reader)</c>.
/// </summary>
public sealed class StreamReader : IAsyncEnumerable<byte[]>
{
    /// <summary>Python's <c>streams._DEFAULT_LIMIT</c>: 64 KiB.</summary>
    public const int _DEFAULT_LIMIT = 64 * 1024;

    private readonly int _limit;
    private readonly AbstractEventLoop _loop;

    // Python's bytearray _buffer: the bytes in _data[_start.._end]. Consuming moves _start instead of shifting bytes.
    private byte[] _data = Array.Empty<byte>();
    private int _start;
    private int _end;
    private bool _eof;
    private Future? _waiter;
    private Exception? _exception;
    private BaseTransport? _transport;
    private bool _paused;

    /// <summary>Python's <c>StreamReader(limit=_DEFAULT_LIMIT, loop=None)</c>.</summary>
    public StreamReader(int limit = _DEFAULT_LIMIT, AbstractEventLoop? loop = null)
    {
        // The line length limit is a security feature; it also doubles as half the buffer limit.
        if (limit <= 0)
        {
            throw new ValueError("Limit cannot be <= 0");
        }
        _limit = limit;
        _loop = loop ?? Asyncio.GetEventLoop();
    }

    /// <summary>The buffer limit (Python's <c>_limit</c>).</summary>
    internal int Limit => _limit;

    /// <summary>The loop the reader's futures belong to (Python's <c>_loop</c>).</summary>
    internal AbstractEventLoop Loop => _loop;

    /// <summary>A copy of the buffered bytes (Python's <c>_buffer</c>), for tests.</summary>
    internal byte[] _buffer => _data.AsSpan(_start, _end - _start).ToArray();

    /// <summary>The transport given by <see cref="SetTransport"/> (Python's <c>_transport</c>).</summary>
    internal BaseTransport? Transport => _transport;

    /// <summary>True while reading is paused because the buffer is over twice the limit (Python's <c>_paused</c>).</summary>
    internal bool Paused
    {
        get => _paused;
        set => _paused = value;
    }

    /// <summary>The pending waiter of a read (Python's <c>_waiter</c>).</summary>
    internal Future? Waiter
    {
        get => _waiter;
        set => _waiter = value;
    }

    private int BufferLength => _end - _start;

    /// <summary>Python's <c>repr(reader)</c>.</summary>
    public override string ToString()
    {
        var info = new List<string> { "StreamReader" };
        if (BufferLength > 0)
        {
            info.Add($"{BufferLength} bytes");
        }
        if (_eof)
        {
            info.Add("eof");
        }
        if (_limit != _DEFAULT_LIMIT)
        {
            info.Add($"limit={_limit}");
        }
        if (_waiter is not null)
        {
            info.Add($"waiter={_waiter}");
        }
        if (_exception is not null)
        {
            info.Add($"exception={FormatHelpers.ReprException(_exception)}");
        }
        if (_transport is not null)
        {
            info.Add($"transport={_transport}");
        }
        if (_paused)
        {
            info.Add("paused");
        }
        return "<" + string.Join(" ", info) + ">";
    }

    /// <summary>Python's <c>exception()</c>: the exception set by <see cref="SetException"/>, or null.</summary>
    public Exception? Exception() => _exception;

    /// <summary>Python's <c>set_exception(exc)</c>: later reads raise <paramref name="exc"/>; a waiting read raises it now.</summary>
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

    /// <summary>Python's <c>_wakeup_waiter()</c>: wakes up a read waiting for data or EOF.</summary>
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

    /// <summary>Python's <c>set_transport(transport)</c>: the transport to pause and resume for flow control.</summary>
    public void SetTransport(BaseTransport transport)
    {
        if (_transport is not null)
        {
            throw new InvalidOperationException("Transport already set");
        }
        _transport = transport;
    }

    /// <summary>Python's <c>_maybe_resume_transport()</c>.</summary>
    private void MaybeResumeTransport()
    {
        if (_paused && BufferLength <= _limit)
        {
            _paused = false;
            ResumeReading(_transport!);
        }
    }

    /// <summary>Python's <c>feed_eof()</c>: no more data will come.</summary>
    public void FeedEof()
    {
        _eof = true;
        WakeupWaiter();
    }

    /// <summary>Python's <c>at_eof()</c>: true if the buffer is empty and <see cref="FeedEof"/> was called.</summary>
    public bool AtEof() => _eof && BufferLength == 0;

    /// <summary>Python's <c>feed_data(data)</c>: appends data to the buffer and wakes up a waiting read.</summary>
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
        Append(data);
        WakeupWaiter();

        if (_transport is not null && !_paused && BufferLength > 2 * _limit)
        {
            try
            {
                PauseReading(_transport);
                _paused = true;
            }
            catch (NotImplementedException)
            {
                // The transport can't be paused: buffer all data, and forget the transport so as not to try again.
                _transport = null;
            }
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        var length = BufferLength;
        if (_data.Length - _end < data.Length)
        {
            var needed = length + data.Length;
            if (needed <= _data.Length && length <= _data.Length / 2)
            {
                // Enough room once the consumed head is dropped.
                _data.AsSpan(_start, length).CopyTo(_data);
            }
            else
            {
                var grown = new byte[(int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _data.Length))];
                _data.AsSpan(_start, length).CopyTo(grown);
                _data = grown;
            }
            _start = 0;
            _end = length;
        }
        data.CopyTo(_data.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Removes and returns the first <paramref name="n"/> buffered bytes (at most all of them).</summary>
    private byte[] Take(int n)
    {
        n = Math.Min(n, BufferLength);
        if (n == 0)
        {
            return Array.Empty<byte>();
        }
        var chunk = _data.AsSpan(_start, n).ToArray();
        Consume(n);
        return chunk;
    }

    private void Consume(int n)
    {
        _start += n;
        if (_start == _end)
        {
            _start = _end = 0;
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

    /// <summary>Python's <c>_wait_for_data(func_name)</c>: waits until data or EOF is fed, resuming a paused transport.</summary>
    private async Coroutine WaitForData(string funcName)
    {
        // Two reads waiting at once could not know which one gets the next data.
        if (_waiter is not null)
        {
            throw new RuntimeError($"{funcName}() called while another coroutine is already waiting for incoming data");
        }
        if (_eof)
        {
            throw new InvalidOperationException("_wait_for_data after EOF");
        }
        // Waiting for data while paused would deadlock (readexactly(n) with n > limit).
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

    /// <summary>
    /// Python's <c>readline()</c>: the bytes up to and including the next b'\n', or the rest before EOF. Over the
    /// limit it raises <see cref="ValueError"/> after dropping the line (or the whole buffer if no b'\n' is in it).
    /// </summary>
    public async Coroutine<byte[]> Readline()
    {
        try
        {
            return await Readuntil(s_newline);
        }
        catch (IncompleteReadError e)
        {
            return e.Partial;
        }
        catch (LimitOverrunError e)
        {
            if (BufferLength > e.Consumed && _data[_start + (int)e.Consumed] == (byte)'\n')
            {
                Consume((int)e.Consumed + 1);
            }
            else
            {
                _start = _end = 0;
            }
            MaybeResumeTransport();
            throw new ValueError(e.Message);
        }
    }

    private static readonly byte[] s_newline = { (byte)'\n' };

    /// <summary>
    /// Python's <c>readuntil(separator=b'\n')</c>: the bytes up to and including <paramref name="separator"/>.
    /// Raises <see cref="IncompleteReadError"/> at EOF (the buffer is emptied into its <c>Partial</c>) and
    /// <see cref="LimitOverrunError"/> over the limit (the data stays buffered).
    /// </summary>
    public async Coroutine<byte[]> Readuntil(byte[]? separator = null)
    {
        separator ??= s_newline;
        var seplen = separator.Length;
        if (seplen == 0)
        {
            throw new ValueError("Separator should be at least one-byte string");
        }
        if (_exception is not null)
        {
            throw _exception;
        }
        // offset: the number of bytes at the start of the buffer known not to hold the separator.
        var offset = 0;
        int isep;
        while (true)
        {
            var buflen = BufferLength;
            if (buflen - offset >= seplen)
            {
                isep = _data.AsSpan(_start + offset, buflen - offset).IndexOf(separator);
                if (isep != -1)
                {
                    isep += offset;
                    break;
                }
                // The last seplen - 1 bytes may be the start of a separator.
                offset = buflen + 1 - seplen;
                if (offset > _limit)
                {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            // The chunk that set EOF may have completed the separator: so check EOF after searching.
            if (_eof)
            {
                var chunk = Take(BufferLength);
                throw new IncompleteReadError(chunk, null);
            }
            await WaitForData("readuntil");
        }
        if (isep > _limit)
        {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", isep);
        }
        var line = Take(isep + seplen);
        MaybeResumeTransport();
        return line;
    }

    /// <summary>
    /// Python's <c>read(n=-1)</c>: up to <paramref name="n"/> bytes as soon as any are buffered; with n &lt; 0,
    /// everything until EOF; empty at EOF.
    /// </summary>
    public async Coroutine<byte[]> Read(int n = -1)
    {
        if (_exception is not null)
        {
            throw _exception;
        }
        if (n == 0)
        {
            return Array.Empty<byte>();
        }
        if (n < 0)
        {
            // Reading limit-sized blocks until EOF does not deadlock on a paused transport.
            var blocks = new List<byte[]>();
            var total = 0;
            while (true)
            {
                var block = await Read(_limit);
                if (block.Length == 0)
                {
                    break;
                }
                blocks.Add(block);
                total += block.Length;
            }
            if (blocks.Count == 1)
            {
                return blocks[0];
            }
            var all = new byte[total];
            var at = 0;
            foreach (var block in blocks)
            {
                block.CopyTo(all, at);
                at += block.Length;
            }
            return all;
        }
        if (BufferLength == 0 && !_eof)
        {
            await WaitForData("read");
        }
        var data = Take(n);
        MaybeResumeTransport();
        return data;
    }

    /// <summary>Python's <c>readexactly(n)</c>: exactly <paramref name="n"/> bytes, or <see cref="IncompleteReadError"/> at EOF.</summary>
    public async Coroutine<byte[]> Readexactly(int n)
    {
        if (n < 0)
        {
            throw new ValueError("readexactly size can not be less than zero");
        }
        if (_exception is not null)
        {
            throw _exception;
        }
        if (n == 0)
        {
            return Array.Empty<byte>();
        }
        while (BufferLength < n)
        {
            if (_eof)
            {
                var incomplete = Take(BufferLength);
                throw new IncompleteReadError(incomplete, n);
            }
            await WaitForData("readexactly");
        }
        var data = Take(n);
        MaybeResumeTransport();
        return data;
    }

    /// <summary>
    /// Python's <c>__aiter__()</c>: <c>await foreach (var line in reader)</c> reads lines with <see cref="Readline"/>
    /// until it returns an empty line (EOF).
    /// </summary>
    public LineEnumerator GetAsyncEnumerator() => new(this);

    /// <summary>
    /// The <see cref="IAsyncEnumerable{T}"/> view for code outside coroutines (LINQ): each step runs in a task on the
    /// reader's loop. Inside a coroutine, <c>await foreach</c> uses <see cref="GetAsyncEnumerator()"/>, which stays in
    /// the caller's task.
    /// </summary>
    IAsyncEnumerator<byte[]> IAsyncEnumerable<byte[]>.GetAsyncEnumerator(CancellationToken cancellationToken) =>
        new TaskLineEnumerator(this);

    /// <summary>Python's <c>__anext__()</c> as C#'s pattern for <c>await foreach</c>: each step is a <see cref="Readline"/>.</summary>
    public sealed class LineEnumerator
    {
        internal LineEnumerator(StreamReader reader) => Reader = reader;

        internal StreamReader Reader { get; }

        /// <summary>The line read by the last <see cref="MoveNextAsync"/>.</summary>
        public byte[] Current { get; private set; } = Array.Empty<byte>();

        /// <summary>Python's <c>__anext__()</c>: reads the next line; false at EOF (Python's StopAsyncIteration).</summary>
        public async Coroutine<bool> MoveNextAsync()
        {
            Current = await Reader.Readline();
            return Current.Length != 0;
        }
    }

    private sealed class TaskLineEnumerator : IAsyncEnumerator<byte[]>
    {
        private readonly LineEnumerator _lines;

        internal TaskLineEnumerator(StreamReader reader) => _lines = new LineEnumerator(reader);

        public byte[] Current => _lines.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _lines.Reader._loop.CreateTask(_lines.MoveNextAsync());
            task.AddDoneCallback(t =>
            {
                if (t.Cancelled())
                {
                    done.SetCanceled();
                }
                else if (t.Exception() is { } exc)
                {
                    done.SetException(exc);
                }
                else
                {
                    done.SetResult((bool)t.Result()!);
                }
            });
            return new ValueTask<bool>(done.Task);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

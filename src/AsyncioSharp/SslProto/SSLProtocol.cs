using System;
using System.Collections.Generic;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.sslproto.SSLProtocol</c>: TLS as a protocol layered under the application's protocol. The
/// transport below hands it ciphertext; an <see cref="SSLObject"/> over two <see cref="MemoryBIO"/>s decrypts it for
/// the application protocol, which talks to an <see cref="_SSLProtocolTransport"/>. The same code serves every
/// transport and start_tls.
/// <code>
///                 start_handshake()
///  UNWRAPPED ---------------------&gt; DO_HANDSHAKE
///      ^                                 |
///      |                                 | handshake done
///      |  connection_lost() or abort()   v
///      +------------------------------ WRAPPED
///      |                                 |
///      |                                 | close(), peer's close_notify or EOF
///      |                                 v
///      +------------------------------ FLUSHING  (deliver what was received)
///      |                                 |
///      |                                 v
///      +------------------------------ SHUTDOWN  (send close_notify, wait for the peer's)
/// </code>
/// </summary>
public sealed class SSLProtocol : BufferedProtocol
{
    /// <summary>Python's <c>constants.SSL_HANDSHAKE_TIMEOUT</c>, in seconds.</summary>
    public const double SSL_HANDSHAKE_TIMEOUT = 60.0;

    /// <summary>Python's <c>constants.SSL_SHUTDOWN_TIMEOUT</c>, in seconds.</summary>
    public const double SSL_SHUTDOWN_TIMEOUT = 30.0;

    /// <summary>Python's <c>SSLProtocol.max_size</c>: the most bytes read or decrypted at once.</summary>
    public const int MaxSize = 256 * 1024;

    private const int FlowControlHighWaterSslReadKb = 256;
    private const int FlowControlHighWaterSslWriteKb = 512;
    private const int LogThresholdForConnlostWrites = 5;

    private readonly AbstractEventLoop _loop;
    private readonly int _ownerThread = Environment.CurrentManagedThreadId;
    private readonly bool _serverSide;
    private readonly double _sslHandshakeTimeout;
    private readonly double _sslShutdownTimeout;
    private readonly string _sslHandshakeTimeoutText;
    private readonly MemoryBIO _incoming = new();
    private readonly MemoryBIO _outgoing = new();
    private readonly SSLObject _sslobj;
    private readonly Dictionary<string, object?> _extra = new();
    private readonly LinkedList<ReadOnlyMemory<byte>> _writeBacklog = new();
    // The receive room offered to the transport below: doubled while reads fill it.
    private int _receiveRoom = 32 * 1024;
    private int _lastReceived;
    // How much of the last buffer offered was the TLS stream's own read destination (not receive room).
    private int _directOffered;
    private Future? _waiter;
    private BaseProtocol? _appProtocol;
    private _SSLProtocolTransport? _appTransport;
    private bool _appTransportCreated;
    private BaseTransport? _transport;
    private SSLProtocolState _state = SSLProtocolState.UNWRAPPED;
    private AppProtocolState _appState;
    private int _connLost;
    private int _writeBufferSize;
    private double? _handshakeStartTime;
    private TimerHandle? _handshakeTimeoutHandle;
    private TimerHandle? _shutdownTimeoutHandle;
    private bool _sslWritingPaused;
    private bool _sslReadingPaused;
    private bool _eofReceived;
    private bool _appWritingPaused;

    /// <summary>
    /// Python's <c>SSLProtocol(loop, app_protocol, sslcontext, waiter, server_side=False, server_hostname=None,
    /// call_connection_made=True, ssl_handshake_timeout=None, ssl_shutdown_timeout=None)</c>. A null
    /// <paramref name="sslcontext"/> means a default client context (Python's <c>ssl=True</c>).
    /// </summary>
    public SSLProtocol(AbstractEventLoop loop, BaseProtocol appProtocol, SSLContext? sslcontext, Future? waiter,
        bool serverSide = false, string? serverHostname = null, bool callConnectionMade = true,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
    {
        if (sslHandshakeTimeout is { } handshake && handshake <= 0)
        {
            throw new ValueError($"ssl_handshake_timeout should be a positive number, got {PyNumber(handshake)}");
        }
        if (sslShutdownTimeout is { } shutdown && shutdown <= 0)
        {
            throw new ValueError($"ssl_shutdown_timeout should be a positive number, got {PyNumber(shutdown)}");
        }
        _sslHandshakeTimeout = sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
        // Python's default is the float 60.0; a caller's value prints as given (an int prints without ".0").
        _sslHandshakeTimeoutText = sslHandshakeTimeout is null ? "60.0" : PyNumber(_sslHandshakeTimeout);
        _sslShutdownTimeout = sslShutdownTimeout ?? SSL_SHUTDOWN_TIMEOUT;
        sslcontext ??= CreateTransportContext(serverSide, serverHostname);
        _serverSide = serverSide;
        var hostname = !string.IsNullOrEmpty(serverHostname) && !serverSide ? serverHostname : null;
        _extra["sslcontext"] = sslcontext;
        _waiter = waiter;
        _loop = loop;
        SetAppProtocol(appProtocol);
        _appState = callConnectionMade ? AppProtocolState.STATE_INIT : AppProtocolState.STATE_CON_MADE;
        _sslobj = sslcontext.WrapBio(_incoming, _outgoing, serverSide, hostname);
        _sslobj.Wakeup = WakeupFromSslObject;
        _sslobj.Sink = SendDirect;
        SetReadBufferLimits();
        SetWriteBufferLimits();
        GetAppTransport();
    }

    /// <summary>The state of the TLS layer (Python's <c>_state</c>).</summary>
    public SSLProtocolState State => _state;

    /// <summary>The application protocol (Python's <c>_app_protocol</c>); null once the connection is lost.</summary>
    public BaseProtocol? AppProtocol => _appProtocol;

    /// <summary>The transport below, carrying ciphertext (Python's <c>_transport</c>).</summary>
    internal BaseTransport? Transport => _transport;

    internal bool AppReadingPaused { get; private set; }

    internal bool AppWritingPaused => _appWritingPaused;

    internal int IncomingHighWater { get; private set; }

    internal int IncomingLowWater { get; private set; }

    internal int OutgoingHighWater { get; private set; }

    internal int OutgoingLowWater { get; private set; }

    private Transport? FlowTransport => _transport as Transport;

    /// <summary>Python's <c>_create_transport_context</c>: the context behind <c>ssl=True</c>.</summary>
    private static SSLContext CreateTransportContext(bool serverSide, string? serverHostname)
    {
        if (serverSide)
        {
            throw new ValueError("Server side SSL needs a valid SSLContext");
        }
        var context = SslModule.CreateDefaultContext();
        if (string.IsNullOrEmpty(serverHostname))
        {
            context.CheckHostname = false;
        }
        return context;
    }

    /// <summary>Python's <c>add_flowcontrol_defaults(high, low, kb)</c>.</summary>
    internal static (int High, int Low) AddFlowcontrolDefaults(int? high, int? low, int kb) =>
        WriteFlowControl.Limits(high, low, kb * 1024);

    internal void SetAppProtocol(BaseProtocol appProtocol) => _appProtocol = appProtocol;

    private void WakeupWaiter(Exception? exc = null)
    {
        if (_waiter is null)
        {
            return;
        }
        if (!_waiter.Cancelled())
        {
            if (exc is not null)
            {
                _waiter.SetException(exc);
            }
            else
            {
                _waiter.SetResult(null);
            }
        }
        _waiter = null;
    }

    /// <summary>The transport handed to the application protocol (Python's <c>_get_app_transport()</c>).</summary>
    internal _SSLProtocolTransport GetAppTransport()
    {
        if (_appTransport is null)
        {
            if (_appTransportCreated)
            {
                throw new RuntimeError("Creating _SSLProtocolTransport twice");
            }
            _appTransport = new _SSLProtocolTransport(_loop, this);
            _appTransportCreated = true;
        }
        return _appTransport;
    }

    /// <summary>Python's <c>connection_made(transport)</c>: the transport below is up; the handshake starts.</summary>
    public override void ConnectionMade(BaseTransport transport)
    {
        _transport = transport;
        StartHandshake();
    }

    /// <summary>Python's <c>connection_lost(exc)</c>: the transport below is gone; the application hears of it once.</summary>
    public override void ConnectionLost(Exception? exc)
    {
        _writeBacklog.Clear();
        _outgoing.Read();
        _connLost++;
        if (_appTransport is not null)
        {
            _appTransport.Closed = true;
        }
        if (_state != SSLProtocolState.DO_HANDSHAKE &&
            _appState is AppProtocolState.STATE_CON_MADE or AppProtocolState.STATE_EOF)
        {
            _appState = AppProtocolState.STATE_CON_LOST;
            var app = _appProtocol!;
            _loop.CallSoon(() => app.ConnectionLost(exc));
        }
        SetState(SSLProtocolState.UNWRAPPED);
        _transport = null;
        _appTransport = null;
        _appProtocol = null;
        WakeupWaiter(exc);
        _shutdownTimeoutHandle?.Cancel();
        _shutdownTimeoutHandle = null;
        _handshakeTimeoutHandle?.Cancel();
        _handshakeTimeoutHandle = null;
        _sslobj.Release();
    }

    /// <summary>
    /// Python's <c>get_buffer(n)</c>: where the transport below puts ciphertext. That is the incoming BIO's own free
    /// room, so received bytes are not copied into it again; the room doubles (up to <see cref="MaxSize"/>) while
    /// reads fill it, so a connection moving small records keeps a small buffer.
    /// </summary>
    public override Memory<byte> GetBuffer(int sizehint)
    {
        var want = sizehint <= 0 || sizehint > MaxSize ? _receiveRoom : Math.Min(sizehint, _receiveRoom);
        _directOffered = 0;
        return _incoming.GetWriteBuffer(want);
    }

    /// <summary>
    /// <see cref="GetBuffer"/> for a transport that can receive into two buffers at once: first
    /// <paramref name="direct"/> (when not empty), then the returned room; <see cref="BufferUpdated"/> takes the total.
    /// Once wrapped, while the TLS stream waits for ciphertext, the first bytes go where its read wants them, so they
    /// are not copied again. When the last receive fitted there, that destination alone is returned: one buffer is
    /// received into at less cost than two.
    /// </summary>
    internal Memory<byte> GetBuffers(out Memory<byte> direct)
    {
        if (_state != SSLProtocolState.WRAPPED)
        {
            direct = default;
            return GetBuffer(-1);
        }
        var room = _incoming.GetWriteBuffers(_receiveRoom, out direct);
        _directOffered = direct.Length;
        if (!direct.IsEmpty && _lastReceived < direct.Length)
        {
            (room, direct) = (direct, default);
        }
        return room;
    }

    /// <summary>Python's <c>buffer_updated(nbytes)</c>: ciphertext arrived; the current state's step runs.</summary>
    public override void BufferUpdated(int nbytes)
    {
        _lastReceived = nbytes;
        if (nbytes - _directOffered >= _receiveRoom && _receiveRoom < MaxSize)
        {
            _receiveRoom *= 2;
        }
        _sslobj.Feed(nbytes);
        Step();
    }

    /// <summary>Feeds ciphertext the way <see cref="BufferUpdated"/> does, for a transport that copies data out.</summary>
    internal void DataReceived(ReadOnlySpan<byte> data)
    {
        _sslobj.Feed(data);
        Step();
    }

    private void Step()
    {
        switch (_state)
        {
            case SSLProtocolState.DO_HANDSHAKE:
                DoHandshake();
                break;
            case SSLProtocolState.WRAPPED:
                DoRead();
                break;
            case SSLProtocolState.FLUSHING:
                DoFlush();
                break;
            case SSLProtocolState.SHUTDOWN:
                DoShutdown();
                break;
        }
    }

    /// <summary>An SslStream operation finished outside our calls: take the step on the loop's thread.</summary>
    private void WakeupFromSslObject()
    {
        try
        {
            _loop.CallSoonThreadsafe(Step);
        }
        catch (RuntimeError)
        {
            // The loop is closed: nobody is left to take the step.
        }
    }

    /// <summary>
    /// Python's <c>eof_received()</c>: the transport below got EOF. During the handshake that is a
    /// ConnectionResetError; afterwards it closes the session like close_notify (a truncated close is not an error).
    /// </summary>
    public override bool EofReceived()
    {
        _eofReceived = true;
        try
        {
            if (_loop.GetDebug())
            {
                Log.Debug($"{this} received EOF");
            }
            switch (_state)
            {
                case SSLProtocolState.DO_HANDSHAKE:
                    OnHandshakeComplete(new ConnectionResetError(""));
                    break;
                case SSLProtocolState.WRAPPED:
                    SetState(SSLProtocolState.FLUSHING);
                    if (AppReadingPaused)
                    {
                        return true;
                    }
                    DoFlush();
                    break;
                case SSLProtocolState.FLUSHING:
                    DoWrite();
                    SetState(SSLProtocolState.SHUTDOWN);
                    DoShutdown();
                    break;
                case SSLProtocolState.SHUTDOWN:
                    DoShutdown();
                    break;
            }
        }
        catch (Exception)
        {
            _transport?.Close();
            throw;
        }
        return false;
    }

    /// <summary>Python's <c>_get_extra_info(name, default)</c>: TLS details first, then the transport below's.</summary>
    internal object? GetExtraInfo(string name, object? @default)
    {
        if (_extra.TryGetValue(name, out var value))
        {
            return value;
        }
        return _transport is not null ? _transport.GetExtraInfo(name, @default) : @default;
    }

    private void SetState(SSLProtocolState newState)
    {
        var allowed = newState == SSLProtocolState.UNWRAPPED
            || (_state == SSLProtocolState.UNWRAPPED && newState == SSLProtocolState.DO_HANDSHAKE)
            || (_state == SSLProtocolState.DO_HANDSHAKE && newState == SSLProtocolState.WRAPPED)
            || (_state == SSLProtocolState.WRAPPED && newState == SSLProtocolState.FLUSHING)
            || (_state == SSLProtocolState.FLUSHING && newState == SSLProtocolState.SHUTDOWN);
        if (!allowed)
        {
            throw new RuntimeError($"cannot switch state from SSLProtocolState.{_state} to SSLProtocolState.{newState}");
        }
        _state = newState;
    }

    // Handshake flow

    private void StartHandshake()
    {
        if (_loop.GetDebug())
        {
            Log.Debug($"{this} starts SSL handshake");
            _handshakeStartTime = _loop.Time();
        }
        else
        {
            _handshakeStartTime = null;
        }
        SetState(SSLProtocolState.DO_HANDSHAKE);
        _handshakeTimeoutHandle = _loop.CallLater(_sslHandshakeTimeout, CheckHandshakeTimeout);
        DoHandshake();
    }

    private void CheckHandshakeTimeout()
    {
        if (_state == SSLProtocolState.DO_HANDSHAKE)
        {
            FatalError(new ConnectionAbortedError(
                $"SSL handshake is taking longer than {_sslHandshakeTimeoutText} seconds: aborting the connection"));
        }
    }

    private void DoHandshake()
    {
        try
        {
            // TryDoHandshake's false is Python's SSLWantReadError.
            if (!_sslobj.TryDoHandshake())
            {
                ProcessOutgoing();
                return;
            }
        }
        catch (SSLError exc)
        {
            // The alert telling the peer why goes out before the connection is closed.
            ProcessOutgoing();
            OnHandshakeComplete(exc);
            return;
        }
        OnHandshakeComplete(null);
    }

    private void OnHandshakeComplete(Exception? handshakeExc)
    {
        _handshakeTimeoutHandle?.Cancel();
        _handshakeTimeoutHandle = null;
        object? peercert;
        try
        {
            if (handshakeExc is not null)
            {
                throw handshakeExc;
            }
            SetState(SSLProtocolState.WRAPPED);
            peercert = _sslobj.Getpeercert();
        }
        catch (Exception exc)
        {
            SetState(SSLProtocolState.UNWRAPPED);
            var msg = exc is SSLCertVerificationError ? "SSL handshake failed on verifying the certificate" : "SSL handshake failed";
            FatalError(exc, msg);
            WakeupWaiter(exc);
            return;
        }
        if (_loop.GetDebug() && _handshakeStartTime is { } start)
        {
            Log.Debug($"{this}: SSL handshake took {(_loop.Time() - start) * 1e3:F1} ms");
        }
        _extra["peercert"] = peercert;
        _extra["cipher"] = _sslobj.Cipher();
        _extra["compression"] = _sslobj.Compression();
        _extra["ssl_object"] = _sslobj;
        if (_appState == AppProtocolState.STATE_INIT)
        {
            _appState = AppProtocolState.STATE_CON_MADE;
            _appProtocol!.ConnectionMade(GetAppTransport());
        }
        WakeupWaiter();
        DoRead();
    }

    // Shutdown flow

    internal void StartShutdown()
    {
        if (_state is SSLProtocolState.FLUSHING or SSLProtocolState.SHUTDOWN or SSLProtocolState.UNWRAPPED)
        {
            return;
        }
        if (_appTransport is not null)
        {
            _appTransport.Closed = true;
        }
        if (_state == SSLProtocolState.DO_HANDSHAKE)
        {
            Abort();
        }
        else
        {
            SetState(SSLProtocolState.FLUSHING);
            _shutdownTimeoutHandle = _loop.CallLater(_sslShutdownTimeout, CheckShutdownTimeout);
            DoFlush();
        }
    }

    private void CheckShutdownTimeout()
    {
        if (_state is SSLProtocolState.FLUSHING or SSLProtocolState.SHUTDOWN)
        {
            ForceCloseTransport(new TimeoutError("SSL shutdown timed out"));
        }
    }

    private void DoFlush()
    {
        DoRead();
        SetState(SSLProtocolState.SHUTDOWN);
        DoShutdown();
    }

    private void DoShutdown()
    {
        try
        {
            if (!_eofReceived)
            {
                _sslobj.Unwrap();
            }
        }
        catch (SSLWantReadError)
        {
            ProcessOutgoing();
            return;
        }
        catch (SSLError exc)
        {
            OnShutdownComplete(exc);
            return;
        }
        ProcessOutgoing();
        CallEofReceived();
        OnShutdownComplete(null);
    }

    private void OnShutdownComplete(Exception? shutdownExc)
    {
        _shutdownTimeoutHandle?.Cancel();
        _shutdownTimeoutHandle = null;
        if (shutdownExc is not null)
        {
            FatalError(shutdownExc);
        }
        else if (_transport is { } transport)
        {
            _loop.CallSoon(transport.Close);
        }
    }

    internal void Abort()
    {
        SetState(SSLProtocolState.UNWRAPPED);
        if (_transport is WriteTransport writable)
        {
            writable.Abort();
        }
        else
        {
            _transport?.Close();
        }
    }

    /// <summary>Python's <c>_SSLProtocolTransport._force_close(exc)</c>, reaching the transport below.</summary>
    internal void ForceCloseTransport(Exception? exc)
    {
        if (_transport is IForceCloseTransport closable)
        {
            closable.ForceClose(exc);
        }
        else if (_transport is WriteTransport writable)
        {
            writable.Abort();
        }
        else
        {
            _transport?.Close();
        }
    }

    // Outgoing flow

    internal void WriteAppdata(IEnumerable<ReadOnlyMemory<byte>> listOfData)
    {
        if (_state is SSLProtocolState.FLUSHING or SSLProtocolState.SHUTDOWN or SSLProtocolState.UNWRAPPED)
        {
            if (_connLost >= LogThresholdForConnlostWrites)
            {
                Log.Warning("SSL connection is closed");
            }
            _connLost++;
            return;
        }
        foreach (var data in listOfData)
        {
            _writeBacklog.AddLast(data);
            _writeBufferSize += data.Length;
        }
        try
        {
            if (_state == SSLProtocolState.WRAPPED)
            {
                DoWrite();
            }
        }
        catch (Exception ex)
        {
            FatalError(ex, "Fatal error on SSL protocol");
        }
    }

    /// <summary>
    /// <see cref="WriteAppdata(IEnumerable{ReadOnlyMemory{byte}})"/> for one buffer the caller keeps only during the
    /// call: encrypted at once when nothing waits before it, so only what must wait is copied.
    /// </summary>
    internal void WriteAppdata(ReadOnlySpan<byte> data)
    {
        if (_state == SSLProtocolState.WRAPPED && _writeBacklog.Count == 0)
        {
            try
            {
                data = data[_sslobj.WriteTransient(data)..];
                if (data.IsEmpty)
                {
                    ProcessOutgoing();
                    return;
                }
            }
            catch (Exception ex)
            {
                FatalError(ex, "Fatal error on SSL protocol");
                return;
            }
        }
        WriteAppdata(new ReadOnlyMemory<byte>[] { data.ToArray() });
    }

    /// <summary>What <c>_SSLProtocolTransport._test__append_write_backlog</c> does to the protocol.</summary>
    internal void AppendWriteBacklog(ReadOnlyMemory<byte> data)
    {
        _writeBacklog.AddLast(data);
        _writeBufferSize += data.Length;
    }

    private void DoWrite()
    {
        try
        {
            while (_writeBacklog.First is { } first)
            {
                var data = first.Value;
                var count = _sslobj.Write(data);
                if (count < data.Length)
                {
                    first.Value = data[count..];
                    _writeBufferSize -= count;
                }
                else
                {
                    _writeBacklog.RemoveFirst();
                    _writeBufferSize -= data.Length;
                }
            }
        }
        catch (SSLWantReadError)
        {
        }
        ProcessOutgoing();
    }

    /// <summary>
    /// Sends a record the SSLObject just made, while wrapped, when ProcessOutgoing would send it right away anyway
    /// (writing not paused, on the loop's thread); false keeps it in the outgoing BIO.
    /// </summary>
    private bool SendDirect(ReadOnlySpan<byte> ciphertext)
    {
        if (_sslWritingPaused || _state != SSLProtocolState.WRAPPED || Environment.CurrentManagedThreadId != _ownerThread
            || _transport is not WriteTransport writable)
        {
            return false;
        }
        writable.Write(ciphertext);
        return true;
    }

    private void ProcessOutgoing()
    {
        if (!_sslWritingPaused && _transport is WriteTransport writable)
        {
            _outgoing.DrainTo(writable);
        }
        ControlAppWriting();
    }

    // Incoming flow

    private void DoRead()
    {
        if (_state is not (SSLProtocolState.WRAPPED or SSLProtocolState.FLUSHING))
        {
            return;
        }
        try
        {
            if (!AppReadingPaused)
            {
                if (_appProtocol is BufferedProtocol)
                {
                    DoReadBuffered();
                }
                else
                {
                    DoReadCopied();
                }
                if (_writeBacklog.Count > 0)
                {
                    DoWrite();
                }
                else
                {
                    ProcessOutgoing();
                }
            }
            ControlSslReading();
        }
        catch (Exception ex)
        {
            FatalError(ex, "Fatal error on SSL protocol");
        }
    }

    private void DoReadBuffered()
    {
        var app = (BufferedProtocol)_appProtocol!;
        var offset = 0;
        var count = 1;
        var buf = app.GetBuffer(GetReadBufferSize());
        var wants = buf.Length;
        // TryRead's -1 is Python's SSLWantReadError, which ends the loop the same way.
        count = _sslobj.TryRead(wants, buf);
        if (count > 0)
        {
            offset = count;
            while (offset < wants)
            {
                count = _sslobj.TryRead(wants - offset, buf[offset..]);
                if (count > 0)
                {
                    offset += count;
                }
                else
                {
                    break;
                }
            }
            if (offset >= wants)
            {
                _loop.CallSoon(DoRead);
            }
        }
        if (offset > 0)
        {
            app.BufferUpdated(offset);
        }
        if (count == 0)
        {
            // close_notify
            CallEofReceived();
            StartShutdown();
        }
    }

    private void DoReadCopied()
    {
        // Everything decrypted so far in one piece, as CPython joins its chunks; read in place, not copied out.
        var data = _sslobj.ReadAvailable(out var closeNotify);
        if (!data.IsEmpty && _appProtocol is Protocol app)
        {
            app.DataReceived(data);
        }
        if (closeNotify)
        {
            // close_notify
            CallEofReceived();
            StartShutdown();
        }
    }

    private void CallEofReceived()
    {
        try
        {
            if (_appState == AppProtocolState.STATE_CON_MADE)
            {
                _appState = AppProtocolState.STATE_EOF;
                var keepOpen = _appProtocol switch
                {
                    Protocol p => p.EofReceived(),
                    BufferedProtocol b => b.EofReceived(),
                    _ => false,
                };
                if (keepOpen)
                {
                    Log.Warning("returning true from eof_received() has no effect when using ssl");
                }
            }
        }
        catch (Exception ex)
        {
            FatalError(ex, "Error calling eof_received()");
        }
    }

    // Flow control for writes from the application

    internal void ControlAppWriting()
    {
        var size = GetWriteBufferSize();
        if (size >= OutgoingHighWater && !_appWritingPaused)
        {
            _appWritingPaused = true;
            try
            {
                _appProtocol?.PauseWriting();
            }
            catch (Exception exc)
            {
                ReportProtocolFailure("protocol.pause_writing() failed", exc);
            }
        }
        else if (size <= OutgoingLowWater && _appWritingPaused)
        {
            _appWritingPaused = false;
            try
            {
                _appProtocol?.ResumeWriting();
            }
            catch (Exception exc)
            {
                ReportProtocolFailure("protocol.resume_writing() failed", exc);
            }
        }
    }

    private void ReportProtocolFailure(string message, Exception exc) =>
        _loop.CallExceptionHandler(new Dictionary<string, object?>
        {
            ["message"] = message,
            ["exception"] = exc,
            ["transport"] = _appTransport,
            ["protocol"] = this,
        });

    internal int GetWriteBufferSize() => _outgoing.Pending + _writeBufferSize;

    internal void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        (OutgoingHighWater, OutgoingLowWater) = AddFlowcontrolDefaults(high, low, FlowControlHighWaterSslWriteKb);
    }

    // Flow control for reads to the application

    internal void PauseReadingApp() => AppReadingPaused = true;

    internal void ResumeReadingApp()
    {
        if (!AppReadingPaused)
        {
            return;
        }
        AppReadingPaused = false;
        // The step of the current state, as for new ciphertext (the application only reads once wrapped).
        _loop.CallSoon(Step);
    }

    // Flow control for reads from the transport below

    internal void ControlSslReading()
    {
        var size = GetReadBufferSize();
        if (size >= IncomingHighWater && !_sslReadingPaused)
        {
            _sslReadingPaused = true;
            FlowTransport?.PauseReading();
        }
        else if (size <= IncomingLowWater && _sslReadingPaused)
        {
            _sslReadingPaused = false;
            FlowTransport?.ResumeReading();
        }
    }

    internal void SetReadBufferLimits(int? high = null, int? low = null)
    {
        (IncomingHighWater, IncomingLowWater) = AddFlowcontrolDefaults(high, low, FlowControlHighWaterSslReadKb);
    }

    internal int GetReadBufferSize() => _incoming.Pending;

    // Flow control for writes to the transport below

    /// <summary>Python's <c>pause_writing()</c>: the transport below is over its high-water mark; ciphertext waits.</summary>
    public override void PauseWriting()
    {
        _sslWritingPaused = true;
    }

    /// <summary>Python's <c>resume_writing()</c>: the transport below drained; waiting ciphertext goes out.</summary>
    public override void ResumeWriting()
    {
        _sslWritingPaused = false;
        ProcessOutgoing();
    }

    private void FatalError(Exception exc, string message = "Fatal error on transport")
    {
        if (_transport is not null)
        {
            ForceCloseTransport(exc);
        }
        if (exc is OSError)
        {
            if (_loop.GetDebug())
            {
                Log.Debug($"{this}: {message}");
            }
        }
        else if (exc is not CancelledError)
        {
            _loop.CallExceptionHandler(new Dictionary<string, object?>
            {
                ["message"] = message,
                ["exception"] = exc,
                ["transport"] = _transport,
                ["protocol"] = this,
            });
        }
    }

    /// <summary>Python's <c>repr()</c>.</summary>
    public override string ToString() => $"<asyncio.sslproto.SSLProtocol object state={_state}>";

    private static string PyNumber(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Python's <c>ssl.SSLObject</c>: a TLS session over two <see cref="MemoryBIO"/>s, with OpenSSL's non-blocking
/// call style: each operation completes, or raises <see cref="SSLWantReadError"/> until more ciphertext is written
/// to the incoming BIO. It runs an <see cref="SslStream"/> over the BIOs; the stream's pending operations resume
/// when ciphertext arrives, usually inline in <see cref="MemoryBIO.Write"/>. What
/// <c>get_extra_info('ssl_object')</c> returns.
/// </summary>
public sealed class SSLObject
{
    // Handshake errors come from _ssl.c's do_handshake, read errors from its read, as CPython reports them.
    private const int HandshakeLine = 1006;
    private const int ReadLine = 2580;
    private const int WriteLine = 2427;
    private const int ShutdownLine = 2706;

    private readonly SslStream _stream;
    private readonly MemoryBioStream _bioStream;
    private readonly MemoryBIO _incoming;
    private readonly MemoryBIO _outgoing;
    private readonly int _ownerThread = Environment.CurrentManagedThreadId;
    // Room for one whole TLS record's plaintext, so a read never stops inside a record for want of space.
    private const int MinReadRoom = 16 * 1024;

    // Allocated at the first read and grown as records need, so a connection costs no more than it moves.
    private byte[] _readBuffer = Array.Empty<byte>();
    private int _pendingReadOffset;
    private BorrowedMemory? _borrowed;
    private int _readStart;
    private int _readCount;
    private Task? _handshake;
    private bool _handshakeDone;
    // A read the stream has not finished (it waits for ciphertext); kept as the ValueTask, with no Task made of it.
    private ValueTask<int> _pendingRead;
    private bool _readPending;
    private bool _pendingProbe;
    private readonly Action _onOutsideCompletion;
    private Task? _pendingWrite;
    private bool _closeNotifyReceived;
    private bool _shutdownSent;
    private bool _peerVerified;
    private SSLError? _verifyError;
    private SslProtocols _protocol;
    private int _driving;
    private TlsCipherSuite _cipherSuite;
    private string? _alpn;
    private X509Certificate2? _remoteCertificate;
    private Tls12CertificateReader? _serverCertificate;
    private bool _rejectedEarly;

    internal SSLObject(SSLContext context, MemoryBIO incoming, MemoryBIO outgoing, bool serverSide, string? serverHostname)
    {
        Context = context;
        ServerSide = serverSide;
        ServerHostname = serverHostname;
        _incoming = incoming;
        _outgoing = outgoing;
        _serverCertificate = serverSide ? null : new Tls12CertificateReader();
        _bioStream = new MemoryBioStream(incoming, outgoing);
        _stream = new SslStream(_bioStream, leaveInnerStreamOpen: false);
        _onOutsideCompletion = OnOutsideCompletion;
    }

    /// <summary>Python's <c>context</c>.</summary>
    public SSLContext Context { get; }

    /// <summary>Python's <c>server_side</c>.</summary>
    public bool ServerSide { get; }

    /// <summary>Python's <c>server_hostname</c>.</summary>
    public string? ServerHostname { get; }

    /// <summary>
    /// Called when an operation that raised SSLWantReadError finished outside any call of the owner (on another
    /// thread, or later on its own); the owner then retries. Completions inside <see cref="Feed(ReadOnlySpan{byte})"/> or another call
    /// need none: the owner takes its next step right after.
    /// </summary>
    internal Action? Wakeup { get; set; }

    /// <summary>Takes ciphertext as it is made, ahead of the outgoing BIO (which keeps what it refuses).</summary>
    internal CiphertextSink? Sink
    {
        set => _bioStream.Sink = value;
    }

    /// <summary>Python's <c>do_handshake()</c>.</summary>
    public void DoHandshake()
    {
        if (!TryDoHandshake())
        {
            throw new SSLWantReadError();
        }
    }

    /// <summary>
    /// <see cref="DoHandshake"/> without the exception: false where Python raises SSLWantReadError, so SSLProtocol,
    /// which meets that on every handshake step but the last, costs no throw.
    /// </summary>
    internal bool TryDoHandshake()
    {
        if (_handshakeDone)
        {
            return true;
        }
        _driving++;
        try
        {
            return DoHandshakeCore();
        }
        finally
        {
            _driving--;
        }
    }

    private bool DoHandshakeCore()
    {
        if (_rejectedEarly)
        {
            throw _verifyError!;
        }
        if (_handshake is null)
        {
            _handshake = WithoutContext(StartHandshake);
            if (!_handshake.IsCompleted)
            {
                Watch(_handshake);
            }
        }
        if (!_handshake.IsCompleted)
        {
            return false;
        }
        if (!_handshake.IsCompletedSuccessfully)
        {
            throw _verifyError ?? SslErrors.Map(_handshake.Exception!.InnerException!, HandshakeLine);
        }
        // Kept, so the session still answers after the connection is gone, as an OpenSSL SSL object does.
        _protocol = _stream.SslProtocol;
        _cipherSuite = _stream.NegotiatedCipherSuite;
        _alpn = _stream.NegotiatedApplicationProtocol.Protocol.IsEmpty ? null : _stream.NegotiatedApplicationProtocol.ToString();
        _remoteCertificate = _stream.RemoteCertificate is { } remote
            ? remote as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(remote.GetRawCertData())
            : null;
        _handshakeDone = true;
        return true;
    }

    /// <summary>
    /// Python's <c>read(len=1024)</c>: up to len decrypted bytes; empty once the peer sent close_notify, or
    /// SSLZeroReturnError when ours went first (OpenSSL's SSL_ERROR_ZERO_RETURN after both shutdowns).
    /// </summary>
    public byte[] Read(int len = 1024)
    {
        var buffer = new byte[len];
        var n = Read(len, buffer);
        return n == len ? buffer : buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Python's <c>read(len, buffer)</c>: decrypts into <paramref name="buffer"/>; returns the byte count (0 at close_notify).</summary>
    public int Read(int len, Memory<byte> buffer)
    {
        var n = TryRead(len, buffer);
        if (n == 0 && len > 0 && _shutdownSent)
        {
            throw new SSLZeroReturnError(6, $"TLS/SSL connection has been closed (EOF) (_ssl.c:{ReadLine})");
        }
        return n >= 0 ? n : throw new SSLWantReadError();
    }

    /// <summary>
    /// <see cref="Read(int, Memory{byte})"/> without the exception: -1 where Python raises SSLWantReadError, so
    /// SSLProtocol's read loop, which ends that way on every pass, costs no throw.
    /// </summary>
    internal int TryRead(int len, Memory<byte> buffer) => ReadInto(buffer.Span[..Math.Min(len, buffer.Length)]);

    /// <summary>Python's <c>write(data)</c>: encrypts the bytes into the outgoing BIO; returns their number.</summary>
    public int Write(ReadOnlyMemory<byte> data)
    {
        _driving++;
        try
        {
            return WriteCore(data);
        }
        finally
        {
            _driving--;
        }
    }

    /// <summary>
    /// <see cref="Write"/> for bytes the caller keeps only during the call: encrypted straight from them, copied only
    /// if the stream must keep them (a write that waits). Returns how many were taken: all, or none where Python's
    /// write would raise SSLWantReadError (the handshake or an earlier write still waits).
    /// </summary>
    internal unsafe int WriteTransient(ReadOnlySpan<byte> data)
    {
        var lent = _borrowed ??= new BorrowedMemory();
        fixed (byte* pointer = data)
        {
            lent.Lend(pointer, data.Length);
            try
            {
                Write(lent.Memory);
                if (_pendingWrite is not null)
                {
                    // The waiting write reads the bytes later: it gets a copy, and the next write a new lender.
                    lent.Keep();
                    _borrowed = null;
                }
                return data.Length;
            }
            catch (SSLWantReadError)
            {
                return 0;
            }
            finally
            {
                if (_borrowed == lent)
                {
                    lent.Return();
                }
            }
        }
    }

    private int WriteCore(ReadOnlyMemory<byte> data)
    {
        DoHandshake();
        if (_shutdownSent)
        {
            throw new SSLError(1, $"[SSL: PROTOCOL_IS_SHUTDOWN] protocol is shutdown (_ssl.c:{WriteLine})", "SSL", "PROTOCOL_IS_SHUTDOWN");
        }
        if (_pendingWrite is not null)
        {
            if (!_pendingWrite.IsCompleted)
            {
                throw new SSLWantReadError();
            }
            var done = _pendingWrite;
            _pendingWrite = null;
            if (!done.IsCompletedSuccessfully)
            {
                throw SslErrors.Map(done.Exception!.InnerException!, WriteLine);
            }
        }
        ValueTask write;
        try
        {
            write = WithoutContext((_stream, data), static s => s._stream.WriteAsync(s.data));
        }
        catch (Exception exc)
        {
            throw SslErrors.Map(exc, WriteLine);
        }
        if (!write.IsCompleted)
        {
            // The bytes belong to the stream now; the next write waits for this one.
            _pendingWrite = write.AsTask();
            Watch(_pendingWrite);
            return data.Length;
        }
        try
        {
            write.GetAwaiter().GetResult();
        }
        catch (Exception exc)
        {
            throw SslErrors.Map(exc, WriteLine);
        }
        return data.Length;
    }

    /// <summary>
    /// Python's <c>unwrap()</c>: sends close_notify, then raises SSLWantReadError until the peer's close_notify
    /// arrives; application data still arriving meanwhile is discarded, as OpenSSL's SSL_shutdown does.
    /// </summary>
    public void Unwrap()
    {
        _driving++;
        try
        {
            UnwrapCore();
        }
        finally
        {
            _driving--;
        }
    }

    private void UnwrapCore()
    {
        if (!_shutdownSent)
        {
            _shutdownSent = true;
            Task shutdown;
            try
            {
                shutdown = WithoutContext(_stream.ShutdownAsync);
            }
            catch (Exception exc)
            {
                throw SslErrors.Map(exc, ShutdownLine);
            }
            if (shutdown.IsFaulted)
            {
                throw SslErrors.Map(shutdown.Exception!.InnerException!, ShutdownLine);
            }
            Watch(shutdown);
        }
        Span<byte> scratch = stackalloc byte[1024];
        while (!_closeNotifyReceived)
        {
            _readCount = 0;
            if (ReadInto(scratch) < 0)
            {
                throw new SSLWantReadError();
            }
        }
    }

    /// <summary>Python's <c>pending()</c>: decrypted bytes ready to be read without more input.</summary>
    public int Pending() => _readCount;

    /// <summary>Python's <c>version()</c>: 'TLSv1.3', 'TLSv1.2', ...; null before the handshake.</summary>
    public string? Version()
    {
        if (!_handshakeDone)
        {
            return null;
        }
#pragma warning disable SYSLIB0039 // reporting an old protocol is not using it
        return _protocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
            _ => null,
        };
#pragma warning restore SYSLIB0039
    }

    /// <summary>Python's <c>cipher()</c>: (name as OpenSSL spells it, protocol version, secret bits); null before the handshake.</summary>
    public (string Name, string Protocol, int Bits)? Cipher()
    {
        if (!_handshakeDone)
        {
            return null;
        }
        return (CipherNames.OpenSslName(_cipherSuite), Version() ?? "", CipherNames.SecretBits(_cipherSuite));
    }

    /// <summary>Python's <c>compression()</c>: always null, as with every modern OpenSSL build.</summary>
    public string? Compression() => null;

    /// <summary>Python's <c>selected_alpn_protocol()</c>: the protocol ALPN agreed on, or null.</summary>
    public string? SelectedAlpnProtocol()
    {
        return _alpn;
    }

    /// <summary>
    /// Python's <c>getpeercert(binary_form=False)</c>: null without a peer certificate; the DER bytes when
    /// <paramref name="binaryForm"/>; otherwise Python's dict as OpenSSL fills it (see <see cref="CertificateDecoder"/>),
    /// empty when the certificate was not verified.
    /// </summary>
    public object? Getpeercert(bool binaryForm = false)
    {
        if (!_handshakeDone)
        {
            throw new ValueError("handshake not done yet");
        }
        if (_remoteCertificate is not { } cert)
        {
            return null;
        }
        if (binaryForm)
        {
            return cert.RawData;
        }
        return _peerVerified ? CertificateDecoder.Decode(cert) : new Dictionary<string, object?>();
    }

    /// <summary>Appends the <paramref name="nbytes"/> the transport received into the incoming BIO's room, as <see cref="Feed(ReadOnlySpan{byte})"/> does.</summary>
    internal void Feed(int nbytes)
    {
        _driving++;
        try
        {
            if (_rejectedEarly || (_serverCertificate is not null && !VerifyEarlyReceived(nbytes)))
            {
                _incoming.Drop();
                return;
            }
            _incoming.Commit(nbytes);
        }
        finally
        {
            _driving--;
        }
    }

    private bool VerifyEarlyReceived(int nbytes)
    {
        _incoming.Received(nbytes, out var first, out var second);
        return VerifyEarly(first) && (second.IsEmpty || _serverCertificate is null || VerifyEarly(second));
    }

    /// <summary>Writes ciphertext from the peer to the incoming BIO; operations it lets finish are seen by the caller's next step.</summary>
    internal void Feed(ReadOnlySpan<byte> data)
    {
        _driving++;
        try
        {
            if (_rejectedEarly || (_serverCertificate is not null && !VerifyEarly(data)))
            {
                return;
            }
            _incoming.Write(data);
        }
        finally
        {
            _driving--;
        }
    }

    /// <summary>
    /// A TLS 1.2 client verifies the server's certificate as soon as it arrives (see <see cref="Tls12CertificateReader"/>),
    /// before the SslStream sees it and answers with our Finished flight. False when it is refused: then the alert
    /// replaces that flight, the ciphertext is not handed on, and the handshake fails with the verify error.
    /// </summary>
    private bool VerifyEarly(ReadOnlySpan<byte> data)
    {
        var reader = _serverCertificate!;
        reader.Feed(data);
        if (!reader.Done)
        {
            return true;
        }
        _serverCertificate = null;
        if (reader.Certificates is not { Count: > 0 } chain || Context.VerifyMode == VerifyMode.CERT_NONE
            || CheckServerChain(chain) is not { } error)
        {
            return true;
        }
        _verifyError = error;
        _rejectedEarly = true;
        SendAlert(TlsAlert.ForVerifyCode(error.VerifyCode), SslProtocols.Tls12);
        return false;
    }

    /// <summary>What <see cref="Validate"/> would conclude for the server's chain (DER, leaf first); null when it passes.</summary>
    private SSLCertVerificationError? CheckServerChain(List<byte[]> der)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            foreach (var cert in der)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(cert));
            }
            using var chain = new X509Chain { ChainPolicy = Context.ChainPolicy(peerIsServer: true) };
            var leaf = certificates[0];
            chain.ChainPolicy.ExtraStore.AddRange(certificates);
            var errors = chain.Build(leaf) ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateChainErrors;
            var hostname = Context.CheckHostname ? ServerHostname : null;
            if (!string.IsNullOrEmpty(hostname) && !leaf.MatchesHostname(hostname))
            {
                errors |= SslPolicyErrors.RemoteCertificateNameMismatch;
            }
            return CertVerifier.Check(leaf, chain, errors, hostname);
        }
        catch (CryptographicException)
        {
            // Left to the SslStream, which fails the handshake on it.
            return null;
        }
        finally
        {
            foreach (var cert in certificates)
            {
                cert.Dispose();
            }
        }
    }

    /// <summary>Ends the session: a waiting read sees the end of input and the stream is disposed.</summary>
    internal void Release()
    {
        _incoming.WriteEof();
        _stream.Dispose();
    }

    /// <summary>
    /// Decrypts everything the ciphertext received so far holds and returns it in place, without the copy a read
    /// into the caller's buffer costs; <paramref name="closeNotify"/> tells whether the peer's close_notify followed.
    /// The bytes stay valid until the next read.
    /// </summary>
    internal ReadOnlySpan<byte> ReadAvailable(out bool closeNotify)
    {
        _driving++;
        try
        {
            DoHandshake();
            while (!_closeNotifyReceived && Fill())
            {
            }
            closeNotify = _closeNotifyReceived;
            var start = _readStart;
            var count = _readCount;
            _readStart = 0;
            _readCount = 0;
            return _readBuffer.AsSpan(start, count);
        }
        finally
        {
            _driving--;
        }
    }

    private int ReadInto(Span<byte> destination)
    {
        _driving++;
        try
        {
            return ReadIntoCore(destination);
        }
        finally
        {
            _driving--;
        }
    }

    private int ReadIntoCore(Span<byte> destination)
    {
        DoHandshake();
        if (_readCount == 0 && !_closeNotifyReceived && !Fill())
        {
            return -1;
        }
        if (_readCount == 0)
        {
            return 0;
        }
        var n = Math.Min(destination.Length, _readCount);
        _readBuffer.AsSpan(_readStart, n).CopyTo(destination);
        _readStart += n;
        _readCount -= n;
        return n;
    }

    /// <summary>Appends the next decrypted chunk to the read buffer; false when the stream waits for ciphertext.</summary>
    private bool Fill()
    {
        var probed = false;
        if (_readPending)
        {
            if (!_pendingRead.IsCompleted)
            {
                return false;
            }
            var pending = _pendingRead;
            _readPending = false;
            _pendingRead = default;
            var n = TakeRead(pending);
            if (!_pendingProbe)
            {
                // A read only waits once everything before it was taken, so its bytes are all there is.
                _readStart = _pendingReadOffset;
                _readCount = n;
                return Filled(n);
            }
            probed = true;
        }
        MakeReadRoom();
        var offset = _readStart + _readCount;
        if (offset > 0 && !probed)
        {
            // A read that waits holds its place in the buffer, and the bytes before it would have to move once taken.
            // A zero-byte read waits the same way (SslStream returns from it once decrypted bytes or the end are
            // there) without a place, so it goes first and the real read follows, at once.
            var probe = StartRead(Memory<byte>.Empty);
            if (!probe.IsCompleted)
            {
                Pend(probe, probe: true, offset);
                return false;
            }
            TakeRead(probe);
        }
        var read = StartRead(_readBuffer.AsMemory(offset));
        if (!read.IsCompleted)
        {
            Pend(read, probe: false, offset);
            return false;
        }
        var count = TakeRead(read);
        _readCount += count;
        return Filled(count);
    }

    private ValueTask<int> StartRead(Memory<byte> destination)
    {
        try
        {
            return WithoutContext((_stream, destination), static s => s._stream.ReadAsync(s.destination));
        }
        catch (Exception exc) when (exc is not SSLError)
        {
            throw SslErrors.Map(exc, ReadLine);
        }
    }

    private static int TakeRead(ValueTask<int> read)
    {
        try
        {
            return read.GetAwaiter().GetResult();
        }
        catch (Exception exc) when (exc is not SSLError)
        {
            throw SslErrors.Map(exc, ReadLine);
        }
    }

    private void Pend(ValueTask<int> read, bool probe, int offset)
    {
        _pendingRead = read;
        _pendingProbe = probe;
        _pendingReadOffset = offset;
        _readPending = true;
        read.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onOutsideCompletion);
    }

    /// <summary>Notes the end of the peer's data when a read returned none; true, as the read finished.</summary>
    private bool Filled(int n)
    {
        if (n == 0)
        {
            _closeNotifyReceived = true;
        }
        return true;
    }

    /// <summary>Leaves room for a whole record after the buffered bytes: moved to the front, or the buffer grown.</summary>
    private void MakeReadRoom()
    {
        if (_readCount == 0)
        {
            _readStart = 0;
        }
        if (_readBuffer.Length - _readStart - _readCount >= MinReadRoom)
        {
            return;
        }
        var target = _readCount + MinReadRoom > _readBuffer.Length
            ? GC.AllocateUninitializedArray<byte>(Math.Max(2 * MinReadRoom, _readBuffer.Length * 2))
            : _readBuffer;
        Buffer.BlockCopy(_readBuffer, _readStart, target, 0, _readCount);
        _readBuffer = target;
        _readStart = 0;
    }

    private Task StartHandshake()
    {
        if (Context.EnabledProtocols() == SslProtocols.None)
        {
            return Task.FromException(new SSLError(1, $"[SSL: NO_PROTOCOLS_AVAILABLE] no protocols available (_ssl.c:{HandshakeLine})",
                "SSL", "NO_PROTOCOLS_AVAILABLE"));
        }
        try
        {
            if (ServerSide)
            {
                if (Context.Certificate is null)
                {
                    return Task.FromException(new SSLError(1, $"[SSL: NO_SHARED_CIPHER] no shared cipher (_ssl.c:{HandshakeLine})",
                        "SSL", "NO_SHARED_CIPHER"));
                }
                return _stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = Context.Certificate,
                    ClientCertificateRequired = Context.VerifyMode != VerifyMode.CERT_NONE,
                    EnabledSslProtocols = Context.EnabledProtocols(),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = Context.ChainPolicy(peerIsServer: false),
                    ApplicationProtocols = Context.AlpnProtocols,
                    CipherSuitesPolicy = Context.CipherPolicy,
                    RemoteCertificateValidationCallback = Validate,
                }, CancellationToken.None);
            }
            return _stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = ServerHostname ?? "",
                ClientCertificateContext = Context.Certificate,
                EnabledSslProtocols = Context.EnabledProtocols(),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = Context.ChainPolicy(peerIsServer: true),
                ApplicationProtocols = Context.AlpnProtocols,
                CipherSuitesPolicy = Context.CipherPolicy,
                RemoteCertificateValidationCallback = Validate,
            }, CancellationToken.None);
        }
        catch (Exception exc)
        {
            return Task.FromException(exc);
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Context.VerifyMode == VerifyMode.CERT_NONE)
        {
            return true;
        }
        if (certificate is null)
        {
            if (ServerSide && Context.VerifyMode == VerifyMode.CERT_OPTIONAL)
            {
                return true;
            }
            _verifyError = ServerSide
                ? new SSLError(1, $"[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate (_ssl.c:{HandshakeLine})",
                    "SSL", "PEER_DID_NOT_RETURN_A_CERTIFICATE")
                : new SSLCertVerificationError(50, "application verification failure");
            SendAlert(TlsAlert.HandshakeFailure, _stream.SslProtocol);
            return false;
        }
        _verifyError = CertVerifier.Check(certificate, chain, errors, !ServerSide && Context.CheckHostname ? ServerHostname : null);
        _peerVerified = _verifyError is null;
        if (_verifyError is SSLCertVerificationError rejected)
        {
            SendAlert(TlsAlert.ForVerifyCode(rejected.VerifyCode), _stream.SslProtocol);
        }
        return _peerVerified;
    }

    /// <summary>
    /// Replaces our unsent handshake flight with the alert OpenSSL would have sent. .NET validates the peer after
    /// its OpenSSL handshake, when our last flight (a TLS 1.3 client's Finished, a TLS 1.2 server's Finished) is in
    /// the outgoing BIO, unsent until this step returns: dropped, the peer never completes its handshake, as with
    /// OpenSSL, which verifies before writing that flight (a TLS 1.2 client's went out earlier, so it verifies
    /// before, in <see cref="VerifyEarly"/>). A TLS 1.3 server verifies the client after the client's handshake is
    /// over: the client only reads protected records then and would report a plaintext alert as a bad record type,
    /// so it gets none and sees the connection end, as when CPython's asyncio server rejects it.
    /// </summary>
    private void SendAlert(byte description, SslProtocols protocol)
    {
        _outgoing.Read();
        if (!(ServerSide && protocol == SslProtocols.Tls13))
        {
            _outgoing.Write(TlsAlert.Record(protocol, description));
        }
    }

    /// <summary>
    /// Calls into the SslStream with no SynchronizationContext, so its awaits on the BIO resume inline when
    /// ciphertext is written rather than being posted to the loop (where nothing would retry the TLS step).
    /// </summary>
    internal static T WithoutContext<T>(Func<T> call) => WithoutContext(call, static c => c());

    /// <summary><see cref="WithoutContext{T}(Func{T})"/> with the call's state passed in, so a static lambda (no closure) serves.</summary>
    internal static T WithoutContext<TState, T>(TState state, Func<TState, T> call)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return call(state);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void Watch(Task task) =>
        task.ContinueWith(static (t, self) =>
        {
            _ = t.Exception;
            ((SSLObject)self!).OnOutsideCompletion();
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Completions inside a call (or a feed) are seen by that call; any other one needs the owner to retry.</summary>
    private void OnOutsideCompletion()
    {
        if (Environment.CurrentManagedThreadId != _ownerThread || _driving == 0)
        {
            Wakeup?.Invoke();
        }
    }
}

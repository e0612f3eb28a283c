using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>Interop with the real OpenSSL command line, both ways: our client against s_server, s_client against our server.</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private readonly SelectorEventLoop _loop = new();
    private readonly List<Process> _processes = new();

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
            p.WaitForExit();
            p.Dispose();
        }
        _loop.Close();
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private Process Start(string arguments, StringBuilder output)
    {
        var info = new ProcessStartInfo("openssl", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private void RunUntil(Func<bool> done, double timeout = 20)
    {
        var deadline = _loop.Time() + timeout;
        while (!done())
        {
            Assert.True(_loop.Time() < deadline, "timed out");
            _loop.RunUntilComplete(Asyncio.Sleep(0.005));
        }
    }

    private (Process Process, StringBuilder Output, int Port) StartServer(string extra)
    {
        var port = FreePort();
        var output = new StringBuilder();
        var process = Start($"s_server -accept 127.0.0.1:{port} -cert {TestCerts.ServerCert} -key {TestCerts.ServerKey} " +
                            $"-CAfile {TestCerts.CaFile} -naccept 1 -rev {extra}", output);
        RunUntil(() => Text(output).Contains("ACCEPT"));
        return (process, output, port);
    }

    private static SSLContext ClientContext(bool withCert)
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        context.LoadVerifyLocations(TestCerts.CaFile);
        if (withCert)
        {
            context.LoadCertChain(TestCerts.ClientCert, TestCerts.ClientKey);
        }
        context.SetAlpnProtocols(new[] { "h2", "http/1.1" });
        return context;
    }

    [Fact]
    public void our_client_against_s_server_with_mutual_tls_and_alpn()
    {
        var (server, output, port) = StartServer("-Verify 1 -alpn http/1.1");
        var app = new RecordingProtocol();
        var (transport, _) = _loop.RunUntilComplete(_loop.CreateConnection(() => app, "127.0.0.1", port,
            ssl: ClientContext(withCert: true), serverHostname: "localhost"));
        var sslObject = (SSLObject)transport.GetExtraInfo("ssl_object")!;
        Assert.Equal("http/1.1", sslObject.SelectedAlpnProtocol());
        Assert.Equal("TLSv1.3", sslObject.Version());
        ((Transport)transport).Write("hello\n"u8);
        RunUntil(() => Encoding.ASCII.GetString(app.Data.ToArray()).Contains("olleh"));
        transport.Close();
        RunUntil(() => app.Lost);
        Assert.Null(app.LostWith);
        Assert.True(server.WaitForExit(10_000));
        Assert.Contains("CN=client", Text(output).Replace(" ", ""));
    }

    [Fact]
    public void our_client_without_a_certificate_gets_the_alert_from_s_server()
    {
        var (_, _, port) = StartServer("-Verify 1");
        var app = new RecordingProtocol();
        var (transport, _) = _loop.RunUntilComplete(_loop.CreateConnection(() => app, "127.0.0.1", port,
            ssl: ClientContext(withCert: false), serverHostname: "localhost"));
        // TLS 1.3: the client's handshake is over before the server asks for the missing certificate.
        RunUntil(() => app.Lost);
        var exc = Assert.IsAssignableFrom<SSLError>(app.LostWith);
        Assert.Equal("TLSV13_ALERT_CERTIFICATE_REQUIRED", exc.Reason);
        Assert.Equal("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required (_ssl.c:2580)", exc.Message);
        Assert.True(transport.IsClosing());
    }

    private sealed class EchoCloseProtocol : RecordingProtocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            base.DataReceived(data);
            if (data.IndexOf((byte)'\n') >= 0)
            {
                ((Transport)Transport!).Write(Data.ToArray());
                Transport!.Close();
            }
        }
    }

    private Server StartOurServer(Func<BaseProtocol> factory, bool requireClientCert)
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.ServerKey);
        context.SetAlpnProtocols(new[] { "http/1.1" });
        if (requireClientCert)
        {
            context.VerifyMode = VerifyMode.CERT_REQUIRED;
            context.LoadVerifyLocations(TestCerts.CaFile);
        }
        return (Server)_loop.RunUntilComplete(_loop.CreateServer(factory, "127.0.0.1", 0, ssl: context));
    }

    [Fact]
    public void s_client_against_our_server_with_mutual_tls_and_alpn()
    {
        var app = new EchoCloseProtocol();
        var server = StartOurServer(() => app, requireClientCert: true);
        var port = ((IPEndPoint)server.Sockets[0].Getsockname()).Port;
        var output = new StringBuilder();
        var client = Start($"s_client -connect 127.0.0.1:{port} -servername localhost -CAfile {TestCerts.CaFile} " +
                           $"-cert {TestCerts.ClientCert} -key {TestCerts.ClientKey} -alpn http/1.1 -verify_return_error -quiet", output);
        client.StandardInput.Write("ping\n");
        client.StandardInput.Flush();
        RunUntil(() => app.Lost);
        Assert.Null(app.LostWith);
        RunUntil(() => client.HasExited);
        client.WaitForExit();
        var text = Text(output);
        Assert.Equal(0, client.ExitCode);
        Assert.Contains("verify return:1", text);
        // s_client's stdout (the echoed line) and stderr (verification) arrive interleaved in any order.
        Assert.Contains("ping", text.Split('\n'));
        var peercert = (Dictionary<string, object?>)app.Transport!.GetExtraInfo("peercert")!;
        Assert.Equal(("commonName", "client"), ((List<List<(string, string)>>)peercert["subject"]!)[0][0]);
        Assert.Equal("http/1.1", ((SSLObject)app.Transport.GetExtraInfo("ssl_object")!).SelectedAlpnProtocol());
        server.Close();
        _loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void s_client_without_a_certificate_is_refused_by_our_server()
    {
        var made = 0;
        var server = StartOurServer(() => new CountingProtocol(() => made++), requireClientCert: true);
        var port = ((IPEndPoint)server.Sockets[0].Getsockname()).Port;
        var output = new StringBuilder();
        var client = Start($"s_client -connect 127.0.0.1:{port} -servername localhost -CAfile {TestCerts.CaFile}", output);
        client.StandardInput.Write("ping\n");
        client.StandardInput.Flush();
        RunUntil(() => client.HasExited);
        client.WaitForExit();
        Assert.Equal(0, made);
        // .NET's server drops the connection without an alert: s_client sees an EOF or a reset, never our data.
        var text = Text(output);
        Assert.Contains("CONNECTED", text);
        Assert.Matches("unexpected eof|errno=|closed", text);
        server.Close();
        _loop.RunUntilComplete(server.WaitClosed());
    }

    private sealed class CountingProtocol : Protocol
    {
        private readonly Action _made;

        public CountingProtocol(Action made) => _made = made;

        public override void ConnectionMade(BaseTransport transport) => _made();
    }
}

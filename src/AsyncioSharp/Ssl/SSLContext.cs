namespace AsyncioSharp.Ssl;

/// <summary>Python's <c>ssl.SSLContext</c>: TLS settings for a connection or a server.</summary>
public class SSLContext
{
}

namespace AsyncioSharp;

/// <summary>
/// Python's <c>_start_tls_compatible = True</c> class attribute: a transport <c>start_tls</c> may upgrade (socket
/// transports and TLS transports; not pipes or datagram transports).
/// </summary>
internal interface IStartTlsCompatible
{
}

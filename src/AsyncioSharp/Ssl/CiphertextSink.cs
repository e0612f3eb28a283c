using System;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Where an <see cref="SSLObject"/>'s ciphertext may go instead of its outgoing <see cref="MemoryBIO"/>: SSLProtocol
/// hands each record to the transport below as it is made, which then need not be copied into the BIO first (and the
/// peer starts on a long message's first record sooner). Returns false when the record must wait in the BIO.
/// </summary>
internal delegate bool CiphertextSink(ReadOnlySpan<byte> ciphertext);

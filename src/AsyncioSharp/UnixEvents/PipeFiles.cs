using System.IO;
using System.IO.Pipes;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>What the pipe transports need of a pipe object: Python's <c>pipe.fileno()</c> and the fstat checks.</summary>
internal static class PipeFiles
{
    /// <summary>Python's <c>pipe.fileno()</c> for the streams that have a descriptor.</summary>
    internal static int Fileno(Stream pipe) => pipe switch
    {
        FileStream fs => (int)fs.SafeFileHandle.DangerousGetHandle(),
        PipeStream ps => (int)ps.SafePipeHandle.DangerousGetHandle(),
        NetworkStream ns => (int)ns.Socket.Handle,
        _ => throw new TypeError($"'{pipe.GetType().Name}' object has no file descriptor (fileno)"),
    };

    /// <summary>The file type bits of the descriptor (Python's <c>os.fstat(fd).st_mode</c>).</summary>
    internal static uint FileType(int fd) => Libc.FstatMode(fd) & Libc.S_IFMT;
}

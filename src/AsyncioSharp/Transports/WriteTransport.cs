using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.WriteTransport</c>: the write-only side of a transport.</summary>
public abstract class WriteTransport : BaseTransport
{
    /// <summary>Creates a transport whose extra info answers from <paramref name="extra"/>.</summary>
    protected WriteTransport(IReadOnlyDictionary<string, object?>? extra = null) : base(extra) { }

    /// <summary>Python's <c>set_write_buffer_limits(high=None, low=None)</c>.</summary>
    public virtual void SetWriteBufferLimits(int? high = null, int? low = null) => throw new NotImplementedException();

    /// <summary>Python's <c>get_write_buffer_size()</c>.</summary>
    public virtual int GetWriteBufferSize() => throw new NotImplementedException();

    /// <summary>Python's <c>get_write_buffer_limits()</c>: (low, high).</summary>
    public virtual (int Low, int High) GetWriteBufferLimits() => throw new NotImplementedException();

    /// <summary>Python's <c>write(data)</c>: queues the bytes; they are delivered or their loss reported.</summary>
    public virtual void Write(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Python's <c>writelines(list_of_data)</c>: the pieces joined, written with one <see cref="Write"/>.</summary>
    public virtual void Writelines(IEnumerable<byte[]> listOfData)
    {
        var pieces = listOfData as IReadOnlyCollection<byte[]> ?? new List<byte[]>(listOfData);
        var joined = new byte[pieces.Sum(p => p.Length)];
        var offset = 0;
        foreach (var data in pieces)
        {
            data.CopyTo(joined, offset);
            offset += data.Length;
        }
        Write(joined);
    }

    /// <summary>Python's <c>write_eof()</c>: closes the write end after flushing.</summary>
    public virtual void WriteEof() => throw new NotImplementedException();

    /// <summary>Python's <c>can_write_eof()</c>.</summary>
    public virtual bool CanWriteEof() => throw new NotImplementedException();

    /// <summary>Python's <c>abort()</c>: closes at once, buffered data is lost.</summary>
    public virtual void Abort() => throw new NotImplementedException();
}

using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>The memory SSLObject encrypts a caller's bytes from without copying them.</summary>
public sealed class BorrowedMemoryTests
{
    [Fact]
    public unsafe void lent_bytes_are_read_in_place()
    {
        var bytes = new byte[] { 1, 2, 3 };
        var lent = new BorrowedMemory();
        fixed (byte* pointer = bytes)
        {
            lent.Lend(pointer, bytes.Length);
            var memory = lent.Memory;
            bytes[1] = 9;
            Assert.Equal(new byte[] { 1, 9, 3 }, memory.ToArray());
            lent.Return();
        }
    }

    [Fact]
    public unsafe void kept_bytes_outlive_the_loan_as_a_copy()
    {
        var bytes = new byte[] { 1, 2, 3, 4 };
        var lent = new BorrowedMemory();
        ReadOnlyMemory<byte> kept;
        fixed (byte* pointer = bytes)
        {
            lent.Lend(pointer, bytes.Length);
            kept = lent.Memory[1..];
            lent.Keep();
        }
        bytes[2] = 0;
        Assert.Equal(new byte[] { 2, 3, 4 }, kept.ToArray());
        using var handle = kept.Pin();
        Assert.Equal(2, *(byte*)handle.Pointer);
    }
}

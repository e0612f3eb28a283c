using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_unix_events <c>TestFunctional.test_add_reader_invalid_argument</c>. CPython passes <c>object()</c>;
/// the C# methods take an int fd or a Socket, so the invalid file objects left are a negative fd and a closed socket
/// (whose fileno() is -1 in Python), which CPython's selector rejects with ValueError the same way.
/// </summary>
public partial class TestFunctional
{
    [Fact]
    public void test_add_reader_invalid_argument()
    {
        void AssertRaises(Action call) =>
            Assert.Matches("Invalid file descriptor", Assert.Throws<ValueError>(call).Message);

        Action cb = () => { };

        AssertRaises(() => Loop.AddReader(-1, cb));
        AssertRaises(() => Loop.AddWriter(-1, cb));
        AssertRaises(() => Loop.RemoveReader(-1));
        AssertRaises(() => Loop.RemoveWriter(-1));

        var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Close();
        AssertRaises(() => Loop.AddReader(closed, cb));
        AssertRaises(() => Loop.AddWriter(closed, cb));
        AssertRaises(() => Loop.RemoveReader(closed));
        AssertRaises(() => Loop.RemoveWriter(closed));
    }
}

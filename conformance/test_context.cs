using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_context.DecimalContextTest: each task runs in its own context, so a context-local setting
/// (Python's decimal context, here an AsyncLocal precision) made by one task is not seen by another.
/// </summary>
public class DecimalContextTest : IDisposable
{
    private static readonly AsyncLocal<int> Precision = new();

    private static string Divide(double x, double y) => Math.Round(x / y, Precision.Value).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Coroutine<(string, string)> Fractions(double t, int precision, double x, double y)
    {
        Precision.Value = precision;
        var a = Divide(x, y);
        await Asyncio.Sleep(t);
        var b = Divide(x, y * y);
        return (a, b);
    }

    private static async Coroutine<object?[]> Main() =>
        await Asyncio.Gather(Fractions(0.1, 3, 1, 3), Fractions(0.2, 6, 1, 3));

    [Fact]
    public void test_asyncio_task_decimal_context()
    {
        var results = Asyncio.Run(Main());
        var (r1a, r1b) = ((string, string))results[0]!;
        var (r2a, r2b) = ((string, string))results[1]!;
        Assert.Equal("0.333", r1a);
        Assert.Equal("0.111", r1b);
        Assert.Equal("0.333333", r2a);
        Assert.Equal("0.111111", r2b);
    }

    public void Dispose()
    {
        Asyncio.SetEventLoopPolicy(null);
        GC.SuppressFinalize(this);
    }
}

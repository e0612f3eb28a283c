using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_context <c>DecimalContextTest</c>: decimal's context is a context variable, so each task computes
/// with the precision it set, across awaits. C#'s context variable is <see cref="AsyncLocal{T}"/>; the precision is
/// applied by rounding to that many significant digits, as <c>decimal.localcontext().prec</c> does for a division.
/// </summary>
public class DecimalContextTest : LoopTestCase
{
    private static readonly AsyncLocal<int> Prec = new();

    private static decimal Divide(decimal x, decimal y)
    {
        var q = x / y;
        var digits = Prec.Value - 1 - (int)Math.Floor(Math.Log10((double)Math.Abs(q)));
        return Math.Round(q, Math.Max(digits, 0));
    }

    private static async Coroutine<(decimal A, decimal B)> Fractions(double t, int precision, int x, int y)
    {
        Prec.Value = precision;
        var a = Divide(x, y);
        await Asyncio.Sleep(t);
        var b = Divide(x, y * y);
        return (a, b);
    }

    [Fact]
    public void test_asyncio_task_decimal_context()
    {
        async Coroutine<object?[]> Main() => await Asyncio.Gather(Fractions(0.1, 3, 1, 3), Fractions(0.2, 6, 1, 3));

        Asyncio.SetEventLoop(null);
        var results = Asyncio.Run(Main());
        var (r1, r2) = ((ValueTuple<decimal, decimal>)results[0]!, (ValueTuple<decimal, decimal>)results[1]!);
        Assert.Equal("0.333", r1.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.111", r1.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.333333", r2.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.111111", r2.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

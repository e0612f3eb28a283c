// The C# shape of a Python asyncio program: asyncio.run(main()) is Asyncio.Run(Main()).
using AsyncioSharp;

static async Coroutine<string> Greet(string name, double delay)
{
    await Asyncio.Sleep(delay);
    return $"hello, {name}";
}

static async Coroutine Main()
{
    var loop = Asyncio.GetRunningLoop();
    var t0 = loop.Time();
    var greetings = await Asyncio.Gather(Greet("asyncio", 0.2), Greet("C#", 0.1));
    foreach (var g in greetings)
    {
        Console.WriteLine(g);
    }
    Console.WriteLine($"both in {loop.Time() - t0:F2}s, concurrently");
}

Asyncio.Run(Main());

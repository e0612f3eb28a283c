using System.Text.Json;
using AsyncioSharp.Bench;

// bench/run.sh drives this: `micro` prints the loop micro-benchmarks as JSON (operations per second).
switch (args.FirstOrDefault())
{
    case "micro":
        Console.WriteLine(JsonSerializer.Serialize(Micro.Run(args.ElementAtOrDefault(1))));
        return 0;
    case "echo-protocol":
        Echo.RunProtocol(int.Parse(args[1]));
        return 0;
    case "echo-streams":
        Echo.RunStreams(int.Parse(args[1]));
        return 0;
    case "tls-echo":
        TlsEcho.Run(int.Parse(args[1]), args[2], args[3]);
        return 0;
    default:
        Console.Error.WriteLine("usage: AsyncioSharp.Bench micro [NAME] | echo-protocol PORT | echo-streams PORT | tls-echo PORT CERT KEY");
        return 2;
}

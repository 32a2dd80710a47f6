using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Plexus.Model.Text;

namespace Plexus.Probe;

/// <summary>Parses the plexus-probe command line and dispatches to serve or connect. Exit codes: 0 ok, 1 failed, 2 bad input.</summary>
public static class ProbeCommand
{
    private const string Usage = """
        Usage:
          plexus-probe serve [--tcp PORT[,PORT…]] [--udp PORT[,PORT…]] [--name NAMESPACE/POD] [--echo-peer]
              Answer every TCP connection and UDP datagram with the server's name.
              The name defaults to $PLEXUS_POD (namespace/pod), else the host name.
              --echo-peer: answer "NAME PEER-IP", the address the client came from.
          plexus-probe connect IP:PORT [--protocol tcp|udp] [--timeout 1s] [--source-port PORT] [--count N | --hold DURATION [--interval 100ms]]
              Print what the server sent back and exit 0; exit 1 when nothing came back.
              --source-port P: connect from port P (1-65535) instead of one the kernel picks (TCP; reuses the port
                of a closed connection at once, as a busy client's kernel does).
              --count N: make N connections (datagrams) one after the other; print a JSON tally
                {"attempts", "succeeded", "replies": {reply: count}, "errors": {error: count}}; exit 0 when all succeeded.
              --hold D: keep one TCP connection for D, sending a line every --interval and expecting the
                server's line back; print JSON {"reply", "exchanges", "end", "elapsedMs"} where end is
                completed, reset, aborted (ended locally, e.g. by the agent), closed, timeout or refused; exit 0 only when completed.
          plexus-probe flood IP --count N [--ports FIRST-LAST] [--rate PER_SECOND]
              Send N UDP datagrams (1-10000000), each to the next port of FIRST-LAST (default 1024-65535), from a new
              source port each time the ports wrap: every datagram is a new flow. --rate paces them (default: as fast as possible). Stops after 60 s.
              Prints JSON {"sent", "errors", "elapsedMs", "rate"}.
        """;

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            return args[0] switch
            {
                "serve" => await ServeAsync(args[1..], stdout, cancellationToken).ConfigureAwait(false),
                "connect" => await ConnectAsync(args[1..], stdout, stderr, cancellationToken).ConfigureAwait(false),
                "flood" => await FloodAsync(args[1..], stdout, cancellationToken).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command \"{args[0]}\"; expected serve, connect or flood"),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"plexus-probe: {e.Message}").ConfigureAwait(false);
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<int> ServeAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var echoPeer = args.Contains("--echo-peer");
        var options = ParseOptions([.. args.Where(a => a != "--echo-peer")], ["--tcp", "--udp", "--name"]);
        var tcp = ParsePorts(options, "--tcp");
        var udp = ParsePorts(options, "--udp");
        if (tcp.Count == 0 && udp.Count == 0)
        {
            throw new UsageException("serve needs at least one of --tcp or --udp");
        }

        var name = options.GetValueOrDefault("--name")
            ?? Environment.GetEnvironmentVariable("PLEXUS_POD")
            ?? Dns.GetHostName();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        var server = new ProbeServer(name, echoPeer);
        var tasks = new List<Task>();
        foreach (var port in tcp)
        {
            tasks.Add(server.ServeTcpAsync(port, stop.Token));
        }

        foreach (var port in udp)
        {
            tasks.Add(server.ServeUdpAsync(port, stop.Token));
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"serving as {name}: tcp [{string.Join(',', tcp)}] udp [{string.Join(',', udp)}]")).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return 0;
    }

    private static async Task<int> ConnectAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException("connect needs a target IP:PORT");
        }

        if (!IPEndPoint.TryParse(args[0], out var target) || target.Port == 0)
        {
            throw new UsageException($"target \"{args[0]}\" is not IP:PORT (e.g. 10.1.0.5:80 or [fd00::5]:80)");
        }

        var options = ParseOptions(args[1..], ["--protocol", "--timeout", "--count", "--hold", "--interval", "--source-port"]);
        var protocol = options.GetValueOrDefault("--protocol", "tcp").ToLowerInvariant();
        if (protocol is not ("tcp" or "udp"))
        {
            throw new UsageException($"--protocol: \"{protocol}\" is not tcp or udp");
        }

        var timeout = ParseDuration(options, "--timeout", TimeSpan.FromSeconds(1));
        var sourcePort = 0;
        if (options.TryGetValue("--source-port", out var sourcePortText))
        {
            if (!int.TryParse(sourcePortText, NumberStyles.None, CultureInfo.InvariantCulture, out sourcePort) || sourcePort is < 1 or > 65535)
            {
                throw new UsageException($"--source-port: \"{sourcePortText}\" is not a port (1-65535)");
            }

            if (protocol != "tcp" || options.ContainsKey("--hold"))
            {
                throw new UsageException("--source-port needs --protocol tcp and no --hold");
            }
        }

        if (options.ContainsKey("--count") && options.ContainsKey("--hold"))
        {
            throw new UsageException("--count and --hold exclude each other");
        }

        if (options.ContainsKey("--hold"))
        {
            if (protocol != "tcp")
            {
                throw new UsageException("--hold needs --protocol tcp");
            }

            var hold = ParseDuration(options, "--hold", TimeSpan.Zero);
            var interval = ParseDuration(options, "--interval", TimeSpan.FromMilliseconds(100));
            var held = await ProbeClient.HoldTcpAsync(target, hold, interval, timeout, cancellationToken).ConfigureAwait(false);
            var report = new JsonObject
            {
                ["reply"] = held.Reply,
                ["exchanges"] = held.Exchanges,
                ["end"] = held.End,
                ["elapsedMs"] = (long)held.Elapsed.TotalMilliseconds,
            };
            await stdout.WriteLineAsync(report.ToJsonString()).ConfigureAwait(false);
            return held.End == "completed" ? 0 : 1;
        }

        if (options.TryGetValue("--count", out var countText))
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 100_000)
            {
                throw new UsageException($"--count: \"{countText}\" is not a number of connections (1-100000)");
            }

            var replies = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var errors = new SortedDictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var attempt = await AttemptAsync().ConfigureAwait(false);
                var tally = attempt.Reply is not null ? replies : errors;
                var key = attempt.Reply ?? attempt.Error ?? "unknown";
                tally[key] = tally.GetValueOrDefault(key) + 1;
            }

            var succeeded = replies.Values.Sum();
            var report = new JsonObject
            {
                ["attempts"] = count,
                ["succeeded"] = succeeded,
                ["replies"] = new JsonObject(replies.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["errors"] = new JsonObject(errors.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            };
            await stdout.WriteLineAsync(report.ToJsonString()).ConfigureAwait(false);
            return succeeded == count ? 0 : 1;
        }

        var result = await AttemptAsync().ConfigureAwait(false);
        if (result.Reply is { } reply)
        {
            await stdout.WriteLineAsync(reply).ConfigureAwait(false);
            return 0;
        }

        await stderr.WriteLineAsync($"plexus-probe: {protocol} {target}: {result.Error}").ConfigureAwait(false);
        return 1;

        Task<ProbeClient.Result> AttemptAsync() => protocol == "tcp"
            ? ProbeClient.ConnectTcpAsync(target, timeout, sourcePort, cancellationToken)
            : ProbeClient.ExchangeUdpAsync(target, timeout, cancellationToken);
    }

    private static async Task<int> FloodAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0].StartsWith('-') || !IPAddress.TryParse(args[0], out var target))
        {
            throw new UsageException("flood needs a target IP address");
        }

        var options = ParseOptions(args[1..], ["--count", "--ports", "--rate"]);
        if (!options.TryGetValue("--count", out var countText) || !long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count is < 1 or > 10_000_000)
        {
            throw new UsageException($"--count: \"{options.GetValueOrDefault("--count")}\" is not a number of datagrams (1-10000000)");
        }

        var ports = options.GetValueOrDefault("--ports", "1024-65535").Split('-');
        if (ports.Length != 2 || !int.TryParse(ports[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(ports[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) || first < 1 || last > 65535 || first > last)
        {
            throw new UsageException($"--ports: \"{options.GetValueOrDefault("--ports")}\" is not FIRST-LAST within 1-65535");
        }

        var rate = 0;
        if (options.TryGetValue("--rate", out var rateText)
            && (!int.TryParse(rateText, NumberStyles.None, CultureInfo.InvariantCulture, out rate) || rate < 1))
        {
            throw new UsageException($"--rate: \"{rateText}\" is not a positive number of datagrams per second");
        }

        var result = await Task.Run(() => ProbeFlood.Run(target, first, last, count, rate, cancellationToken), cancellationToken).ConfigureAwait(false);
        var report = new JsonObject
        {
            ["sent"] = result.Sent,
            ["errors"] = result.Errors,
            ["elapsedMs"] = (long)result.Elapsed.TotalMilliseconds,
            ["rate"] = Math.Round(result.Sent / Math.Max(result.Elapsed.TotalSeconds, 1e-3)),
        };
        await stdout.WriteLineAsync(report.ToJsonString()).ConfigureAwait(false);
        return result.Sent > 0 ? 0 : 1;
    }

    private static TimeSpan ParseDuration(Dictionary<string, string> options, string key, TimeSpan fallback)
    {
        if (!options.TryGetValue(key, out var text))
        {
            return fallback;
        }

        return Durations.TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new UsageException($"{key}: \"{text}\" is not a duration (e.g. 1s, 500ms, 2.5s)");
    }

    private static Dictionary<string, string> ParseOptions(string[] args, string[] known)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string key;
            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                key = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                key = arg;
            }

            if (!known.Contains(key))
            {
                throw new UsageException($"unknown argument \"{arg}\"; expected one of {string.Join(", ", known)}");
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"{key} needs a value");
                }

                value = args[++i];
            }

            options[key] = value;
        }

        return options;
    }

    private static List<int> ParsePorts(Dictionary<string, string> options, string key)
    {
        var ports = new List<int>();
        if (!options.TryGetValue(key, out var list))
        {
            return ports;
        }

        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new UsageException($"{key}: \"{item}\" is not a port (1-65535)");
            }

            ports.Add(port);
        }

        return ports;
    }

    private sealed class UsageException(string message) : Exception(message);
}

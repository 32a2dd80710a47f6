using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Flows;
using Plexus.Lab.Agents;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus observe [filters] [--last N] [--since T] [--until T] [--follow] [-o compact|json|jsonpb|table]</c>: flows
/// from every node's agent, filtered on the nodes and merged by time (what Hubble Relay does). Filters are
/// <c>hubble observe</c>'s; <c>--not</c> negates the filter flag that follows it.
/// </summary>
public static class ObserveCommand
{
    private const int DefaultLast = 20;
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] Outputs = ["compact", "json", "jsonpb", "table"];

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var filters = FlowFilter.Kinds.ToDictionary(k => k, k => new Option<string[]>("--" + k)
        {
            Description = Describe(k),
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.OneOrMore,
        });
        var not = new Option<bool>("--not") { Description = "Negate the filter flag that follows (e.g. --not --namespace kube-system)", Arity = ArgumentArity.Zero };
        var last = new Option<int?>("--last") { Description = $"How many stored flows to show (default {DefaultLast}; with --follow, none unless given)" };
        var since = new Option<string?>("--since") { Description = "Flows at or after this time: RFC 3339 or a duration ago (30s, 5m, 2h)" };
        var until = new Option<string?>("--until") { Description = "Flows at or before this time: RFC 3339 or a duration ago" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new flows until Ctrl-C" };
        var output = new Option<string>("--output", "-o") { Description = "compact (default), json (one Hubble JSON line per flow), jsonpb (same), table", DefaultValueFactory = _ => "compact" };
        output.AcceptOnlyFromAmong(Outputs);
        var command = new Command("observe", "Show flows (drops, new connections, policy verdicts) from every node, Hubble-style")
        {
            not, last, since, until, follow, output,
        };
        foreach (var option in filters.Values)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c =>
        {
            var query = BuildQuery(parse, filters, parse.GetValue(last), parse.GetValue(since), parse.GetValue(until), parse.GetValue(follow), c.Time.GetUtcNow());
            return RunAsync(c, query, parse.GetValue(output)!, ct);
        }));
        return command;
    }

    /// <summary>Runs the command with a built query.</summary>
    public static async Task<int> RunAsync(CliContext context, FlowQuery query, string output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        var nodes = await NodesAsync(context, cancellationToken).ConfigureAwait(false);
        if (nodes.Count == 0)
        {
            throw CliException.Failed("no nodes are registered in the store: start a lab or agents first");
        }

        var printer = new Printer(context.Out, output);
        var lines = Channel.CreateUnbounded<FlowResponse>();
        var failures = new List<string>();
        var readers = nodes.Select(node => ReadNodeAsync(node, query, lines.Writer, failures, cancellationToken)).ToList();
        var all = Task.WhenAll(readers).ContinueWith(_ => lines.Writer.TryComplete(), TaskScheduler.Default);
        if (query.Follow)
        {
            try
            {
                await foreach (var response in lines.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await printer.PrintAsync(response).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        }
        else
        {
            var collected = new List<FlowResponse>();
            await foreach (var response in lines.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                collected.Add(response);
            }

            // Each node sent its last N; the merged view is the last N of all of them, in time order.
            var flows = collected.Where(r => r.Flow is not null).OrderBy(r => r.Time).ToList();
            if (query.Last is { } last && flows.Count > last)
            {
                flows = flows[^last..];
            }

            foreach (var response in flows.Concat(collected.Where(r => r.LostEvents is not null)))
            {
                await printer.PrintAsync(response).ConfigureAwait(false);
            }

            await printer.FinishAsync().ConfigureAwait(false);
        }

        await all.ConfigureAwait(false);
        foreach (var failure in failures)
        {
            await context.Error.WriteLineAsync($"Warning: {failure}").ConfigureAwait(false);
        }

        return failures.Count == nodes.Count ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>Turns the parsed flags into a query; bad values are reported together (exit 2).</summary>
    internal static FlowQuery BuildQuery(ParseResult parse, IReadOnlyDictionary<string, Option<string[]>> filters, int? last, string? since, string? until, bool follow, DateTimeOffset now)
    {
        var errors = new List<string>();
        var include = new List<(string, string)>();
        var exclude = new List<(string, string)>();
        var negateNext = false;
        // Flags in command-line order: --not applies to the next filter flag only.
        string? kind = null;
        var excluded = false;
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.Option)
            {
                var name = token.Value.TrimStart('-');
                if (name == "not")
                {
                    negateNext = true;
                    kind = null;
                }
                else if (filters.ContainsKey(name))
                {
                    (kind, excluded, negateNext) = (name, negateNext, false);
                }
                else
                {
                    kind = null;
                }
            }
            else if (token.Type == TokenType.Argument && kind is not null)
            {
                (excluded ? exclude : include).Add((kind, token.Value));
                kind = null;
            }
        }

        if (negateNext)
        {
            errors.Add("--not: must be followed by a filter flag");
        }

        if (last is < 0)
        {
            errors.Add($"--last {last}: must not be negative");
        }

        var query = new FlowQuery
        {
            Include = FlowFilter.Create(include, errors),
            Exclude = FlowFilter.Create(exclude, errors),
            Last = last ?? (follow ? 0 : DefaultLast),
            Since = Time("--since", since, now, errors),
            Until = Time("--until", until, now, errors),
            Follow = follow,
        };
        if (errors.Count > 0)
        {
            throw CliException.BadInput(string.Join(Environment.NewLine + "Error: ", errors));
        }

        return query;
    }

    private static DateTimeOffset? Time(string flag, string? text, DateTimeOffset now, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > 1 && char.IsAsciiDigit(text[0]) && text[^1] is 's' or 'm' or 'h' or 'd'
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return now - (text[^1] switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromDays(amount) });
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors.Add($"{flag} {text}: not an RFC 3339 time or a duration (30s, 5m, 2h, 1d)");
        return null;
    }

    private static async Task<List<NodeRecord>> NodesAsync(CliContext context, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        try
        {
            return [.. (await store.ListAsync(StoreKeys.NodesPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => NodeRecord.FromJson(kv.Value)).OfType<NodeRecord>()
                .OrderBy(n => n.Cluster, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)];
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }
    }

    private static async Task ReadNodeAsync(NodeRecord node, FlowQuery query, ChannelWriter<FlowResponse> lines, List<string> failures, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new AgentClient(node.ApiSocket, AgentTimeout);
            await foreach (var line in client.FlowsAsync(query.ToQueryString(), cancellationToken).ConfigureAwait(false))
            {
                if (JsonSerializer.Deserialize(line, FlowsJsonContext.Default.FlowResponse) is { } response)
                {
                    await lines.WriteAsync(response, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C while following.
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException or JsonException)
        {
            lock (failures)
            {
                failures.Add($"node {node.Cluster}/{node.Name}: {e.Message}");
            }
        }
    }

    private static string Describe(string kind)
    {
        var side = kind.StartsWith("from-", StringComparison.Ordinal) ? "source " : kind.StartsWith("to-", StringComparison.Ordinal) ? "destination " : "";
        var what = kind.Contains('-', StringComparison.Ordinal) && side.Length > 0 ? kind[(kind.IndexOf('-', StringComparison.Ordinal) + 1)..] : kind;
        var detail = what switch
        {
            "pod" => "pod [namespace/]name prefix",
            "namespace" => "namespace",
            "label" => "labels, selector syntax (app=web,!canary)",
            "ip" => "IP address or CIDR",
            "port" => "L4 port",
            "identity" => "security identity",
            "protocol" => "tcp, udp or icmp",
            "verdict" => "FORWARDED, DROPPED, AUDIT, …",
            "type" => "drop, trace or policy-verdict",
            "node-name" => "node name (cluster/node, node, or prefix*)",
            "reason" => "drop reason number or name (POLICY_DENIED)",
            _ => what,
        };
        return side.Length == 0 && kind is "pod" or "namespace" or "label" or "ip" or "port" or "identity"
            ? $"Flows whose source or destination matches this {detail} (repeatable: any)"
            : $"Flows whose {side}{detail} matches (repeatable: any)";
    }

    /// <summary>Prints responses in one of the output formats.</summary>
    private sealed class Printer(TextWriter writer, string output)
    {
        private readonly Table? _table = output == "table" ? new Table([.. FlowFormatter.TableColumns]) : null;

        public async Task PrintAsync(FlowResponse response)
        {
            if (output is "json" or "jsonpb")
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(response, FlowsJsonContext.Default.FlowResponse)).ConfigureAwait(false);
            }
            else if (response.LostEvents is { } lost)
            {
                var text = $"EVENTS LOST: {lost.Source} {lost.NumEventsLost.ToString(CultureInfo.InvariantCulture)} on {response.NodeName}";
                if (_table is null)
                {
                    await writer.WriteLineAsync(text).ConfigureAwait(false);
                }
                else
                {
                    _table.Add(FlowFormatter.Time(response.Time), text, "", "", "", "");
                }
            }
            else if (response.Flow is { } flow)
            {
                if (_table is null)
                {
                    await writer.WriteLineAsync(FlowFormatter.Compact(flow)).ConfigureAwait(false);
                }
                else
                {
                    _table.Add([.. FlowFormatter.Row(flow)]);
                }
            }

            if (output != "table")
            {
                await writer.FlushAsync().ConfigureAwait(false);
            }
        }

        public async Task FinishAsync()
        {
            if (_table is { Count: > 0 })
            {
                await writer.WriteAsync(_table.ToString()).ConfigureAwait(false);
            }
        }
    }
}

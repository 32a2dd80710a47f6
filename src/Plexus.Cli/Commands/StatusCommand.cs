using System.CommandLine;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Lab.Agents;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus status [-o json]</c>: per node, the agent's health, store connection, attached programs, map fill levels
/// and endpoint count, asked from every agent over its API socket (found in the node records).
/// </summary>
public static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var output = Options.Output();
        var command = new Command("status", "Show every node's agent, store connection, datapath programs and maps") { output };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(output), ct)));
        return command;
    }

    /// <summary>Runs the command; exit 1 when a node's agent is unhealthy or unreachable.</summary>
    public static async Task<int> RunAsync(CliContext context, OutputFormat output, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        List<NodeRecord> nodes;
        try
        {
            nodes = [.. (await store.ListAsync(StoreKeys.NodesPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => NodeRecord.FromJson(kv.Value)).OfType<NodeRecord>()
                .OrderBy(n => n.Cluster, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)];
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }

        var statuses = new List<(NodeRecord Node, JsonObject? Status, string? Error)>();
        foreach (var node in nodes)
        {
            try
            {
                using var client = new AgentClient(node.ApiSocket, TimeSpan.FromSeconds(3));
                statuses.Add((node, await client.StatusAsync(cancellationToken).ConfigureAwait(false), null));
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                statuses.Add((node, null, $"agent unreachable on {node.ApiSocket}: {e.Message}"));
            }
        }

        var healthy = statuses.All(s => s.Status is { } st && st["store"]?["connected"]?.GetValue<bool>() == true
            && (st["datapath"]?["enabled"]?.GetValue<bool>() != true || st["datapath"]?["ready"]?.GetValue<bool>() == true));
        if (output != OutputFormat.Table)
        {
            var array = new JsonArray([.. statuses.Select(s => (JsonNode)new JsonObject
            {
                ["cluster"] = s.Node.Cluster,
                ["node"] = s.Node.Name,
                ["status"] = s.Status?.DeepClone(),
                ["error"] = s.Error,
            })]);
            await Documents.WriteAsync(context.Out, array, output).ConfigureAwait(false);
            return healthy ? ExitCodes.Ok : ExitCodes.Failed;
        }

        if (statuses.Count == 0)
        {
            await context.Error.WriteLineAsync("No nodes registered.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        var table = new Table("CLUSTER", "NODE", "AGENT", "STORE", "POD-CIDR", "PROGRAMS", "ENDPOINTS", "MAPS");
        foreach (var (node, status, error) in statuses)
        {
            if (status is null)
            {
                table.Add(node.Cluster, node.Name, "unreachable", "-", node.PodCidr ?? "-", "-", "-", error);
                continue;
            }

            var dp = status["datapath"];
            var programs = dp?["programs"]?.AsArray() ?? [];
            var attached = programs.Count(p => p?["attached"]?.GetValue<bool>() == true);
            var how = string.Join(", ", programs.Select(p => p?["attach"]?.GetValue<string>()).OfType<string>()
                .GroupBy(a => a).OrderByDescending(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
            var maps = string.Join(" ", (dp?["maps"]?.AsArray() ?? []).Select(m =>
                $"{m!["name"]!.GetValue<string>().Replace("plx_", "", StringComparison.Ordinal)}={m["entries"]}/{m["maxEntries"]}"));
            table.Add(
                node.Cluster,
                node.Name,
                $"ok {status["version"]} pid {status["pid"]}",
                status["store"]?["connected"]?.GetValue<bool>() == true ? "connected" : $"down: {status["store"]?["lastError"]}",
                dp?["podCidr"]?.GetValue<string>() ?? "-",
                dp?["enabled"]?.GetValue<bool>() == true ? $"{attached}/{programs.Count} attached{(how.Length == 0 ? "" : $" ({how})")}" : "datapath off",
                $"{dp?["endpoints"] ?? 0}",
                maps.Length == 0 ? "-" : maps);
        }

        await context.Out.WriteAsync(table.ToString()).ConfigureAwait(false);
        return healthy ? ExitCodes.Ok : ExitCodes.Failed;
    }
}

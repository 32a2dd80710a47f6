using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Cli.Resources;
using Plexus.Lab.Agents;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus services [-n NS] [-o json|yaml]</c>: every Service frontend (ClusterIP, node port, load balancer) with its
/// backends, from the resolved Service records in the store; connection counts per backend are asked from every node's
/// agent and summed (shown as unknown when no agent answers).
/// </summary>
public static class ServicesCommand
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var ns = new Option<string?>("--namespace", "-n") { Description = "Only Services of this namespace (default: all)" };
        var output = Options.Output();
        var command = new Command("services", "List Service frontends and their backends with connection counts summed over the nodes") { ns, output };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(ns), parse.GetValue(output), ct)));
        return command;
    }

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CliContext context, string? ns, OutputFormat output, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        List<ServiceStatusRecord> records;
        List<NodeRecord> nodes;
        try
        {
            records = [.. (await store.ListAsync(StoreKeys.ServicesPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => ServiceStatusRecord.FromJson(kv.Value)).OfType<ServiceStatusRecord>()
                .Where(r => ns is null || r.Namespace == ns)
                .OrderBy(r => r.Cluster, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)];
            nodes = [.. (await store.ListAsync(StoreKeys.NodesPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => NodeRecord.FromJson(kv.Value)).OfType<NodeRecord>()];
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }

        var (counts, reachable) = await CountConnectionsAsync(nodes, cancellationToken).ConfigureAwait(false);
        var rows = records.SelectMany(r => Rows(r, reachable > 0 ? counts : null)).ToList();
        if (output != OutputFormat.Table)
        {
            await Documents.WriteAsync(context.Out, new JsonArray([.. rows.Select(r => (JsonNode)r.ToJson())]), output).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        if (rows.Count == 0)
        {
            await context.Error.WriteLineAsync(ns is null ? "No services found." : $"No services found in namespace \"{ns}\".").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var table = new Table("NAMESPACE", "SERVICE", "KIND", "FRONTEND", "BACKENDS");
        foreach (var row in rows)
        {
            table.Add(row.Namespace, row.Name, row.Kind ?? "-", row.FrontendText, row.BackendsText);
        }

        await context.Out.WriteAsync(table.ToString()).ConfigureAwait(false);
        if (reachable < nodes.Count || reachable == 0)
        {
            await context.Error.WriteLineAsync(reachable == 0
                ? "Connection counts unknown: no agent answered (backends are from the store)."
                : $"Connection counts from {reachable} of {nodes.Count} nodes: the other agents did not answer.").ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Per frontend and backend (<c>cluster|ADDRESS:PORT/PROTO|BACKEND:PORT</c>), the connections summed over the nodes that answered.</summary>
    private static async Task<(Dictionary<string, long> Counts, int Reachable)> CountConnectionsAsync(List<NodeRecord> nodes, CancellationToken cancellationToken)
    {
        var tasks = nodes.Select(async node =>
        {
            try
            {
                using var client = new AgentClient(node.ApiSocket, AgentTimeout);
                return (node.Cluster, await client.ServicesAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException
                or System.Text.Json.JsonException or InvalidOperationException)
            {
                return (node.Cluster, (JsonArray?)null);
            }
        }).ToList();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var reachable = 0;
        foreach (var (cluster, frontends) in await Task.WhenAll(tasks).ConfigureAwait(false))
        {
            if (frontends is null)
            {
                continue;
            }

            reachable++;
            foreach (var frontend in frontends.OfType<JsonObject>())
            {
                var key = FrontendKey(cluster, Str(frontend["address"]), Int(frontend["port"]), Str(frontend["protocol"]));
                foreach (var backend in (frontend["backends"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var backendKey = $"{key}|{Str(backend["address"])}:{Int(backend["port"])}";
                    counts[backendKey] = counts.GetValueOrDefault(backendKey) + (backend["connections"]?.GetValue<long>() ?? 0);
                }
            }
        }

        return (counts, reachable);
    }

    private static IEnumerable<Row> Rows(ServiceStatusRecord record, Dictionary<string, long>? counts)
    {
        if (record.Errors.Count > 0)
        {
            yield return new Row(record, null, null, 0, null, null, [], string.Join("; ", record.Errors));
            yield break;
        }

        if (record.IsHeadless)
        {
            yield return new Row(record, "Headless", null, 0, null, null, [], null);
            yield break;
        }

        foreach (var port in record.Ports)
        {
            if (port.Protocol is not ("TCP" or "UDP"))
            {
                continue;
            }

            IEnumerable<(string Kind, string Address, int Port)> frontends = [("ClusterIP", record.ClusterIP ?? "", port.Port)];
            if (port.NodePort is { } nodePort)
            {
                frontends = frontends.Append(("NodePort", "0.0.0.0", nodePort));
            }

            frontends = frontends.Concat(record.LoadBalancerIPs.Select(ip => ("LoadBalancer", ip, port.Port)));
            foreach (var (kind, address, number) in frontends)
            {
                var key = FrontendKey(record.Cluster, address, number, port.Protocol);
                var backends = port.Backends.Select(b => new BackendRow(b, counts?.GetValueOrDefault($"{key}|{b.Ip}:{b.Port}"))).ToList();
                yield return new Row(record, kind, address, number, port.Protocol, port.Name, backends, null);
            }
        }
    }

    private static string FrontendKey(string cluster, string? address, int port, string? protocol) =>
        string.Create(CultureInfo.InvariantCulture, $"{cluster}|{address}:{port}/{protocol}");

    private static string? Str(JsonNode? node) => node is JsonValue v ? v.ToString() : null;

    private static int Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;

    private sealed record BackendRow(ServiceStatusBackend Backend, long? Connections);

    private sealed record Row(
        ServiceStatusRecord Record, string? Kind, string? Address, int Port, string? Protocol, string? PortName, List<BackendRow> Backends, string? Error)
    {
        public string Namespace => Record.Namespace;

        public string Name => Record.Name;

        public string FrontendText => Error is not null ? "<pending>"
            : Address is null ? "<none>"
            : string.Create(CultureInfo.InvariantCulture, $"{(Kind == "NodePort" ? "*" : Address)}:{Port}/{Protocol}");

        public string BackendsText => Error ?? (Backends.Count == 0
            ? "<none>"
            : string.Join(", ", Backends.Select(b => string.Create(CultureInfo.InvariantCulture,
                $"{b.Backend.Ip}:{b.Backend.Port}{(b.Connections is { } n ? $" ({n})" : "")}"))));

        public JsonObject ToJson() => new()
        {
            ["cluster"] = Record.Cluster,
            ["namespace"] = Record.Namespace,
            ["service"] = Record.Name,
            ["portName"] = PortName,
            ["kind"] = Kind,
            ["address"] = Address,
            ["port"] = Address is null ? null : Port,
            ["protocol"] = Protocol,
            ["backends"] = new JsonArray([.. Backends.Select(b => (JsonNode)new JsonObject
            {
                ["pod"] = b.Backend.Pod,
                ["node"] = b.Backend.Node,
                ["address"] = b.Backend.Ip,
                ["port"] = b.Backend.Port,
                ["connections"] = b.Connections,
            })]),
            ["error"] = Error,
        };
    }
}

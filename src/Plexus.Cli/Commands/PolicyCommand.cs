using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Lab.Agents;
using Plexus.Model.State;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus policy trace --from NS/POD --to NS/POD|IP --port N[/PROTO] [-o json]</c>: explains the verdict a new
/// connection would get. The source's agent traces egress and the destination's agent traces ingress
/// (<c>GET /v1/policy/trace</c>), each from the compiled policy it last programmed, with the C# mirror of the datapath
/// lookup; the CLI only finds the pods, Services and agents in the store. A ClusterIP or LoadBalancer address is traced
/// per backend (policy applies after service translation); another address is resolved by the source node's ipcache
/// (a pod, a node, a CIDR identity, or world). Exit 0 when allowed (also by audit mode), 1 when dropped or an agent
/// does not answer, 2 for bad input.
/// </summary>
public static class PolicyCommand
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Builds <c>policy</c> and its subcommands.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var from = new Option<string>("--from") { Description = "Source pod: NAMESPACE/POD", Required = true };
        var to = new Option<string>("--to") { Description = "Destination: NAMESPACE/POD, a Service's ClusterIP/LoadBalancer IP, or any IPv4 address", Required = true };
        var port = new Option<string>("--port") { Description = "Destination port and protocol: 80/tcp, 53/udp, 8/icmp (ICMP type); the protocol defaults to tcp", Required = true };
        var output = Options.Output();
        var trace = new Command("trace", "Explain the policy verdict of a new connection: egress at the source, ingress at the destination (exit 0 allowed, 1 dropped)")
        {
            from, to, port, output,
        };
        trace.SetAction((parse, ct) => CliRunner.RunAsync(context(), c =>
            RunTraceAsync(c, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(port)!, parse.GetValue(output), ct)));
        return new Command("policy", "Inspect network policy") { trace };
    }

    /// <summary>Parses <c>80/tcp</c>, <c>53/udp</c>, <c>8/icmp</c> or <c>80</c> (tcp); throws a bad-input error naming <c>--port</c>.</summary>
    public static (int Port, string Protocol) ParsePort(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        var protocol = parts.Length == 2 ? parts[1].ToLowerInvariant() : "tcp";
        if (parts.Length > 2 || protocol is not ("tcp" or "udp" or "sctp" or "icmp"))
        {
            throw CliException.BadInput($"--port: \"{text}\": the protocol must be tcp, udp, sctp or icmp (e.g. 80/tcp)");
        }

        var max = protocol == "icmp" ? 255 : 65535;
        var min = protocol == "icmp" ? 0 : 1;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < min || port > max)
        {
            throw CliException.BadInput($"--port: \"{text}\": {(protocol == "icmp" ? "the ICMP type must be 0-255" : "the port must be a number 1-65535")}");
        }

        return (port, protocol);
    }

    /// <summary>Runs <c>policy trace</c>.</summary>
    public static async Task<int> RunTraceAsync(CliContext context, string from, string to, string port, OutputFormat output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (number, protocol) = ParsePort(port);
        var source = SplitPod(from, "--from");
        var address = IPAddress.TryParse(to, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork ? ip : null;
        var destinationPod = address is null ? SplitPod(to, "--to") : default;

        var store = context.OpenStore();
        List<EndpointRecord> endpoints;
        List<ServiceStatusRecord> services;
        List<NodeRecord> nodes;
        try
        {
            endpoints = [.. (await store.ListAsync(StoreKeys.EndpointsPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => EndpointRecord.FromJson(kv.Value)).OfType<EndpointRecord>()];
            services = [.. (await store.ListAsync(StoreKeys.ServicesPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => ServiceStatusRecord.FromJson(kv.Value)).OfType<ServiceStatusRecord>()];
            nodes = [.. (await store.ListAsync(StoreKeys.NodesPrefix(), cancellationToken).ConfigureAwait(false)).Items
                .Select(kv => NodeRecord.FromJson(kv.Value)).OfType<NodeRecord>()];
        }
        finally
        {
            await context.ReleaseAsync(store).ConfigureAwait(false);
        }

        var src = FindPod(endpoints, source, "--from");
        var proto = protocol.ToUpperInvariant();
        JsonObject target;
        var backends = new List<(JsonObject? Backend, string Ip, int Port, EndpointRecord? Pod)>();
        string? noPath = null;
        if (address is null)
        {
            var dst = FindPod(endpoints, destinationPod, "--to");
            target = PodJson(dst, "pod");
            backends.Add((null, dst.Ip!, number, dst));
        }
        else if (services.Select(s => (Service: s, Port: FrontendPort(s, address.ToString(), number, proto))).FirstOrDefault(f => f.Port is not null) is { Service: { } service, Port: { } servicePort })
        {
            target = new JsonObject { ["kind"] = "service", ["namespace"] = service.Namespace, ["service"] = service.Name, ["cluster"] = service.Cluster };
            foreach (var backend in servicePort.Backends)
            {
                var pod = endpoints.FirstOrDefault(e => e.Cluster == service.Cluster && e.Ip == backend.Ip);
                var json = pod is not null ? PodJson(pod, "pod") : new JsonObject { ["kind"] = "address", ["ip"] = backend.Ip, ["cluster"] = service.Cluster, ["node"] = backend.Node };
                json["port"] = backend.Port;
                backends.Add((json, backend.Ip, backend.Port, pod));
            }

            if (backends.Count == 0)
            {
                noPath = $"Service {service.Namespace}/{service.Name} has no backends for {number}/{protocol}: the datapath drops the connection (158 SERVICE_BACKEND_NOT_FOUND)";
            }
        }
        else if (endpoints.FirstOrDefault(e => e.Ip == address.ToString() && e.Cluster == src.Cluster) is { } pod)
        {
            target = PodJson(pod, "pod");
            backends.Add((null, pod.Ip!, number, pod));
        }
        else
        {
            target = new JsonObject { ["kind"] = "address" };
            backends.Add((null, address.ToString(), number, null));
        }

        if (address is not null)
        {
            target["ip"] = address.ToString();
        }

        target["port"] = number;
        target["protocol"] = protocol;

        var paths = new List<PolicyTracePath>();
        foreach (var (backend, backendIp, backendPort, pod) in backends)
        {
            var egress = await TraceAsync(nodes, src, "egress", $"peerIp={backendIp}", backendPort, protocol, cancellationToken).ConfigureAwait(false);
            var sourceIdentity = (egress["endpoint"] as JsonObject)?["identity"]?.GetValue<long>() ?? src.Identity;
            var ingress = pod is null ? null
                : await TraceAsync(nodes, pod, "ingress", $"peer={sourceIdentity.ToString(CultureInfo.InvariantCulture)}", backendPort, protocol, cancellationToken).ConfigureAwait(false);
            paths.Add(new PolicyTracePath(backend, egress, ingress));
        }

        var report = new PolicyTraceReport { From = PodJson(src, null), To = target, NoPath = noPath, Paths = paths };
        if (output == OutputFormat.Table)
        {
            await context.Out.WriteAsync(report.ToText()).ConfigureAwait(false);
        }
        else
        {
            await Documents.WriteAsync(context.Out, report.ToJson(), output).ConfigureAwait(false);
        }

        return report.Allowed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static (string Namespace, string Pod) SplitPod(string text, string flag) =>
        text.Split('/') is [var ns, var pod] && ns.Length > 0 && pod.Length > 0
            ? (ns, pod)
            : throw CliException.BadInput($"{flag}: \"{text}\" is not NAMESPACE/POD{(flag == "--to" ? " or an IPv4 address" : "")}");

    private static EndpointRecord FindPod(List<EndpointRecord> endpoints, (string Namespace, string Pod) name, string flag)
    {
        var found = endpoints.Where(e => e.Namespace == name.Namespace && e.Pod == name.Pod).ToList();
        return found switch
        {
            [] => throw CliException.BadInput($"{flag}: pod {name.Namespace}/{name.Pod} not found (no endpoint in the store)"),
            [var one] when one.Identity == 0 || one.Ip is null => throw CliException.Failed($"{flag}: pod {name.Namespace}/{name.Pod} has no identity or address yet"),
            [var one] => one,
            _ => throw CliException.BadInput($"{flag}: pod {name.Namespace}/{name.Pod} exists in clusters {string.Join(", ", found.Select(e => e.Cluster).Distinct())}; trace from its IP address instead"),
        };
    }

    private static ServiceStatusPort? FrontendPort(ServiceStatusRecord service, string ip, int port, string protocol) =>
        service.Errors.Count > 0 || !(service.ClusterIP == ip || service.LoadBalancerIPs.Contains(ip))
            ? null
            : service.Ports.FirstOrDefault(p => p.Port == port && p.Protocol == protocol);

    private static JsonObject PodJson(EndpointRecord pod, string? kind)
    {
        var json = new JsonObject();
        if (kind is not null)
        {
            json["kind"] = kind;
        }

        json["namespace"] = pod.Namespace;
        json["pod"] = pod.Pod;
        json["ip"] = pod.Ip;
        json["identity"] = pod.Identity;
        json["cluster"] = pod.Cluster;
        json["node"] = pod.Node;
        return json;
    }

    // Asks the agent of the endpoint's node; any failure to get a trace is an operation failure naming the node.
    private static async Task<JsonObject> TraceAsync(List<NodeRecord> nodes, EndpointRecord endpoint, string direction, string peer, int port, string protocol, CancellationToken cancellationToken)
    {
        var node = nodes.FirstOrDefault(n => n.Cluster == endpoint.Cluster && n.Name == endpoint.Node)
            ?? throw CliException.Failed($"node {endpoint.Cluster}/{endpoint.Node} of pod {endpoint.Namespace}/{endpoint.Pod} is not registered (its agent is down?)");
        var query = string.Create(CultureInfo.InvariantCulture,
            $"v1/policy/trace?pod={Uri.EscapeDataString($"{endpoint.Namespace}/{endpoint.Pod}")}&direction={direction}&{peer}&port={port}&protocol={protocol}");
        try
        {
            using var client = new AgentClient(node.ApiSocket, AgentTimeout);
            var (code, body) = await client.GetJsonAsync(query, cancellationToken).ConfigureAwait(false);
            return code == 200 && body is JsonObject trace
                ? trace
                : throw CliException.Failed($"agent of node {node.Cluster}/{node.Name}: {direction} trace of {endpoint.Namespace}/{endpoint.Pod} failed ({code}): {body?["error"]?.ToString() ?? "no answer"}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or SocketException)
        {
            throw CliException.Failed($"agent of node {node.Cluster}/{node.Name} ({node.ApiSocket}) did not answer: {e.Message}");
        }
    }
}

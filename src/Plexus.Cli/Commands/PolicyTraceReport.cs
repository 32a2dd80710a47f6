using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Plexus.Cli.Commands;

/// <summary>
/// The result of <c>plexus policy trace</c>: the source, the destination as given, and one path per destination the
/// connection can reach (one for a pod or an address, one per backend for a Service), each with the agents' egress
/// trace at the source and ingress trace at the destination (<c>GET /v1/policy/trace</c> bodies). A path is
/// FORWARDED when both directions pass, AUDIT when one only passes by audit mode, else DROPPED with the reason of the
/// first direction that drops (egress is looked up first, as in the datapath).
/// </summary>
public sealed class PolicyTraceReport
{
    /// <summary>The source pod: namespace, pod, ip, identity, cluster, node.</summary>
    public required JsonObject From { get; init; }

    /// <summary>The destination as given: kind (pod, service, address), ip, port, protocol and, for a pod or service, its names.</summary>
    public required JsonObject To { get; init; }

    /// <summary>Why a destination has no path (a Service without backends), else null.</summary>
    public string? NoPath { get; init; }

    /// <summary>The paths traced.</summary>
    public required IReadOnlyList<PolicyTracePath> Paths { get; init; }

    /// <summary>True when every path is forwarded (also by audit) and there is at least one.</summary>
    public bool Allowed => NoPath is null && Paths.Count > 0 && Paths.All(p => p.Verdict != "DROPPED");

    /// <summary><c>FORWARDED</c>, <c>AUDIT</c> or <c>DROPPED</c> over all paths.</summary>
    public string Verdict => !Allowed ? "DROPPED" : Paths.Any(p => p.Verdict == "AUDIT") ? "AUDIT" : "FORWARDED";

    /// <summary>The machine-readable form.</summary>
    public JsonObject ToJson() => new()
    {
        ["from"] = From.DeepClone(),
        ["to"] = To.DeepClone(),
        ["verdict"] = Verdict,
        ["allowed"] = Allowed,
        ["noPath"] = NoPath,
        ["paths"] = new JsonArray([.. Paths.Select(p => (JsonNode)p.ToJson())]),
    };

    /// <summary>The text for people: one block per direction, then the result.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var port = $"{Int(To, "port")}/{Str(To, "protocol")}";
        text.Append(CultureInfo.InvariantCulture, $"{Describe(From)} -> {DescribeTarget(To)} port {port}\n");
        if (Str(To, "kind") == "service")
        {
            text.Append(CultureInfo.InvariantCulture, $"{Str(To, "ip")}:{port} is Service {Str(To, "namespace")}/{Str(To, "service")}: ")
                .Append("policy is evaluated on the translated backend (address and target port), so each backend is traced.\n");
        }

        if (NoPath is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nRESULT  DROPPED: {NoPath}\n");
            return text.ToString();
        }

        foreach (var path in Paths)
        {
            if (path.Backend is { } backend)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n== backend {DescribeTarget(backend)}:{Int(backend, "port")} on {Str(backend, "cluster")}/{Str(backend, "node")}\n");
            }

            AppendDirection(text, "EGRESS", path.Egress);
            if (path.Ingress is { } ingress)
            {
                AppendDirection(text, "INGRESS", ingress);
            }
            else
            {
                text.Append("\nINGRESS  not a Plexus endpoint: no ingress policy applies\n");
            }

            if (path.Backend is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  => {path.Outcome}\n");
            }
        }

        var dropped = Paths.Count(p => p.Verdict == "DROPPED");
        var result = Paths.Count == 1 ? Paths[0].Outcome
            : dropped == 0 ? $"{Verdict} for every one of {Paths.Count} backends"
            : $"DROPPED for {dropped} of {Paths.Count} backends";
        text.Append(CultureInfo.InvariantCulture, $"\nRESULT  {result}\n");
        return text.ToString();
    }

    private static void AppendDirection(StringBuilder text, string title, JsonObject trace)
    {
        var endpoint = trace["endpoint"] as JsonObject ?? [];
        var peer = trace["peer"] as JsonObject ?? [];
        // the namespace's own labels and the cluster label repeat on every identity of a namespace: the JSON has them
        var labels = Strings(peer["labels"]).Where(l => !l.StartsWith("k8s:io.cilium.k8s.", StringComparison.Ordinal)).ToList();
        text.Append(CultureInfo.InvariantCulture, $"\n{title} at {Str(endpoint, "namespace")}/{Str(endpoint, "pod")} (endpoint {Int(endpoint, "id")}, identity {Int(endpoint, "identity")}) on node {Str(trace, "node")}, policy revision {Int(trace, "revision")}\n");
        var table = new List<(string, string)>
        {
            ("peer", $"identity {Int(peer, "identity")}{(labels.Count > 0 ? $" [{string.Join(", ", labels)}]" : "")}{ResolvedBy(peer)}"),
            ("enforced", Bool(trace, "enforced")
                ? $"yes, default deny by {string.Join(", ", Strings(trace["enforcedBy"]))}{(Bool(trace, "audit") ? " (audit mode)" : "")}"
                : "no: no policy selects it for this direction with default deny (allow-all)"),
            ("lookup", $"peer {Int(peer, "identity")}: {Entry(trace["peerMatch"])}; any peer: {Entry(trace["anyPeerMatch"])}"),
            ("verdict", Str(trace, "summary") ?? Str(trace, "verdict") ?? "?"),
        };
        if (trace["programmed"]?.GetValue<bool>() == false)
        {
            table.Add(("warning", "the agent could not program this endpoint's latest policy: the datapath holds an older, safe state"));
        }

        foreach (var (name, value) in table)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {name,-9} {value}\n");
        }
    }

    private static string ResolvedBy(JsonObject peer) => Str(peer, "resolvedBy") switch
    {
        "ipcache" => $" from {Str(peer, "ip")} via the ipcache",
        "store" => $" from {Str(peer, "ip")} via the store",
        "world" => $" ({Str(peer, "ip")} has no ipcache entry: world)",
        _ => "",
    };

    /// <summary><c>tcp 8080/14 deny [sources]</c> or <c>none</c>.</summary>
    internal static string Entry(JsonNode? node) => node is JsonObject entry
        ? $"{(Str(entry, "protocol") == "any" ? "any protocol" : $"{Str(entry, "protocol")} {Str(entry, "ports")}")} {Str(entry, "verdict")} [{string.Join(", ", Strings(entry["sources"]))}]"
        : "none";

    private static string Describe(JsonObject pod) =>
        $"{Str(pod, "namespace")}/{Str(pod, "pod")} ({Str(pod, "ip")}, identity {Int(pod, "identity")}, {Str(pod, "cluster")}/{Str(pod, "node")})";

    private static string DescribeTarget(JsonObject target) => Str(target, "kind") switch
    {
        "service" => $"Service {Str(target, "namespace")}/{Str(target, "service")} ({Str(target, "ip")})",
        "address" => $"{Str(target, "ip")} (not a pod: outside the cluster or a node)",
        _ => $"{Str(target, "namespace")}/{Str(target, "pod")} ({Str(target, "ip")})",
    };

    internal static string? Str(JsonObject o, string name) => o[name] is JsonValue v ? v.ToString() : null;

    internal static long Int(JsonObject o, string name) =>
        o[name] is JsonValue v && long.TryParse(v.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static bool Bool(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static List<string> Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(n => n?.ToString() ?? "")] : [];
}

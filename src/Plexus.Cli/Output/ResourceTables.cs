using System.Globalization;
using System.Text.Json.Nodes;
using Plexus.Model;

namespace Plexus.Cli.Output;

/// <summary>kubectl-like table columns per resource kind, read from the stored documents.</summary>
public static class ResourceTables
{
    /// <summary>Renders <paramref name="items"/> of <paramref name="kind"/> as a table.</summary>
    public static string Render(ResourceKind kind, IReadOnlyList<JsonObject> items, bool showNamespace, DateTimeOffset now)
    {
        var (headers, cells) = kind.Kind switch
        {
            "Namespace" => (new[] { "NAME", "LABELS", "AGE" }, (Func<JsonObject, string[]>)(o => [Name(o), Labels(o["metadata"]?["labels"]), Age(o, now)])),
            "Service" => (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR", "AGE"], o =>
            [
                Name(o), Str(o["spec"]?["type"]) ?? "ClusterIP", Str(o["spec"]?["clusterIP"]) ?? "<pending>",
                ExternalIps(o), Ports(o["spec"]?["ports"]), Labels(o["spec"]?["selector"]), Age(o, now),
            ]),
            "NetworkPolicy" => (["NAME", "POD-SELECTOR", "AGE"], o => [Name(o), Selector(o["spec"]?["podSelector"]), Age(o, now)]),
            _ => (["NAME", "SELECTOR", "RULES", "AGE"], o => [Name(o), CiliumSelectors(o), CiliumRules(o), Age(o, now)]),
        };
        var table = new Table(showNamespace ? ["NAMESPACE", .. headers] : headers);
        foreach (var item in items)
        {
            var row = cells(item);
            table.Add(showNamespace ? [Str(item["metadata"]?["namespace"]) ?? "", .. row] : row);
        }

        return table.ToString();
    }

    private static string Name(JsonObject o) => Str(o["metadata"]?["name"]) ?? "";

    private static string? Str(JsonNode? node) => node is JsonValue v ? v.ToString() : null;

    private static string Age(JsonObject o, DateTimeOffset now) =>
        Ages.Format(DateTimeOffset.TryParse(Str(o["metadata"]?["creationTimestamp"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null, now);

    private static string Labels(JsonNode? map) =>
        map is JsonObject o && o.Count > 0 ? string.Join(",", o.Select(p => $"{p.Key}={Str(p.Value)}")) : "<none>";

    private static string Selector(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return "<none>";
        }

        var parts = new List<string>();
        if (s["matchLabels"] is JsonObject labels)
        {
            parts.AddRange(labels.Select(p => $"{p.Key}={Str(p.Value)}"));
        }

        if (s["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var values = e["values"] is JsonArray vs ? $" ({string.Join(",", vs.Select(Str))})" : "";
                parts.Add($"{Str(e["key"])} {Str(e["operator"])}{values}");
            }
        }

        return parts.Count == 0 ? "<all>" : string.Join(",", parts);
    }

    private static string Ports(JsonNode? ports) =>
        ports is JsonArray a && a.Count > 0
            ? string.Join(",", a.OfType<JsonObject>().Select(p =>
                $"{Str(p["port"])}{(p["nodePort"] is { } np ? ":" + Str(np) : "")}/{Str(p["protocol"]) ?? "TCP"}"))
            : "<none>";

    private static string ExternalIps(JsonObject o)
    {
        var ips = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Select(i => Str(i?["ip"]) ?? Str(i?["hostname"])).OfType<string>().ToList() ?? [];
        if (ips.Count == 0 && o["spec"]?["externalIPs"] is JsonArray external)
        {
            ips = external.Select(Str).OfType<string>().ToList();
        }

        return ips.Count > 0 ? string.Join(",", ips) : Str(o["spec"]?["type"]) == "LoadBalancer" ? "<pending>" : "<none>";
    }

    private static IEnumerable<JsonObject> CiliumSpecs(JsonObject o) =>
        o["specs"] is JsonArray specs ? specs.OfType<JsonObject>() : o["spec"] is JsonObject spec ? [spec] : [];

    private static string CiliumSelectors(JsonObject o) => string.Join(" | ", CiliumSpecs(o).Select(s =>
        s["nodeSelector"] is { } node ? "node:" + Selector(node) : Selector(s["endpointSelector"])));

    private static string CiliumRules(JsonObject o)
    {
        var counts = new[] { "ingress", "ingressDeny", "egress", "egressDeny" }
            .Select(section => (section, n: CiliumSpecs(o).Sum(s => (s[section] as JsonArray)?.Count ?? 0)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.section}:{x.n}");
        var text = string.Join(" ", counts);
        return text.Length == 0 ? "<none>" : text;
    }
}

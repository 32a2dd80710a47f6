using System.Text.Json.Nodes;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Cli.Resources;

/// <summary>Fills stored Service documents with what the agents resolved: cluster IP, node ports, load-balancer addresses (DESIGN §5).</summary>
public static class ServiceDocuments
{
    /// <summary>The resolved records of every cluster in the store, by <c>namespace/name</c> (the first cluster by name wins).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached.</exception>
    public static async Task<IReadOnlyDictionary<string, ServiceStatusRecord>> ReadStatusesAsync(IStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var list = await store.ListAsync(StoreKeys.ServicesPrefix(), cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, ServiceStatusRecord>(StringComparer.Ordinal);
        foreach (var record in list.Items.Select(kv => ServiceStatusRecord.FromJson(kv.Value)).OfType<ServiceStatusRecord>()
                     .OrderBy(r => r.Cluster, StringComparer.Ordinal))
        {
            result.TryAdd(record.Owner, record);
        }

        return result;
    }

    /// <summary>
    /// Sets <c>spec.clusterIP</c>/<c>spec.clusterIPs</c>, <c>spec.ports[].nodePort</c> and <c>status.loadBalancer.ingress[].ip</c>
    /// of <paramref name="service"/> from <paramref name="record"/> (unchanged when there is none).
    /// </summary>
    public static JsonObject WithStatus(JsonObject service, ServiceStatusRecord? record)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (record is null || service["spec"] is not JsonObject spec)
        {
            return service;
        }

        if (record.ClusterIP is { } clusterIp)
        {
            spec["clusterIP"] = clusterIp;
            spec["clusterIPs"] = new JsonArray(clusterIp);
        }

        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var number = port["port"]?.GetValue<int>();
            var protocol = (port["protocol"]?.GetValue<string>() ?? "TCP").ToUpperInvariant();
            if (record.Ports.FirstOrDefault(p => p.Port == number && p.Protocol == protocol) is { NodePort: { } nodePort })
            {
                port["nodePort"] = nodePort;
            }
        }

        if (record.LoadBalancerIPs.Count > 0)
        {
            var status = service["status"] as JsonObject ?? [];
            status["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray([.. record.LoadBalancerIPs.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]) };
            service["status"] = status;
        }

        return service;
    }
}

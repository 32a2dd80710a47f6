using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// Pure resolution of a Service against the cluster's endpoints: which ready pods back each port (selector, namespace,
/// numbered or named target port) and the resulting <see cref="ServiceStatusRecord"/>. Deterministic: every agent
/// computes the same record from the same inputs.
/// </summary>
public static class ServiceResolver
{
    /// <summary>A hash of the Service's normalized spec: allocations made for one spec are valid for every agent seeing it.</summary>
    public static string SpecHash(ServiceResource service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = service.Json["spec"]?.ToJsonString() ?? "{}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec)))[..16];
    }

    /// <summary>
    /// The status record of <paramref name="service"/> in <paramref name="cluster"/> given its <paramref name="allocation"/>
    /// and the cluster's endpoints (any namespace; only the Service's own are considered).
    /// </summary>
    public static ServiceStatusRecord Resolve(
        ServiceResource service, string cluster, string specHash, ServiceAllocation allocation, IEnumerable<EndpointRecord> endpoints) =>
        ResolveSelected(service, cluster, specHash, allocation, Select(service, endpoints));

    /// <summary>
    /// The endpoints that back <paramref name="service"/>: of its namespace, serving (ready, or not disconnecting with
    /// <c>publishNotReadyAddresses</c>), matched by its selector; none without a selector. Depends only on the Service's
    /// <see cref="SelectionKey"/>, so Services that share one share the result.
    /// </summary>
    public static List<EndpointRecord> Select(ServiceResource service, IEnumerable<EndpointRecord> endpoints)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(endpoints);
        var spec = service.Spec;
        var ns = service.Metadata.Namespace ?? "default";
        return spec.Selector.Count == 0
            ? []
            : endpoints.Where(e => e.Namespace == ns && IsServing(e, spec.PublishNotReadyAddresses) && Selects(spec.Selector, e)).ToList();
    }

    /// <summary>What <see cref="Select"/> depends on: namespace, <c>publishNotReadyAddresses</c> and the selector, as one string.</summary>
    public static string SelectionKey(ServiceResource service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = service.Spec;
        var selector = string.Join('\n', spec.Selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        return $"{service.Metadata.Namespace ?? "default"}\n{(spec.PublishNotReadyAddresses ? 1 : 0)}\n{selector}";
    }

    /// <summary>
    /// The status record of <paramref name="service"/> given its <paramref name="allocation"/> and the endpoints
    /// <see cref="Select"/> chose for it (<paramref name="candidates"/>).
    /// </summary>
    public static ServiceStatusRecord ResolveSelected(
        ServiceResource service, string cluster, string specHash, ServiceAllocation allocation, List<EndpointRecord> candidates)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(allocation);
        ArgumentNullException.ThrowIfNull(candidates);
        var spec = service.Spec;
        var ns = service.Metadata.Namespace ?? "default";
        var ports = spec.Ports.Select(p => new ServiceStatusPort
        {
            Name = p.Name,
            Port = p.Port,
            Protocol = ProtocolName(p.Protocol),
            TargetPort = p.TargetPort.ToString(),
            NodePort = allocation.NodePorts.TryGetValue(NodePortAllocator.ServicePortName(p.Port, p.Protocol), out var nodePort) ? nodePort : null,
            Backends = allocation.Succeeded ? Backends(p, candidates) : [],
        }).ToList();
        return new ServiceStatusRecord
        {
            Cluster = cluster,
            Namespace = ns,
            Name = service.Metadata.Name,
            Type = spec.Type.ToString(),
            SpecHash = specHash,
            ClusterIP = spec.IsHeadless ? "None" : allocation.ClusterIP is { } ip ? StoreKeys.AddressText(ip) : null,
            LoadBalancerIPs = allocation.LoadBalancerIP is { } lb ? [StoreKeys.AddressText(lb)] : [],
            AffinityTimeoutSeconds = spec.SessionAffinity == SessionAffinity.ClientIP ? spec.EffectiveAffinityTimeoutSeconds : null,
            Ports = ports,
            Errors = allocation.Errors,
        };
    }

    /// <summary>True when <paramref name="selector"/> (pod labels) matches the endpoint's pod labels (identity labels of source <c>k8s</c>, without the namespace, cluster and service-account labels).</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, EndpointRecord endpoint)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (selector.Count == 0)
        {
            return false;
        }

        var matched = 0;
        foreach (var text in endpoint.Labels)
        {
            if (!IdentityLabel.TryParse(text, out var label) || label.Source != IdentityLabels.KubernetesSource || IsSystemKey(label.Key))
            {
                continue;
            }

            if (selector.TryGetValue(label.Key, out var value))
            {
                if (value != label.Value)
                {
                    return false;
                }

                matched++;
            }
        }

        return matched == selector.Count;
    }

    /// <summary>The protocol as status records and node port keys write it: <c>TCP</c>, <c>UDP</c>, <c>SCTP</c>.</summary>
    public static string ProtocolName(PortProtocol protocol) => protocol.ToString().ToUpperInvariant();

    private static bool IsSystemKey(string key) =>
        key is IdentityLabels.NamespaceKey or IdentityLabels.ClusterKey or IdentityLabels.ServiceAccountKey
        || key.StartsWith(IdentityLabels.NamespaceLabelPrefix, StringComparison.Ordinal);

    private static bool IsServing(EndpointRecord endpoint, bool publishNotReady) =>
        (endpoint.State == EndpointState.Ready || (publishNotReady && endpoint.State != EndpointState.Disconnecting))
        && IPAddress.TryParse(endpoint.Ip, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork;

    private static List<ServiceStatusBackend> Backends(ServicePort port, List<EndpointRecord> endpoints)
    {
        var protocol = ProtocolName(port.Protocol);
        var backends = new List<ServiceStatusBackend>();
        foreach (var endpoint in endpoints)
        {
            int? target = port.TargetPort.Number;
            if (port.TargetPort.Name is { } name)
            {
                // A named target port resolves per pod; a pod that does not declare it (for this protocol) is no backend of this port.
                target = endpoint.Ports.FirstOrDefault(p => p.Name == name && string.Equals(p.Protocol, protocol, StringComparison.OrdinalIgnoreCase))?.Port;
            }

            if (target is { } number)
            {
                backends.Add(new ServiceStatusBackend { Ip = endpoint.Ip!, Port = number, Pod = $"{endpoint.Namespace}/{endpoint.Pod}", Node = endpoint.Node });
            }
        }

        return [.. backends
            .OrderBy(b => IPAddress.Parse(b.Ip).GetAddressBytes(), ByteOrder.Instance)
            .ThenBy(b => b.Port)
            .ThenBy(b => b.Pod, StringComparer.Ordinal)];
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }
}

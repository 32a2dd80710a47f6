namespace Plexus.Model;

/// <summary>Entity names as written in Cilium policies.</summary>
internal static class CiliumEntities
{
    /// <summary>Name → entity.</summary>
    public static readonly IReadOnlyDictionary<string, CiliumEntity> ByName = new Dictionary<string, CiliumEntity>(StringComparer.Ordinal)
    {
        ["all"] = CiliumEntity.All,
        ["world"] = CiliumEntity.World,
        ["world-ipv4"] = CiliumEntity.WorldIPv4,
        ["world-ipv6"] = CiliumEntity.WorldIPv6,
        ["cluster"] = CiliumEntity.Cluster,
        ["host"] = CiliumEntity.Host,
        ["remote-node"] = CiliumEntity.RemoteNode,
        ["init"] = CiliumEntity.Init,
        ["health"] = CiliumEntity.Health,
        ["unmanaged"] = CiliumEntity.Unmanaged,
        ["kube-apiserver"] = CiliumEntity.KubeApiserver,
        ["ingress"] = CiliumEntity.Ingress,
    };

    /// <summary>The error reason for an unknown entity name, or null.</summary>
    public static string? Reason(string name) =>
        ByName.ContainsKey(name)
            ? null
            : Suggestions.Closest(name, ByName.Keys) is { } match
                ? $"unknown entity \"{name}\"; did you mean \"{match}\"?"
                : $"unknown entity \"{name}\"; must be one of {string.Join(", ", ByName.Keys)}";
}

using System.Net;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>What a lab command line names: a pod, a node or an external host, and its network namespace.</summary>
/// <param name="Display">How the user wrote it, normalised (<c>x/a</c>, <c>node/c1/n1</c>, <c>ext/world1</c>).</param>
/// <param name="Netns">Its network namespace.</param>
/// <param name="Pod">The pod, when it is one.</param>
/// <param name="Node">The node, when it is one.</param>
/// <param name="External">The external host, when it is one.</param>
public sealed record LabTarget(string Display, string Netns, LabPod? Pod = null, LabNode? Node = null, LabExternal? External = null)
{
    /// <summary>
    /// Resolves <paramref name="text"/> in <paramref name="lab"/>: <c>NAMESPACE/POD</c>, <c>CLUSTER/NAMESPACE/POD</c>
    /// (when the pod exists in several clusters), <c>node/CLUSTER/NODE</c> or <c>ext/NAME</c>. Throws
    /// <see cref="ArgumentException"/> saying what exists when nothing matches.
    /// </summary>
    public static LabTarget Resolve(LabInstance lab, string text)
    {
        var parts = text.Split('/');
        if (parts is ["node", var nodeCluster, var nodeName] && lab.Nodes.FirstOrDefault(n => n.Cluster.Name == nodeCluster && n.Name == nodeName) is { } node)
        {
            return new LabTarget($"node/{node.FullName}", node.Netns, Node: node);
        }

        if (parts is ["ext", var externalName] && lab.Topology.Externals.FirstOrDefault(e => e.Name == externalName) is { } external)
        {
            return new LabTarget($"ext/{external.Name}", lab.Netns(external), External: external);
        }

        var pods = parts switch
        {
            [var ns, var pod] => lab.Topology.Pods.Where(p => p.Namespace == ns && p.Name == pod).ToList(),
            [var cluster, var ns, var pod] => lab.Topology.Pods.Where(p => p.Cluster == cluster && p.Namespace == ns && p.Name == pod).ToList(),
            _ => [],
        };
        return pods switch
        {
            [var pod] => new LabTarget(pod.FullName, lab.Netns(pod), Pod: pod),
            [] => throw new ArgumentException($"\"{text}\" names no pod, node or external host of lab {lab.Name}; it has {Known(lab)}"),
            _ => throw new ArgumentException($"pod {text} exists in clusters {string.Join(", ", pods.Select(p => p.Cluster))}: write CLUSTER/{text}"),
        };
    }

    /// <summary>Whether <paramref name="text"/> looks like a name rather than an address.</summary>
    public static bool IsName(string text) => !IPAddress.TryParse(text, out _);

    private static string Known(LabInstance lab)
    {
        var names = lab.Topology.Pods.Select(p => p.FullName)
            .Concat(lab.Nodes.Select(n => $"node/{n.FullName}"))
            .Concat(lab.Topology.Externals.Select(e => $"ext/{e.Name}"))
            .ToList();
        return names.Count > 12 ? string.Join(", ", names.Take(12)) + $", … ({names.Count} in all)" : string.Join(", ", names);
    }
}

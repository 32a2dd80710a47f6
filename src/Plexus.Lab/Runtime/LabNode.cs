using System.Net;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>A node of a running lab: where its agent lives and how to reach it.</summary>
/// <param name="Cluster">The node's cluster.</param>
/// <param name="Name">The node name.</param>
/// <param name="Index">0-based position in the cluster's node list (it decides the address).</param>
/// <param name="Netns">The node's network namespace name.</param>
/// <param name="Address">The node's underlay address (172.20.&lt;id&gt;.&lt;11+index&gt;).</param>
/// <param name="Socket">The agent's API socket.</param>
/// <param name="PinDirectory">Where the agent pins its maps and programs.</param>
public sealed record LabNode(LabCluster Cluster, string Name, int Index, string Netns, IPAddress Address, string Socket, string PinDirectory)
{
    /// <summary><c>cluster/node</c>.</summary>
    public string FullName => $"{Cluster.Name}/{Name}";
}

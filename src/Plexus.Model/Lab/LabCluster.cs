namespace Plexus.Model;

/// <summary>A cluster of a lab: its id (1–255), pod CIDR (one /24 per node is carved from it) and node names.</summary>
public sealed record LabCluster(string Name, int Id, Cidr PodCidr, IReadOnlyList<string> Nodes)
{
    /// <summary>Where LoadBalancer Services get their addresses (default <see cref="DefaultLoadBalancerPool"/>).</summary>
    public Cidr LoadBalancerPool { get; init; } = DefaultLoadBalancerPool(Id);

    /// <summary>
    /// The Maglev table size (M) the cluster's agents use (<c>--maglev-table-size</c>); null: the agent's default. One
    /// value per cluster, since every node must build the same table for a service.
    /// </summary>
    public int? MaglevTableSize { get; init; }

    /// <summary>The default load-balancer pool of cluster <paramref name="id"/>: <c>172.20.&lt;id&gt;.240/28</c>, the top of its node subnet.</summary>
    public static Cidr DefaultLoadBalancerPool(int id) => Cidr.Parse(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"172.20.{id}.240/28"));
}

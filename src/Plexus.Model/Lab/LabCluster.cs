namespace Plexus.Model;

/// <summary>A cluster of a lab: its id (1–255), pod CIDR (one /24 per node is carved from it) and node names.</summary>
public sealed record LabCluster(string Name, int Id, Cidr PodCidr, IReadOnlyList<string> Nodes)
{
    /// <summary>Where LoadBalancer Services get their addresses (default <see cref="DefaultLoadBalancerPool"/>).</summary>
    public Cidr LoadBalancerPool { get; init; } = DefaultLoadBalancerPool(Id);

    /// <summary>The default load-balancer pool of cluster <paramref name="id"/>: <c>172.20.&lt;id&gt;.240/28</c>, the top of its node subnet.</summary>
    public static Cidr DefaultLoadBalancerPool(int id) => Cidr.Parse(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"172.20.{id}.240/28"));
}

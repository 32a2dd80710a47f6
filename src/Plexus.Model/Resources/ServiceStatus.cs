namespace Plexus.Model;

/// <summary>The status of a Service: its load-balancer addresses.</summary>
public sealed record ServiceStatus
{
    /// <summary>No status.</summary>
    public static ServiceStatus Empty { get; } = new();

    /// <summary>Load-balancer addresses.</summary>
    public IReadOnlyList<LoadBalancerIngress> LoadBalancerIngress { get; init => field = ValueList<LoadBalancerIngress>.From(value); } = ValueList<LoadBalancerIngress>.Empty;
}

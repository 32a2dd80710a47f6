namespace Plexus.Model;

/// <summary>An address assigned to a LoadBalancer Service (<c>status.loadBalancer.ingress[]</c>).</summary>
public sealed record LoadBalancerIngress
{
    /// <summary>IP address, when assigned.</summary>
    public string? Ip { get; init; }

    /// <summary>Host name, when assigned.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>VIP</c> or <c>Proxy</c>, when given.</summary>
    public string? IpMode { get; init; }
}

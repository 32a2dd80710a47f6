namespace Plexus.Policy;

/// <summary>
/// The key of a policy map entry (the endpoint id is implied by the <see cref="EndpointPolicy"/> holding it):
/// direction, peer identity (0 = any peer), protocol (0 = any protocol, then the port prefix is 0/0) and port prefix
/// (for ICMP the type, as a single port).
/// </summary>
/// <param name="Direction">Ingress or egress.</param>
/// <param name="Identity">Peer identity; 0 matches every peer.</param>
/// <param name="Protocol">IP protocol; 0 matches every protocol.</param>
/// <param name="Ports">Destination port prefix (ICMP: type).</param>
public readonly record struct PolicyKey(PolicyDirection Direction, uint Identity, byte Protocol, PortPrefix Ports) : IComparable<PolicyKey>
{
    /// <summary>Whether this key matches traffic of <paramref name="protocol"/> to <paramref name="port"/> (identity not checked).</summary>
    public bool MatchesL4(byte protocol, int port) => Protocol == IpProtocols.Any || (Protocol == protocol && Ports.Contains(port));

    /// <summary>
    /// Specificity used by the longest-prefix lookup: bits of the protocol and port fields that are fixed
    /// (0 for any protocol, 8 + port prefix length otherwise).
    /// </summary>
    public int L4PrefixLength => Protocol == IpProtocols.Any ? 0 : 8 + Ports.Length;

    /// <summary>Whether every packet this key matches is also matched by <paramref name="other"/>'s L4 part.</summary>
    public bool L4CoveredBy(PolicyKey other) =>
        other.Protocol == IpProtocols.Any || (other.Protocol == Protocol && other.Ports.Contains(Ports));

    /// <summary>Orders by direction, identity, protocol, port, prefix length.</summary>
    public int CompareTo(PolicyKey other)
    {
        var c = Direction.CompareTo(other.Direction);
        if (c == 0)
        {
            c = Identity.CompareTo(other.Identity);
        }

        if (c == 0)
        {
            c = Protocol.CompareTo(other.Protocol);
        }

        if (c == 0)
        {
            c = Ports.Port.CompareTo(other.Ports.Port);
        }

        return c != 0 ? c : Ports.Length.CompareTo(other.Ports.Length);
    }

    /// <summary><c>ingress id=256 tcp 80/14</c>.</summary>
    public override string ToString() =>
        $"{Direction.ToString().ToLowerInvariant()} id={Identity} {IpProtocols.Name(Protocol)}{(Protocol == IpProtocols.Any ? "" : " " + Ports)}";

    /// <summary>Ordering.</summary>
    public static bool operator <(PolicyKey left, PolicyKey right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(PolicyKey left, PolicyKey right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(PolicyKey left, PolicyKey right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(PolicyKey left, PolicyKey right) => left.CompareTo(right) >= 0;
}

namespace Plexus.Policy;

/// <summary>
/// One port condition of a rule: protocol (0 = any protocol, then every port), a numeric range, or a name resolved
/// later against the destination's declared ports (<see cref="Protocol"/> 0 = whatever protocol the name has).
/// </summary>
internal readonly record struct PortSpec(byte Protocol, int First, int Last, string? Name)
{
    public static PortSpec AllTraffic { get; } = new(IpProtocols.Any, 0, 65535, null);

    public bool IsNamed => Name is not null;
}

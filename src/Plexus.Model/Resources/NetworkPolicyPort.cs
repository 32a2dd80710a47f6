namespace Plexus.Model;

/// <summary>A NetworkPolicy port: protocol (default TCP), optional port (number or name) and optional range end.</summary>
public sealed record NetworkPolicyPort
{
    /// <summary>Protocol; TCP when not written.</summary>
    public PortProtocol Protocol { get; init; } = PortProtocol.Tcp;

    /// <summary>The port; null means every port of the protocol.</summary>
    public PortRef? Port { get; init; }

    /// <summary>Last port of the range starting at the numeric <see cref="Port"/>, when given.</summary>
    public int? EndPort { get; init; }
}

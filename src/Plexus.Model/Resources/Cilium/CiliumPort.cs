namespace Plexus.Model;

/// <summary>A Cilium port: number or name (null = every port), optional range end and protocol (default ANY).</summary>
public sealed record CiliumPort
{
    /// <summary>The port; null means every port.</summary>
    public PortRef? Port { get; init; }

    /// <summary>Last port of a range starting at the numeric <see cref="Port"/>.</summary>
    public int? EndPort { get; init; }

    /// <summary>Protocol; ANY when not written.</summary>
    public PortProtocol Protocol { get; init; } = PortProtocol.Any;
}

namespace Plexus.Policy;

/// <summary>A local endpoint to compute policy for.</summary>
public sealed record PolicyEndpoint
{
    /// <summary>Endpoint id, unique on the node.</summary>
    public required int Id { get; init; }

    /// <summary>Its security identity; its labels (from the identity set) decide which policies select it.</summary>
    public required uint Identity { get; init; }

    /// <summary>The pod's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Pod labels (used only when the identity is not in the identity set).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Declared named ports (ingress named ports resolve against these).</summary>
    public IReadOnlyList<NamedPort> NamedPorts { get; init; } = [];

    /// <summary>Policy audit mode for this endpoint.</summary>
    public bool AuditMode { get; init; }
}

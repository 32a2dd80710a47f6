namespace Plexus.Model.State;

/// <summary>A resolved backend of one service port: a ready pod's address and the resolved target port.</summary>
public sealed record ServiceStatusBackend
{
    /// <summary>The pod's address.</summary>
    public required string Ip { get; init; }

    /// <summary>The target port, resolved by number or by the pod's declared port name.</summary>
    public required int Port { get; init; }

    /// <summary>The pod, <c>namespace/name</c>.</summary>
    public required string Pod { get; init; }

    /// <summary>The pod's node.</summary>
    public required string Node { get; init; }
}

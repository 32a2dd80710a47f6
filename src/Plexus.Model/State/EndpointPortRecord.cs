namespace Plexus.Model.State;

/// <summary>A port an endpoint's pod declares (so named <c>targetPort</c>s resolve for pods on any node).</summary>
public sealed record EndpointPortRecord
{
    /// <summary>The port number, 1–65535.</summary>
    public required int Port { get; init; }

    /// <summary>The protocol as Kubernetes writes it: <c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The port's name (lab pods: <c>serve-&lt;port&gt;-&lt;proto&gt;</c> when unnamed); null when it has none.</summary>
    public string? Name { get; init; }
}

namespace Plexus.Policy;

/// <summary>Direction of a policy map entry, numbered as the flow format's traffic direction (REFERENCE.md).</summary>
public enum PolicyDirection : byte
{
    /// <summary>Traffic into the endpoint.</summary>
    Ingress = 1,

    /// <summary>Traffic out of the endpoint.</summary>
    Egress = 2,
}

namespace Plexus.Model;

/// <summary>Direction a NetworkPolicy applies to.</summary>
public enum PolicyType
{
    /// <summary>Traffic into the selected pods.</summary>
    Ingress,

    /// <summary>Traffic out of the selected pods.</summary>
    Egress,
}

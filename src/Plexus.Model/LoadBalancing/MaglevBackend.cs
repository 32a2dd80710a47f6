namespace Plexus.Model.LoadBalancing;

/// <summary>One backend of a Maglev table: a stable identity (e.g. <c>10.1.0.5:80/TCP</c>) and a weight (1…100).</summary>
/// <param name="Id">The identity every node derives the same way; it alone decides the backend's permutation.</param>
/// <param name="Weight">How often the backend takes a turn relative to the heaviest backend (1…100).</param>
public sealed record MaglevBackend(string Id, int Weight = MaglevBackend.DefaultWeight)
{
    /// <summary>The weight of a backend that names none.</summary>
    public const int DefaultWeight = 1;

    /// <summary>The smallest weight.</summary>
    public const int MinWeight = 1;

    /// <summary>The largest weight.</summary>
    public const int MaxWeight = 100;
}

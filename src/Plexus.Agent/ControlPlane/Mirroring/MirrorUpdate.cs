namespace Plexus.Agent.ControlPlane.Mirroring;

/// <summary>A key whose decoded value changed.</summary>
/// <param name="Key">The store key.</param>
/// <param name="Previous">The value before.</param>
/// <param name="Current">The value now.</param>
public sealed record MirrorUpdate<T>(string Key, T Previous, T Current);

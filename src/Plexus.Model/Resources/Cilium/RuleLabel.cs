namespace Plexus.Model;

/// <summary>A label attached to a Cilium rule (<c>labels: [{key, value, source}]</c>).</summary>
/// <param name="Key">Label key.</param>
/// <param name="Value">Label value (may be empty).</param>
/// <param name="Source">Label source, when given.</param>
public sealed record RuleLabel(string Key, string Value, string? Source);

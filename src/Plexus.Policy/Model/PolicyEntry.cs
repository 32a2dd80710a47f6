namespace Plexus.Policy;

/// <summary>One policy map entry of an endpoint, with the rules that produced it (for traces and verdict events).</summary>
/// <param name="Key">Direction, peer identity, protocol, port prefix.</param>
/// <param name="Verdict">Allow or deny.</param>
/// <param name="ProxyPort">L7 proxy port to redirect to (0 = none; L7 comes later).</param>
/// <param name="Sources">Rules that produced the entry, as <c>Kind/namespace/name rule#i ingress#j</c>, sorted.</param>
public sealed record PolicyEntry(PolicyKey Key, EntryVerdict Verdict, ushort ProxyPort, IReadOnlyList<string> Sources)
{
    /// <summary>Same key, verdict, proxy port and sources.</summary>
    public bool Equals(PolicyEntry? other) =>
        other is not null && Key == other.Key && Verdict == other.Verdict && ProxyPort == other.ProxyPort && Sources.SequenceEqual(other.Sources);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Verdict, ProxyPort, Sources.Count);

    /// <summary><c>ingress id=256 tcp 80 allow</c>.</summary>
    public override string ToString() => $"{Key} {Verdict.ToString().ToLowerInvariant()}";
}

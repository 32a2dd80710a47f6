namespace Plexus.Policy;

/// <summary>A set of identities a rule names (endpoints, entities, CIDRs); <see cref="Key"/> identifies it in the selector cache.</summary>
internal abstract class PeerSelector
{
    /// <summary>Canonical text: equal selectors have equal keys.</summary>
    public abstract string Key { get; }

    public abstract bool Matches(IdentityView view);

    /// <summary>Label index keys one of which every match must carry (null = scan every identity).</summary>
    public virtual IReadOnlyList<string>? IndexCandidates => null;

    public override string ToString() => Key;
}

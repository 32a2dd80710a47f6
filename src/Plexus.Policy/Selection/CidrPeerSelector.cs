using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// Addresses in a set of prefixes (a CIDR minus its exceptions, already split into disjoint prefixes). Selects the
/// CIDR identities inside the set, world when the set holds a /0, and — the Plexus decision — every identity with
/// addresses (pods, nodes) inside the set: all of its addresses for allow rules, any of them for deny rules, so
/// identity-level rounding never widens what a rule allows or narrows what it denies.
/// </summary>
internal sealed class CidrPeerSelector : PeerSelector
{
    private readonly Cidr[] _prefixes;
    private readonly bool _anyAddress;

    public CidrPeerSelector(IEnumerable<Cidr> prefixes, bool anyAddress)
    {
        _prefixes = prefixes.Distinct().Order().ToArray();
        _anyAddress = anyAddress;
        Key = (anyAddress ? "cidr-any:" : "cidr-all:") + string.Join(",", _prefixes);
    }

    public override string Key { get; }

    /// <summary>The prefixes that need CIDR identities (/0 is world).</summary>
    public IEnumerable<Cidr> Prefixes => _prefixes.Where(p => p.PrefixLength > 0);

    public override bool Matches(IdentityView view)
    {
        if (view.Cidr is { } cidr)
        {
            return Array.Exists(_prefixes, p => p.Contains(cidr));
        }

        if (view.Number == (uint)ReservedIdentity.World)
        {
            return Array.Exists(_prefixes, p => p.PrefixLength == 0);
        }

        var addresses = view.HostPrefixes;
        if (addresses.Length == 0)
        {
            return false;
        }

        foreach (var address in addresses)
        {
            var inside = false;
            foreach (var prefix in _prefixes)
            {
                if (prefix.Contains(address))
                {
                    inside = true;
                    break;
                }
            }

            if (inside == _anyAddress)
            {
                return inside;
            }
        }

        return !_anyAddress;
    }
}

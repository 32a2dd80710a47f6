using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// Node-local CIDR identities: <see cref="IdentityNumbers.LocalScopeFlag"/> | n, one per prefix that some policy
/// names, reference-counted by the policies naming it; a released number is reused (lowest first).
/// </summary>
internal sealed class CidrIdentityAllocator
{
    private readonly Dictionary<Cidr, (uint Number, int References)> _byCidr = [];
    private readonly SortedSet<uint> _free = [];
    private uint _next = 1;

    public IReadOnlyList<CidrIdentity> All =>
        _byCidr.Select(p => new CidrIdentity(p.Key, p.Value.Number)).OrderBy(c => c.Cidr).ToList();

    /// <summary>Adds a reference; returns the identity when it is new.</summary>
    public CidrIdentity? Acquire(Cidr cidr)
    {
        if (_byCidr.TryGetValue(cidr, out var slot))
        {
            _byCidr[cidr] = (slot.Number, slot.References + 1);
            return null;
        }

        uint number;
        if (_free.Count > 0)
        {
            number = _free.Min;
            _free.Remove(number);
        }
        else
        {
            number = IdentityNumbers.LocalScopeFlag | _next++;
        }

        _byCidr[cidr] = (number, 1);
        return new CidrIdentity(cidr, number);
    }

    /// <summary>Drops a reference; returns the identity when it is gone.</summary>
    public CidrIdentity? Release(Cidr cidr)
    {
        if (!_byCidr.TryGetValue(cidr, out var slot))
        {
            return null;
        }

        if (slot.References > 1)
        {
            _byCidr[cidr] = (slot.Number, slot.References - 1);
            return null;
        }

        _byCidr.Remove(cidr);
        _free.Add(slot.Number);
        return new CidrIdentity(cidr, slot.Number);
    }

    /// <summary>The labels of a CIDR identity: <c>cidr:&lt;prefix&gt;</c> (':' written '-') and <c>reserved:world</c>.</summary>
    public static IdentityLabels LabelsOf(Cidr cidr) => IdentityLabels.Create(
    [
        new IdentityLabel("cidr", cidr.ToString().Replace(':', '-'), ""),
        new IdentityLabel(IdentityNumbers.ReservedSource, "world", ""),
    ]);
}

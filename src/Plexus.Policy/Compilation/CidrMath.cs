using System.Net;
using Plexus.Model;

namespace Plexus.Policy;

/// <summary>Prefix arithmetic for CIDR rules.</summary>
internal static class CidrMath
{
    /// <summary><paramref name="cidr"/> minus <paramref name="except"/>, as the fewest disjoint prefixes.</summary>
    public static List<Cidr> Subtract(Cidr cidr, IEnumerable<Cidr> except)
    {
        var result = new List<Cidr>();
        Subtract(cidr, except.Where(e => e.Overlaps(cidr)).ToList(), result);
        return result;
    }

    private static void Subtract(Cidr cidr, List<Cidr> except, List<Cidr> result)
    {
        if (except.Count == 0)
        {
            result.Add(cidr);
            return;
        }

        if (except.Exists(e => e.Contains(cidr)))
        {
            return;
        }

        var (low, high) = Halves(cidr);
        Subtract(low, except.Where(e => e.Overlaps(low)).ToList(), result);
        Subtract(high, except.Where(e => e.Overlaps(high)).ToList(), result);
    }

    private static (Cidr Low, Cidr High) Halves(Cidr cidr)
    {
        var length = cidr.PrefixLength;
        var bytes = cidr.GetAddressBytes();
        var low = Cidr.Parse($"{new IPAddress(bytes)}/{length + 1}");
        bytes[length / 8] |= (byte)(0x80 >> (length % 8));
        var high = Cidr.Parse($"{new IPAddress(bytes)}/{length + 1}");
        return (low, high);
    }
}

using FsCheck;
using FsCheck.Fluent;

namespace Plexus.Policy.Tests;

/// <summary>Port ranges as aligned prefixes over the 16-bit port.</summary>
public class PortPrefixTests
{
    [Theory]
    [InlineData(80, 85, "80/14 84/15")]
    [InlineData(80, 80, "80")]
    [InlineData(0, 65535, "*")]
    [InlineData(53, 80, "53 54/15 56/13 64/12 80")]
    [InlineData(1, 65535, "1 2/15 4/14 8/13 16/12 32/11 64/10 128/9 256/8 512/7 1024/6 2048/5 4096/4 8192/3 16384/2 32768/1")]
    public void Range_splits_into_the_fewest_aligned_prefixes(int first, int last, string expected)
    {
        Assert.Equal(expected, string.Join(" ", PortPrefix.FromRange(first, last)));
    }

    [Fact]
    public void Prefixes_cover_exactly_the_range_without_overlap()
    {
        var ranges = Gen.Choose(0, 65535).Two().Select(t => (First: Math.Min(t.Item1, t.Item2), Last: Math.Max(t.Item1, t.Item2))).ToArbitrary();
        Prop.ForAll(ranges, range =>
        {
            var prefixes = PortPrefix.FromRange(range.First, range.Last);
            var aligned = prefixes.All(p => (p.Port & (p.Size - 1)) == 0);
            var contiguous = prefixes[0].First == range.First && prefixes[^1].Last == range.Last
                && prefixes.Zip(prefixes.Skip(1)).All(pair => pair.First.Last + 1 == pair.Second.First);

            // minimal: no two neighbours could merge into one aligned prefix
            var minimal = prefixes.Zip(prefixes.Skip(1)).All(pair =>
                !(pair.First.Length == pair.Second.Length && pair.First.Length > 0
                  && (pair.First.Port & ((pair.First.Size * 2) - 1)) == 0));
            return aligned && contiguous && minimal;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Contains_checks_the_fixed_bits()
    {
        var prefix = new PortPrefix(80, 14);

        Assert.True(prefix.Contains(83));
        Assert.False(prefix.Contains(84));
        Assert.True(PortPrefix.All.Contains(new PortPrefix(80, 14)));
        Assert.False(prefix.Contains(PortPrefix.All));
    }
}

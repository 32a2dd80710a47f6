namespace Plexus.Integration.Tests.Conformance;

/// <summary>The expectation notation parser (pure, no lab).</summary>
public sealed class DenialNotationTests
{
    [Fact]
    public void None_denies_nothing() => Assert.Empty(DenialNotation.Describe(DenialNotation.Parse("none")));

    [Fact]
    public void Star_to_a_pod_denies_every_other_pod_to_it()
    {
        var denied = DenialNotation.Describe(DenialNotation.Parse("*→x/a"));
        Assert.Equal(8, denied.Count);
        Assert.All(denied, d => Assert.EndsWith("→x/a", d, StringComparison.Ordinal));
        Assert.DoesNotContain("x/a→x/a", denied);
    }

    [Fact]
    public void Namespace_wildcard_to_star_denies_that_namespace_egress()
    {
        var denied = DenialNotation.Parse("x/*->*");
        Assert.Equal(3 * 8, DenialNotation.Describe(denied).Count);
        Assert.True(denied[2, 8]);
        Assert.False(denied[3, 0]);
    }

    [Fact]
    public void Except_applies_to_the_wildcard_source()
    {
        var denied = DenialNotation.Describe(DenialNotation.Parse("*→x/a except y/b, z/b"));
        Assert.Equal(6, denied.Count);
        Assert.DoesNotContain("y/b→x/a", denied);
        Assert.DoesNotContain("z/b→x/a", denied);
        Assert.Contains("x/b→x/a", denied);
    }

    [Fact]
    public void Except_applies_to_the_wildcard_target()
    {
        var denied = DenialNotation.Describe(DenialNotation.Parse("x/a→* except y/a"));
        Assert.Equal(7, denied.Count);
        Assert.DoesNotContain("x/a→y/a", denied);
    }

    [Fact]
    public void Clauses_and_source_lists_combine()
    {
        var denied = DenialNotation.Describe(DenialNotation.Parse("x/*,z/*→x/a; x/a→y/*; x/c→x/b"));
        Assert.Equal(["x/a→y/a", "x/a→y/b", "x/a→y/c", "x/b→x/a", "x/c→x/a", "x/c→x/b", "z/a→x/a", "z/b→x/a", "z/c→x/a"], denied.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("x/a")]
    [InlineData("*→q/*")]
    [InlineData("*→x/d")]
    [InlineData("*→* except x/a")]
    [InlineData("x/a→x/b except x/c")]
    public void Malformed_notation_is_rejected(string text) => Assert.Throws<FormatException>(() => DenialNotation.Parse(text));

    [Fact]
    public void Every_case_of_the_table_parses() =>
        Assert.All(ConformanceCases.All.SelectMany(c => c.Steps).SelectMany(s => s.Probes), p => DenialNotation.Parse(p.Denied));
}

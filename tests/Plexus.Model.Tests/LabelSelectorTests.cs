namespace Plexus.Model.Tests;

/// <summary>Selector semantics: every label and every expression must hold.</summary>
public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front", ["env"] = "prod" };

    [Fact]
    public void Empty_selector_matches_everything()
    {
        Assert.True(LabelSelector.Everything.IsEmpty);
        Assert.True(LabelSelector.Everything.Matches(Web));
        Assert.True(LabelSelector.Everything.Matches(new Dictionary<string, string>()));
    }

    [Fact]
    public void All_match_labels_must_hold()
    {
        Assert.True(Selector(("app", "web"), ("tier", "front")).Matches(Web));
        Assert.False(Selector(("app", "web"), ("tier", "back")).Matches(Web));
        Assert.False(Selector(("version", "1")).Matches(Web));
    }

    [Theory]
    [InlineData("tier", SelectorOperator.In, "front,back", true)]
    [InlineData("tier", SelectorOperator.In, "back", false)]
    [InlineData("missing", SelectorOperator.In, "x", false)]
    [InlineData("tier", SelectorOperator.NotIn, "back", true)]
    [InlineData("tier", SelectorOperator.NotIn, "front", false)]
    [InlineData("missing", SelectorOperator.NotIn, "x", true)]
    [InlineData("env", SelectorOperator.Exists, "", true)]
    [InlineData("missing", SelectorOperator.Exists, "", false)]
    [InlineData("missing", SelectorOperator.DoesNotExist, "", true)]
    [InlineData("env", SelectorOperator.DoesNotExist, "", false)]
    public void Expression_semantics(string key, SelectorOperator op, string values, bool expected)
    {
        var selector = new LabelSelector(matchExpressions: [new LabelSelectorRequirement(key, op, values.Split(',', StringSplitOptions.RemoveEmptyEntries))]);

        Assert.Equal(expected, selector.Matches(Web));
    }

    [Fact]
    public void Labels_and_expressions_are_combined_with_and()
    {
        var selector = new LabelSelector(
            new Dictionary<string, string> { ["app"] = "web" },
            [new LabelSelectorRequirement("env", SelectorOperator.In, ["prod"]), new LabelSelectorRequirement("canary", SelectorOperator.DoesNotExist)]);

        Assert.True(selector.Matches(Web));
        Assert.False(selector.Matches(new Dictionary<string, string>(Web) { ["canary"] = "true" }));
        Assert.False(selector.Matches(new Dictionary<string, string>(Web) { ["env"] = "dev" }));
        Assert.Equal("app=web,env in (prod),!canary", selector.ToString());
    }

    [Fact]
    public void Cilium_sources_are_honoured()
    {
        var identity = new Dictionary<string, string>
        {
            ["k8s:app"] = "web",
            ["k8s:io.kubernetes.pod.namespace"] = "x",
            ["reserved:host"] = "",
        };

        Assert.True(Selector(("app", "web")).Matches(identity));
        Assert.True(Selector(("k8s:app", "web")).Matches(identity));
        Assert.True(Selector(("any:app", "web")).Matches(identity));
        Assert.True(Selector(("k8s:io.kubernetes.pod.namespace", "x")).Matches(identity));
        Assert.False(Selector(("reserved:app", "web")).Matches(identity));
        Assert.True(Selector(("reserved:host", "")).Matches(identity));
        Assert.True(Selector(("k8s:app", "web")).Matches(new Dictionary<string, string> { ["app"] = "web" }));
    }

    [Fact]
    public void Equal_selectors_are_equal_whatever_the_order()
    {
        var a = Selector(("app", "web"), ("tier", "front"));
        var b = Selector(("tier", "front"), ("app", "web"));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Selector(("app", "web")));
    }

    private static LabelSelector Selector(params (string Key, string Value)[] labels) =>
        new(labels.ToDictionary(l => l.Key, l => l.Value));
}

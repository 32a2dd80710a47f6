extern alias plexuscli;

using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using LabelChanges = plexuscli::Plexus.Cli.Commands.LabelChanges;

namespace Plexus.Integration.Tests;

/// <summary><c>plexus label</c>: argument parsing (pure) and namespaces against a real etcd, run as the built binary. Pods are relabelled in the conformance lab (cases 22, 24, 106).</summary>
public sealed class LabelCommandTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    private Task<Cli.Result> Plexus(params string[] args) => Cli.PlexusAsync([.. args, "--store", fixture.StoreUrl]);

    [Fact]
    public void Arguments_set_and_remove_labels()
    {
        var changes = LabelChanges.Parse(["app=web", "tier-", "example.com/role=", "k8s-app=a.b_c"]);
        Assert.Null(changes.Error);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["example.com/role"] = "", ["k8s-app"] = "a.b_c" }, changes.Set);
        Assert.Equal(["tier"], changes.Remove);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("bad key=x")]
    [InlineData("app=bad value")]
    [InlineData("-=x")]
    [InlineData("app=a", "app-")]
    public void Malformed_arguments_are_refused(params string[] args) => Assert.NotNull(LabelChanges.Parse(args).Error);

    [Fact]
    public void No_arguments_is_an_error() => Assert.NotNull(LabelChanges.Parse([]).Error);

    [Fact]
    public async Task Labelling_a_namespace_stores_it_and_overwrite_and_removal_behave_like_kubectl()
    {
        var set = await Plexus("label", "namespace", "lbl1", "team=blue", "tier=web");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("namespace/lbl1 labeled", set.Stdout, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string?> { ["kubernetes.io/metadata.name"] = "lbl1", ["team"] = "blue", ["tier"] = "web" }, await LabelsOf("lbl1"));

        var refused = await Plexus("label", "namespace", "lbl1", "team=green");
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("--overwrite", refused.Stderr, StringComparison.Ordinal);

        var same = await Plexus("label", "namespace", "lbl1", "team=blue");
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("not labeled", same.Stdout, StringComparison.Ordinal);

        var overwritten = await Plexus("label", "namespace", "lbl1", "team=green", "tier-", "--overwrite");
        Assert.True(overwritten.ExitCode == 0, overwritten.ToString());
        Assert.Equal(new Dictionary<string, string?> { ["kubernetes.io/metadata.name"] = "lbl1", ["team"] = "green" }, await LabelsOf("lbl1"));
    }

    [Theory]
    [InlineData("namespace", "lbl2", "bad key=x")]
    [InlineData("namespace", "lbl2", "kubernetes.io/metadata.name=other")]
    [InlineData("namespace", "lbl2", "kubernetes.io/metadata.name-")]
    [InlineData("namespace", "Not_A_Name", "a=b")]
    [InlineData("pod", "no-namespace", "a=b")]
    [InlineData("deployment", "x/web", "a=b")]
    public async Task Bad_input_exits_2_with_a_message_and_stores_nothing(string kind, string name, string change)
    {
        var result = await Plexus("label", kind, name, change);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Error", result.Stderr, StringComparison.OrdinalIgnoreCase);
        var get = await Plexus("get", "namespace", "lbl2");
        Assert.NotEqual(0, get.ExitCode);
    }

    [Fact]
    public async Task Labelling_a_pod_that_has_no_endpoint_fails_with_1()
    {
        var result = await Plexus("label", "pod", "x/missing", "a=b");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("not found", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string?>> LabelsOf(string ns)
    {
        var get = await Plexus("get", "namespace", ns, "-o", "json");
        Assert.True(get.ExitCode == 0, get.ToString());
        return JsonNode.Parse(get.Stdout)!["metadata"]!["labels"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
    }
}

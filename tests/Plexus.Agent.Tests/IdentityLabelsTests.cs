using Plexus.Model.State;

namespace Plexus.Agent.Tests;

/// <summary>The identity label set: canonical form, ordering, parsing, reserved identities and number ranges.</summary>
public sealed class IdentityLabelsTests
{
    private static readonly Dictionary<string, string> PodLabels = new() { ["pod"] = "a", ["app"] = "web" };

    [Fact]
    public void Pod_labels_namespace_namespace_labels_and_cluster_make_the_canonical_form()
    {
        var labels = IdentityLabels.ForPod("c1", "x", PodLabels, new Dictionary<string, string> { ["team"] = "blue" });

        Assert.Equal(
            "k8s:app=web;k8s:io.cilium.k8s.namespace.labels.team=blue;k8s:io.cilium.k8s.policy.cluster=c1;"
            + "k8s:io.kubernetes.pod.namespace=x;k8s:pod=a;",
            labels.Canonical);
        Assert.Equal(5, labels.Count);
        Assert.Equal("k8s:app=web", labels.Labels[0].ToString());
    }

    [Fact]
    public void The_service_account_is_a_label_when_given()
    {
        var labels = IdentityLabels.ForPod("c1", "x", PodLabels, serviceAccount: "robot");

        Assert.Contains("k8s:io.cilium.k8s.policy.serviceaccount=robot;", labels.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_of_input_does_not_matter()
    {
        var a = IdentityLabels.Create([new("k8s", "b", "2"), new("k8s", "a", "1"), new("any", "z", "")]);
        var b = IdentityLabels.Create([new("any", "z", ""), new("k8s", "a", "1"), new("k8s", "b", "2")]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal("any:z;k8s:a=1;k8s:b=2;", a.Canonical);
        Assert.Equal(64, a.Hash.Length);
    }

    [Fact]
    public void Labels_sort_ordinally_by_their_full_text()
    {
        var labels = IdentityLabels.Create([new("k8s", "a", "x"), new("k8s", "a.b", "x"), new("k8s", "B", "x"), new("cidr", "10.0.0.0/8", "")]);

        Assert.Equal(["cidr:10.0.0.0/8", "k8s:B=x", "k8s:a.b=x", "k8s:a=x"], labels.ToStrings());
    }

    [Fact]
    public void A_later_label_with_the_same_source_and_key_wins()
    {
        var labels = IdentityLabels.Create([new("k8s", "app", "old"), new("k8s", "app", "new"), new("any", "app", "other")]);

        Assert.Equal("any:app=other;k8s:app=new;", labels.Canonical);
    }

    [Fact]
    public void The_canonical_form_parses_back()
    {
        var labels = IdentityLabels.ForPod("c1", "x", PodLabels);

        Assert.True(IdentityLabels.TryParse(labels.Canonical, out var parsed));
        Assert.Equal(labels, parsed);
        Assert.True(IdentityLabels.TryParse("k8s:b=2;k8s:a=1", out var unordered));
        Assert.Equal("k8s:a=1;k8s:b=2;", unordered.Canonical);
        Assert.True(IdentityLabels.TryParse(string.Empty, out var empty));
        Assert.Equal(0, empty.Count);
    }

    [Theory]
    [InlineData("app=web;")]
    [InlineData("k8s:=web;")]
    [InlineData(":app=web;")]
    [InlineData("k8s:app=1;k8s:app=2;")]
    public void Malformed_text_does_not_parse(string text)
    {
        Assert.False(IdentityLabels.TryParse(text, out _));
    }

    [Fact]
    public void Parts_the_canonical_form_cannot_carry_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new IdentityLabel("k8s", "a;b", "x"));
        Assert.Throws<ArgumentException>(() => new IdentityLabel("k8s", "a=b", "x"));
        Assert.Throws<ArgumentException>(() => new IdentityLabel("k:8s", "a", "x"));
        Assert.Throws<ArgumentException>(() => new IdentityLabel("k8s", "a", "x;y"));
        Assert.Throws<ArgumentException>(() => new IdentityLabel("", "a", "x"));
    }

    [Fact]
    public void Selectors_see_sourced_keys()
    {
        var labels = IdentityLabels.ForPod("c1", "x", PodLabels);

        var map = labels.ToDictionary();

        Assert.Equal("web", map["k8s:app"]);
        Assert.Equal("x", map["k8s:io.kubernetes.pod.namespace"]);
        Assert.True(new Plexus.Model.LabelSelector(new Dictionary<string, string> { ["app"] = "web" }).Matches(map));
    }

    [Theory]
    [InlineData(ReservedIdentity.Unknown, 0u, "reserved:unknown;")]
    [InlineData(ReservedIdentity.Host, 1u, "reserved:host;")]
    [InlineData(ReservedIdentity.World, 2u, "reserved:world;")]
    [InlineData(ReservedIdentity.Unmanaged, 3u, "reserved:unmanaged;")]
    [InlineData(ReservedIdentity.Health, 4u, "reserved:health;")]
    [InlineData(ReservedIdentity.Init, 5u, "reserved:init;")]
    [InlineData(ReservedIdentity.RemoteNode, 6u, "reserved:remote-node;")]
    [InlineData(ReservedIdentity.KubeApiServer, 7u, "reserved:kube-apiserver;")]
    [InlineData(ReservedIdentity.Ingress, 8u, "reserved:ingress;")]
    public void Reserved_identities_have_their_numbers_and_labels(ReservedIdentity identity, uint number, string canonical)
    {
        var labels = IdentityLabels.ForReserved(identity);

        Assert.Equal(number, (uint)identity);
        Assert.Equal(canonical, labels.Canonical);
        Assert.Equal(identity, labels.Reserved);
        Assert.True(IdentityNumbers.IsReserved(number));
    }

    [Fact]
    public void Pod_labels_are_not_reserved()
    {
        Assert.Null(IdentityLabels.ForPod("c1", "x", PodLabels).Reserved);
        Assert.Null(IdentityLabels.Create([new("reserved", "host", ""), new("k8s", "a", "b")]).Reserved);
    }

    [Theory]
    [InlineData(0, 256u, 65535u)]
    [InlineData(1, 65792u, 131071u)]
    [InlineData(3, 196864u, 262143u)]
    [InlineData(255, 16711936u, 16777215u)]
    public void Cluster_ids_select_the_allocation_range(int clusterId, uint first, uint last)
    {
        Assert.Equal(first, IdentityNumbers.FirstAllocated(clusterId));
        Assert.Equal(last, IdentityNumbers.LastAllocated(clusterId));
        Assert.Equal(clusterId, IdentityNumbers.ClusterIdOf(first));
        Assert.Equal(clusterId, IdentityNumbers.ClusterIdOf(last));
        Assert.False(IdentityNumbers.IsReserved(first));
        Assert.False(IdentityNumbers.IsLocalScope(last));
    }

    [Fact]
    public void Cluster_ids_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdentityNumbers.FirstAllocated(256));
        Assert.Throws<ArgumentOutOfRangeException>(() => IdentityNumbers.LastAllocated(-1));
    }
}

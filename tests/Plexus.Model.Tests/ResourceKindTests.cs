namespace Plexus.Model.Tests;

/// <summary>The kind registry and store keys.</summary>
public class ResourceKindTests
{
    [Theory]
    [InlineData("cnp", "CiliumNetworkPolicy")]
    [InlineData("CiliumNetworkPolicy", "CiliumNetworkPolicy")]
    [InlineData("ciliumnetworkpolicies", "CiliumNetworkPolicy")]
    [InlineData("CNP", "CiliumNetworkPolicy")]
    [InlineData("cnp.cilium.io", "CiliumNetworkPolicy")]
    [InlineData("ccnp", "CiliumClusterwideNetworkPolicy")]
    [InlineData("services", "Service")]
    [InlineData("svc", "Service")]
    [InlineData("service", "Service")]
    [InlineData("ns", "Namespace")]
    [InlineData("Namespaces", "Namespace")]
    [InlineData("netpol", "NetworkPolicy")]
    [InlineData("networkpolicies.networking.k8s.io", "NetworkPolicy")]
    public void Resolve_accepts_cli_words(string word, string kind) =>
        Assert.Equal(kind, ResourceKind.Resolve(word)?.Kind);

    [Theory]
    [InlineData("pods")]
    [InlineData("cnp.networking.k8s.io")]
    [InlineData("")]
    public void Resolve_returns_null_for_unknown_words(string word) => Assert.Null(ResourceKind.Resolve(word));

    [Fact]
    public void Registry_describes_every_kind()
    {
        Assert.Equal(5, ResourceKind.All.Count);
        var cnp = ResourceKind.CiliumNetworkPolicy;
        Assert.Equal(("cilium.io/v2", "cilium.io", "ciliumnetworkpolicies", "ciliumnetworkpolicy", true), (cnp.ApiVersion, cnp.Group, cnp.Plural, cnp.Singular, cnp.Namespaced));
        Assert.Contains("cnp", cnp.ShortNames);
        Assert.False(ResourceKind.Namespace.Namespaced);
        Assert.False(ResourceKind.CiliumClusterwideNetworkPolicy.Namespaced);
        Assert.Equal("", ResourceKind.Service.Group);
        Assert.All(ResourceKind.All, k => Assert.Equal(k.Plural, k.Plural.ToLowerInvariant()));
    }

    [Fact]
    public void Store_keys_and_prefixes()
    {
        Assert.Equal("plexus/resources/services/shop/web", ResourceKey.For(ResourceKind.Service, "shop", "web"));
        Assert.Equal("plexus/resources/namespaces/_/shop", new ResourceKey(ResourceKind.Namespace, null, "shop").StoreKey);
        Assert.Equal("plexus/resources/ciliumnetworkpolicies/", ResourceKey.Prefix(ResourceKind.CiliumNetworkPolicy));
        Assert.Equal("plexus/resources/ciliumnetworkpolicies/shop/", ResourceKey.Prefix(ResourceKind.CiliumNetworkPolicy, "shop"));
        Assert.Throws<ArgumentException>(() => ResourceKey.For(ResourceKind.Service, null, "web"));
        Assert.Throws<ArgumentException>(() => ResourceKey.For(ResourceKind.Namespace, "x", "y"));
        Assert.Throws<ArgumentException>(() => ResourceKey.Prefix(ResourceKind.Namespace, "x"));
    }

    [Fact]
    public void Store_keys_parse_back()
    {
        var key = new ResourceKey(ResourceKind.NetworkPolicy, "x", "deny");

        Assert.Equal(key, ResourceKey.TryParse(key.StoreKey));
        Assert.Equal(new ResourceKey(ResourceKind.Namespace, null, "x"), ResourceKey.TryParse("plexus/resources/namespaces/_/x"));
        Assert.Null(ResourceKey.TryParse("plexus/resources/pods/x/y"));
        Assert.Null(ResourceKey.TryParse("plexus/resources/services/_/y"));
        Assert.Null(ResourceKey.TryParse("plexus/nodes/c1/n1"));
    }
}

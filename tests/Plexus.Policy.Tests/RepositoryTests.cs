namespace Plexus.Policy.Tests;

/// <summary>Incremental recompute: each change reports only the endpoints whose policy changed.</summary>
public class RepositoryTests
{
    private static List<string> Changed(PolicyUpdate update) =>
        update.Changed.Select(p => Cluster.PodNames.First(n => Cluster.EndpointId(n) == p.EndpointId)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Adding_a_policy_changes_only_the_endpoints_it_selects()
    {
        var cluster = new Cluster();
        Assert.Equal(9, cluster.Compute().Changed.Count);

        cluster.Apply(GoldenTests.Cnp("x", "a", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{}]}]"));
        var update = cluster.Compute();

        Assert.Equal(["x/a"], Changed(update));
        Assert.Equal(1, update.Recomputed);
    }

    [Fact]
    public void Nothing_changes_without_a_change()
    {
        var cluster = new Cluster().Apply(GoldenTests.Cnp("x", "a", "endpointSelector: {}\n  ingress: [{fromEndpoints: [{}]}]"));
        cluster.Compute();
        var revision = cluster.Repository.Revision;

        cluster.Apply(GoldenTests.Cnp("x", "a", "endpointSelector: {}\n  ingress: [{fromEndpoints: [{}]}]"));
        var update = cluster.Compute();

        Assert.Empty(update.Changed);
        Assert.Equal(revision, update.Revision);
    }

    [Fact]
    public void A_new_identity_changes_the_endpoints_whose_rules_select_it()
    {
        var cluster = new Cluster()
            .Apply(GoldenTests.Cnp("x", "from-web", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: y}}]}]"))
            .Apply(GoldenTests.Cnp("x", "from-b", "endpointSelector: {matchLabels: {pod: b}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: c}}]}]"));
        cluster.Compute();

        cluster.Repository.UpsertIdentity(new PolicyIdentity
        {
            Number = 900,
            Labels = Plexus.Model.State.IdentityLabels.ForPod("c1", "y", new Dictionary<string, string> { ["app"] = "web" }),
        });
        var update = cluster.Compute();

        Assert.Equal(["x/a"], Changed(update));
        Assert.Contains(update.Changed[0].Entries, e => e.Key.Identity == 900);
    }

    [Fact]
    public void A_namespace_label_changes_only_endpoints_with_namespace_selectors_on_it()
    {
        var cluster = new Cluster()
            .Apply(ConformanceTests.NetworkPolicy("x", "ns", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}]}]"))
            .Apply(ConformanceTests.NetworkPolicy("z", "pods", "podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]"));
        cluster.Compute();

        cluster.LabelNamespace("y", "team", "blue");
        var update = cluster.Compute();

        Assert.Equal(["x/a"], Changed(update));
    }

    [Fact]
    public void Removing_a_policy_and_an_endpoint_is_reported()
    {
        var policy = ConformanceTests.NetworkPolicy("y", "deny", "podSelector: {}\n  policyTypes: [Ingress]");
        var cluster = new Cluster().Apply(policy);
        cluster.Compute();

        cluster.Delete(policy);
        cluster.Repository.RemoveEndpoint(Cluster.EndpointId("x/c"));
        var update = cluster.Compute();

        Assert.Equal(["y/a", "y/b", "y/c"], Changed(update));
        Assert.Equal([Cluster.EndpointId("x/c")], update.Removed);
    }

    [Fact]
    public void Cidr_identities_are_allocated_node_local_and_released_with_their_policy()
    {
        var policy = GoldenTests.Cnp("x", "cidr", "endpointSelector: {}\n  egress: [{toCIDR: [198.51.100.0/24]}, {toCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.0/25]}]}]");
        var cluster = new Cluster().Apply(policy);
        cluster.Compute();

        var cidrs = cluster.Repository.CidrIdentities;
        Assert.Equal(["198.51.100.0/24", "203.0.113.128/25"], cidrs.Select(c => c.Cidr.ToString()));
        Assert.All(cidrs, c => Assert.True(Plexus.Model.State.IdentityNumbers.IsLocalScope(c.Number)));

        cluster.Delete(policy);
        Assert.Empty(cluster.Repository.CidrIdentities);
    }

    [Fact]
    public void Policy_project_depends_only_on_the_model()
    {
        var references = typeof(PolicyRepository).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Plexus.", StringComparison.Ordinal)).ToList();

        Assert.Equal(["Plexus.Model"], references);
    }
}

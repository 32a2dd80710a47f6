using System.Net;

namespace Plexus.Model.Tests;

public sealed class LabLoaderTests
{
    private const string Valid = """
        apiVersion: plexus.io/v1
        kind: Lab
        metadata: {name: demo}
        spec:
          clusters:
          - {name: c1, id: 1, nodes: [n1, n2]}
          namespaces:
          - {name: x, labels: {team: blue}}
          pods:
          - {name: a, namespace: x, node: n1, labels: {pod: a}, serve: [80/tcp, 81/tcp, 80/udp]}
          - {name: b, namespace: x, cluster: c1, node: n2, serve: [{port: 8080, protocol: tcp, name: http}]}
          externals:
          - {name: world1, address: 198.51.100.10, serve: [80/tcp]}
        """;

    [Fact]
    public void Valid_lab_parses_with_defaults()
    {
        var result = LabLoader.Parse(Valid, "lab.yaml");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var lab = result.Lab!;
        Assert.Equal("demo", lab.Name);
        Assert.Equal(Cidr.Parse("10.1.0.0/16"), lab.Clusters[0].PodCidr);
        Assert.Equal(["n1", "n2"], lab.Clusters[0].Nodes);
        Assert.Equal(Cidr.Parse("172.20.1.240/28"), lab.Clusters[0].LoadBalancerPool);
        Assert.Null(lab.Clusters[0].MaglevTableSize);
        Assert.Equal("blue", lab.Namespaces[0].Labels["team"]);
        Assert.Equal("x", lab.Namespaces[0].Labels["kubernetes.io/metadata.name"]);
        var a = lab.Pods[0];
        Assert.Equal(("c1", "n1", "x/a"), (a.Cluster, a.Node, a.FullName));
        Assert.Equal([new LabPort(80, "tcp", "serve-80-tcp"), new LabPort(81, "tcp", "serve-81-tcp"), new LabPort(80, "udp", "serve-80-udp")], a.Serve);
        Assert.Equal(new LabPort(8080, "tcp", "http"), lab.Pods[1].Serve.Single());
        Assert.Equal(IPAddress.Parse("198.51.100.10"), lab.Externals[0].Address);
    }

    [Theory]
    [InlineData("node: n1, labels: {pod: a}", "node: n9, labels: {pod: a}", "spec.pods[0].node", "cluster \"c1\" has no node \"n9\"; did you mean \"n1\"?")]
    [InlineData("namespace: x, node: n1", "namespace: y, node: n1", "spec.pods[0].namespace", "namespace \"y\" is not declared")]
    [InlineData("cluster: c1, node: n2", "cluster: c2, node: n2", "spec.pods[1].cluster", "unknown cluster \"c2\"; did you mean \"c1\"?")]
    [InlineData("80/tcp, 81/tcp", "80/tcp, 81/sctp", "spec.pods[0].serve[1]", "not PORT/PROTO")]
    [InlineData("80/tcp, 81/tcp", "80/tcp, 80/tcp", "spec.pods[0].serve[1]", "listed twice")]
    [InlineData("address: 198.51.100.10", "address: 10.1.7.7", "spec.externals[0].address", "lies in the pod CIDR of cluster \"c1\"")]
    [InlineData("id: 1, nodes", "id: 1, podCIDR: 10.1.0.0/24, nodes", "spec.clusters[0].podCIDR", "holds 1 /24 block(s), fewer than the 2 nodes")]
    [InlineData("id: 1,", "id: 300,", "spec.clusters[0].id", "")]
    [InlineData("{name: b, namespace: x, cluster: c1", "{name: a, namespace: x, cluster: c1", "spec.pods[1].name", "duplicate pod \"x/a\"")]
    [InlineData("metadata: {name: demo}", "metadata: {name: Demo}", "metadata.name", "")]
    [InlineData("kind: Lab", "kind: Lab\nextra: 1", "extra", "unknown field")]
    [InlineData("id: 1, nodes", "id: 1, loadBalancerPool: banana, nodes", "spec.clusters[0].loadBalancerPool", "")]
    [InlineData("id: 1, nodes", "id: 1, loadBalancerPool: 10.96.0.0/28, nodes", "spec.clusters[0].loadBalancerPool", "overlaps the pod CIDR 10.1.0.0/16 or the service range")]
    [InlineData("id: 1, nodes", "id: 1, loadBalancerPool: 172.20.1.0/28, nodes", "spec.clusters[0].loadBalancerPool", "holds 172.20.1.11, an address of the cluster's node subnet")]
    [InlineData("id: 1, nodes", "id: 1, maglevTableSize: 250, nodes", "spec.clusters[0].maglevTableSize", "")]
    [InlineData("id: 1, nodes", "id: 1, maglevTableSize: 1000, nodes", "spec.clusters[0].maglevTableSize", "1000 is not a prime")]
    public void Mistakes_are_reported_with_their_path(string find, string replace, string path, string reason)
    {
        var result = LabLoader.Parse(Valid.Replace(find, replace, StringComparison.Ordinal), "lab.yaml");

        Assert.False(result.Ok);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal("lab.yaml", error.File);
    }

    [Fact]
    public void Maglev_table_size_is_read_per_cluster()
    {
        var result = LabLoader.Parse(Valid.Replace("id: 1, nodes", "id: 1, maglevTableSize: 251, nodes", StringComparison.Ordinal), "lab.yaml");

        Assert.True(result.Ok, string.Join("; ", result.Errors));
        Assert.Equal(251, result.Lab!.Clusters[0].MaglevTableSize);
    }

    [Fact]
    public void Pods_must_name_their_cluster_when_there_are_several()
    {
        var text = Valid.Replace("- {name: c1, id: 1, nodes: [n1, n2]}", "- {name: c1, id: 1, nodes: [n1, n2]}\n  - {name: c2, id: 2, nodes: [m1]}", StringComparison.Ordinal);

        var result = LabLoader.Parse(text, "lab.yaml");

        Assert.Contains(result.Errors, e => e.Path == "spec.pods[0].cluster" && e.Reason.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void Syntax_errors_carry_line_and_column()
    {
        var result = LabLoader.Parse("apiVersion: plexus.io/v1\nkind: [Lab\n", "lab.yaml");

        var error = Assert.Single(result.Errors);
        Assert.True(error.Line >= 2);
    }
}

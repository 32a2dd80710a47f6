using System.Net;
using System.Text.RegularExpressions;

namespace Plexus.Model.Tests;

/// <summary>Kubernetes NetworkPolicy: the conformance manifests, defaults and the API validation cases.</summary>
public partial class NetworkPolicyTests
{
    private static readonly string ConformanceDirectory = Path.Combine(AppContext.BaseDirectory, "Manifests", "conformance");

    /// <summary>Every conformance manifest file.</summary>
    public static TheoryData<string> ConformanceFiles =>
        [.. Directory.EnumerateFiles(ConformanceDirectory, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ConformanceFiles))]
    public void Conformance_manifest_parses_cleanly(string file)
    {
        var text = Render(File.ReadAllText(Path.Combine(ConformanceDirectory, file)));

        var result = ManifestLoader.Parse(text, file);

        Manifest.AssertOk(result);
        Assert.NotEmpty(result.Resources);
        if (file is not ("namespaces.yaml" or "services.yaml"))
        {
            Assert.All(result.Resources, r => Assert.IsType<NetworkPolicyResource>(r));
        }
    }

    [Fact]
    public void Every_conformance_case_has_a_manifest()
    {
        var cases = Directory.EnumerateFiles(ConformanceDirectory, "*.yaml")
            .Select(f => CaseNumber().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();

        Assert.Equal(Enumerable.Range(1, 45), cases.Order());
    }

    [Fact]
    public void Conformance_case_10_is_one_peer_with_both_selectors()
    {
        var policy = Load<NetworkPolicyResource>("10-pod-selector-and-namespace-selector.yaml");

        var peer = Assert.Single(Assert.Single(policy.Spec.Ingress).Peers);
        Assert.Equal(SelectorOperator.NotIn, peer.NamespaceSelector!.MatchExpressions[0].Operator);
        Assert.Equal("b", peer.PodSelector!.MatchLabels["pod"]);
        Assert.Null(peer.IpBlock);
    }

    [Fact]
    public void Conformance_case_35_except_excludes_the_pod_address()
    {
        var policy = Load<NetworkPolicyResource>("35-egress-cidr-except.yaml");

        var block = Assert.Single(policy.Spec.Egress[0].Peers).IpBlock!;
        Assert.True(block.Contains(IPAddress.Parse("10.1.0.9")));
        Assert.False(block.Contains(IPAddress.Parse("10.1.0.3")));
        Assert.Equal([PolicyType.Egress], policy.Spec.EffectivePolicyTypes);
    }

    [Fact]
    public void Conformance_named_ports_and_protocols_are_kept()
    {
        var named = Load<NetworkPolicyResource>("17-ingress-one-named-port.yaml");
        var udp = Load<NetworkPolicyResource>("44-udp-ports.yaml");
        var anyPort = Load<NetworkPolicyResource>("30-ingress-any-port-one-protocol.yaml");

        Assert.Equal("serve-81-tcp", named.Spec.Ingress[0].Ports[0].Port!.Name);
        Assert.Equal(PortProtocol.Tcp, named.Spec.Ingress[0].Ports[0].Protocol);
        Assert.Equal((PortProtocol.Udp, 81), (udp.Spec.Ingress[0].Ports[0].Protocol, udp.Spec.Ingress[0].Ports[0].Port!.Number!.Value));
        Assert.Null(anyPort.Spec.Ingress[0].Ports[0].Port);
    }

    [Theory]
    [InlineData("port: 80, endPort: 80", 80)]
    [InlineData("port: 53, endPort: 84", 84)]
    [InlineData("port: 53, endPort: 80, protocol: UDP", 80)]
    public void EndPort_equal_to_or_above_port_is_accepted(string port, int endPort)
    {
        var yaml = $$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: range, namespace: x}
            spec:
              podSelector: {}
              ingress:
              - ports: [{ {{port}} }]
            """;

        var policy = Manifest.Single<NetworkPolicyResource>(yaml);

        Assert.Equal(endPort, policy.Spec.Ingress[0].Ports[0].EndPort);
    }

    [Theory]
    [InlineData("", "Ingress")]
    [InlineData("egress: [{}]", "Ingress,Egress")]
    [InlineData("egress: []", "Ingress")]
    [InlineData("policyTypes: [Egress]", "Egress")]
    [InlineData("policyTypes: [Egress, Ingress]", "Egress,Ingress")]
    public void Effective_policy_types_follow_kubernetes_defaults(string extra, string expected)
    {
        var yaml = $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p}}\nspec:\n  podSelector: {{}}\n  {extra}\n";

        var spec = Manifest.Single<NetworkPolicyResource>(yaml).Spec;

        Assert.Equal(expected, string.Join(",", spec.EffectivePolicyTypes));
        Assert.Equal(expected.Contains("Ingress", StringComparison.Ordinal), spec.AppliesToIngress);
        Assert.Equal(expected.Contains("Egress", StringComparison.Ordinal), spec.AppliesToEgress);
    }

    [Fact]
    public void Namespace_defaults_to_default()
    {
        var policy = Manifest.Single<NetworkPolicyResource>("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}}\n");

        Assert.Equal("default", policy.Metadata.Namespace);
        Assert.Equal("plexus/resources/networkpolicies/default/p", policy.Key.StoreKey);
        Assert.Equal("NetworkPolicy default/p", policy.ToString());
    }

    /// <summary>Replaces <c>${ip:ns/pod}</c> placeholders by addresses of a made-up lab.</summary>
    private static string Render(string text) => Placeholder().Replace(text, m =>
        $"10.1.{m.Groups[1].Value[0] - 'x'}.{m.Groups[2].Value[0] - 'a' + 2}");

    private static T Load<T>(string file)
        where T : Resource =>
        Manifest.Single<T>(Render(File.ReadAllText(Path.Combine(ConformanceDirectory, file))));

    [GeneratedRegex(@"\$\{ip:([a-z])/([a-z])\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(\d{2})-")]
    private static partial Regex CaseNumber();
}

namespace Plexus.Policy.Tests;

/// <summary>
/// Kubernetes NetworkPolicy e2e cases (kubernetes/kubernetes test/e2e/network/netpol/network_policy.go, re-expressed
/// as data per shared/conformance/k8s-netpol-e2e.md): compile every pod's policy, then decide every pair with
/// <see cref="PolicyEvaluator"/> (egress of the client and ingress of the server).
/// </summary>
public class ConformanceTests
{
    private const byte Tcp = IpProtocols.Tcp;
    private const byte Udp = IpProtocols.Udp;

    public static TheoryData<string, string, string, byte, int, string> Cases => new()
    {
        { "1 should support a 'default-deny-ingress' policy", "x", "podSelector: {}\n  policyTypes: [Ingress]", Tcp, 80, "*→x/*" },
        { "2 should support a 'default-deny-all' policy", "x", "podSelector: {}\n  policyTypes: [Ingress, Egress]", Tcp, 80, "*→x/*; x/*→*" },
        { "3 should enforce policy to allow traffic from pods within server namespace based on PodSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]", Tcp, 80, "*→x/a except x/b" },
        { "5 should enforce policy to allow ingress traffic from pods in all namespaces", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {}}]}]", Tcp, 80, "" },
        { "6 should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]}]", Tcp, 80, "x/*,z/*→x/a" },
        { "7 should enforce policy based on PodSelector with MatchExpressions", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}}]}]", Tcp, 80, "*→x/a except x/b" },
        { "8 should enforce policy based on NamespaceSelector with MatchExpressions", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [y]}]}}]}]", Tcp, 80, "x/*,z/*→x/a" },
        { "9 should enforce policy based on PodSelector or NamespaceSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}}, {podSelector: {matchLabels: {pod: b}}}]}]", Tcp, 80, "x/c→x/a" },
        { "10 should enforce policy based on PodSelector and NamespaceSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}, podSelector: {matchLabels: {pod: b}}}]}]", Tcp, 80, "*→x/a except y/b, z/b" },
        { "11 should enforce policy based on Multiple PodSelectors and NamespaceSelectors", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}, podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}}]}]", Tcp, 80, "*→x/a except y/b, y/c, z/b, z/c" },
        { "12 should enforce policy based on any PodSelectors", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}, {podSelector: {matchLabels: {pod: c}}}]}]", Tcp, 80, "*→x/a except x/b, x/c" },
        { "13 should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]}]", Tcp, 80, "*→x/a except y/a" },
        { "14 should enforce policy based on Ports", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}], ports: [{port: 81, protocol: TCP}]}]", Tcp, 81, "x/*,z/*→x/a" },
        { "16 should support allow-all policy (80)", "x", "podSelector: {}\n  ingress: [{}]", Tcp, 80, "" },
        { "16 should support allow-all policy (81)", "x", "podSelector: {}\n  ingress: [{}]", Tcp, 81, "" },
        { "17 should allow ingress access on one named port (81)", "x", "podSelector: {}\n  ingress: [{ports: [{port: serve-81-tcp}]}]", Tcp, 81, "" },
        { "17 should allow ingress access on one named port (80)", "x", "podSelector: {}\n  ingress: [{ports: [{port: serve-81-tcp}]}]", Tcp, 80, "*→x/*" },
        { "18 should allow ingress access from namespace on one named port (80)", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}], ports: [{port: serve-80-tcp}]}]", Tcp, 80, "x/*,z/*→x/a" },
        { "18 should allow ingress access from namespace on one named port (81)", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}], ports: [{port: serve-80-tcp}]}]", Tcp, 81, "*→x/a" },
        { "19 should allow egress access on one named port (80)", "x", "podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: serve-80-tcp}]}]", Tcp, 80, "" },
        { "19 should allow egress access on one named port (81)", "x", "podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: serve-80-tcp}]}]", Tcp, 81, "x/*→*" },
        { "23 should deny ingress from pods on other namespaces", "x", "podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]", Tcp, 80, "y/*,z/*→x/*" },
        { "25 should deny egress from pods based on PodSelector", "x", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]", Tcp, 80, "x/a→*" },
        { "26 should deny egress from all pods in a namespace", "x", "podSelector: {}\n  policyTypes: [Egress]", Tcp, 80, "x/*→*" },
        { "27 should work with Ingress, Egress specified together (80)", "x",
            "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress, Egress]\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]\n  egress: [{ports: [{port: 80}]}]", Tcp, 80, "*→x/a except x/b" },
        { "27 should work with Ingress, Egress specified together (81)", "x",
            "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress, Egress]\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]\n  egress: [{ports: [{port: 80}]}]", Tcp, 81, "*→x/a except x/b; x/a→*" },
        { "29 should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]}]", Tcp, 80, "x/a→* except y/a" },
        { "30 should enforce ingress policy allowing any port traffic to a server on a specific protocol (TCP)", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: TCP}]}]", Tcp, 80, "" },
        { "30 should enforce ingress policy allowing any port traffic to a server on a specific protocol (UDP)", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: TCP}]}]", Udp, 80, "*→x/a" },
        { "34 should allow egress access to server in CIDR block", "x",
            "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.1.2.11/32}}]}]", Tcp, 80, "x/a→* except y/b" },
        { "35 should enforce except clause while egress access to server in CIDR block", "x",
            "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.1.11/32]}}]}]", Tcp, 80, "x/a→x/b" },
        { "39 should properly isolate pods that are selected by a policy allowing SCTP", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: SCTP, port: 80}]}]", Tcp, 81, "*→x/a" },
        { "40 should not allow access by TCP when a policy specifies only UDP", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: UDP, port: 81}]}]", Tcp, 81, "*→x/a" },
        { "42 should enforce policy based on NamespaceSelector with MatchExpressions using default ns label", "x",
            "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [y]}]}}]}]", Tcp, 80, "x/a→y/*" },
        { "43 (UDP) should support a 'default-deny-ingress' policy", "x", "podSelector: {}\n  policyTypes: [Ingress]", Udp, 80, "*→x/*" },
        { "44 (UDP) should enforce policy based on Ports", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}], ports: [{port: 81, protocol: UDP}]}]", Udp, 81, "x/*,z/*→x/a" },
        { "45 (UDP) should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector", "x",
            "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]}]", Udp, 80, "*→x/a except y/a" },
        { "own: port range 53-80 (TCP 80)", "x", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 53, endPort: 80}]}]", Tcp, 80, "" },
        { "own: port range 53-80 (TCP 81)", "x", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 53, endPort: 80}]}]", Tcp, 81, "*→x/a" },
        { "own: port range 53-84 UDP (UDP 81)", "x", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 53, endPort: 84, protocol: UDP}]}]", Udp, 81, "" },
        { "own: port range 53-84 UDP (TCP 81)", "x", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 53, endPort: 84, protocol: UDP}]}]", Tcp, 81, "*→x/a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NetworkPolicy_case_gives_the_expected_denials(string name, string ns, string spec, byte protocol, int port, string expected)
    {
        var cluster = new Cluster().Apply(NetworkPolicy(ns, "case", spec));

        Assert.True(Expect.Denials(expected).SequenceEqual(cluster.Denials(protocol, port)),
            $"{name}\nexpected: {string.Join(" ", Expect.Denials(expected))}\nactual:   {string.Join(" ", cluster.Denials(protocol, port))}");
    }

    [Fact]
    public void Case_4_allow_ingress_traffic_for_a_target()
    {
        var cluster = new Cluster()
            .Apply(NetworkPolicy("x", "deny-all", "podSelector: {}\n  policyTypes: [Ingress]"))
            .Apply(NetworkPolicy("x", "allow-a", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {}, namespaceSelector: {}}]}]"));

        Assert.Equal(Expect.Denials("*→x/b; *→x/c"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_15_stacked_policies_with_overlapping_podSelectors()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p81", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}], ports: [{port: 81}]}]"));
        Assert.Equal(Expect.Denials("x/*,z/*→x/a"), cluster.Denials(IpProtocols.Tcp, 81));
        Assert.Equal(Expect.Denials("*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));

        cluster.Apply(NetworkPolicy("x", "p80", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}], ports: [{port: 80}]}]"));
        Assert.Equal(Expect.Denials("x/*,z/*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_20_updated_policy_takes_effect()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p", "podSelector: {}\n  ingress: [{}]"));
        Assert.Empty(cluster.Denials(IpProtocols.Tcp, 81));

        cluster.Apply(NetworkPolicy("x", "p", "podSelector: {}\n  ingress: []\n  policyTypes: [Ingress]"));
        Assert.Equal(Expect.Denials("*→x/*"), cluster.Denials(IpProtocols.Tcp, 81));
    }

    [Fact]
    public void Case_21_ingress_from_updated_namespace()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns2: updated}}}]}]"));
        Assert.Equal(Expect.Denials("*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));

        cluster.LabelNamespace("y", "ns2", "updated");
        Assert.Equal(Expect.Denials("x/*,z/*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_22_ingress_from_updated_pod()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b, pod2: updated}}}]}]"));
        Assert.Equal(Expect.Denials("*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));

        cluster.LabelPod("x/b", "pod2", "updated", 1000);
        Assert.Equal(Expect.Denials("*→x/a except x/b"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_24_deny_ingress_to_updated_pod()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p", "podSelector: {matchLabels: {target: isolated}}\n  policyTypes: [Ingress]"));
        Assert.Empty(cluster.Denials(IpProtocols.Tcp, 80));

        cluster.LabelPod("x/a", "target", "isolated", 1000);
        Assert.Equal(Expect.Denials("*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_28_client_side_egress_denial_wins_even_if_the_server_allows()
    {
        var cluster = new Cluster()
            .Apply(NetworkPolicy("x", "egress", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]}]"))
            .Apply(NetworkPolicy("y", "ingress", "podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]}]"));

        Assert.Equal(Expect.Denials("x/a→* except y/a; *→y/a except x/a; *→y/b"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_31_ingress_allow_all_takes_precedence()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p80", "podSelector: {}\n  ingress: [{ports: [{port: 80}]}]"));
        Assert.Equal(Expect.Denials("*→x/*"), cluster.Denials(IpProtocols.Tcp, 81));

        cluster.Apply(NetworkPolicy("x", "all", "podSelector: {}\n  ingress: [{}]"));
        Assert.Empty(cluster.Denials(IpProtocols.Tcp, 81));
    }

    [Fact]
    public void Case_33_policies_stop_applying_after_deletion()
    {
        var policy = NetworkPolicy("x", "deny-all", "podSelector: {}\n  policyTypes: [Ingress, Egress]");
        var cluster = new Cluster().Apply(policy);
        Assert.Equal(Expect.Denials("*→x/*; x/*→*"), cluster.Denials(IpProtocols.Tcp, 80));

        cluster.Delete(policy);
        Assert.Empty(cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_36_ip_in_both_cidr_and_except_follows_the_updated_policy()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "p", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.1.11/32]}}]}]"));
        Assert.Equal(Expect.Denials("x/a→x/b"), cluster.Denials(IpProtocols.Tcp, 80));

        cluster.Apply(NetworkPolicy("x", "p", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 10.1.1.11/32}}]}]"));
        Assert.Equal(Expect.Denials("x/a→* except x/b"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_37_ingress_and_egress_are_controlled_independently()
    {
        var cluster = new Cluster().Apply(NetworkPolicy("x", "egress", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{}]"));
        Assert.Empty(cluster.Denials(IpProtocols.Tcp, 80));

        cluster.Apply(NetworkPolicy("x", "ingress", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress]"));
        Assert.Equal(Expect.Denials("*→x/a"), cluster.Denials(IpProtocols.Tcp, 80));
    }

    [Fact]
    public void Case_38_SCTP_is_not_mistaken_for_TCP()
    {
        var cluster = new Cluster()
            .Apply(NetworkPolicy("x", "deny", "podSelector: {}\n  policyTypes: [Ingress]"))
            .Apply(NetworkPolicy("x", "sctp", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: SCTP, port: 81}]}]"));

        Assert.Equal(Expect.Denials("*→x/*"), cluster.Denials(IpProtocols.Tcp, 81));
    }

    internal static string NetworkPolicy(string ns, string name, string spec) => $$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          {{spec}}
        """;
}

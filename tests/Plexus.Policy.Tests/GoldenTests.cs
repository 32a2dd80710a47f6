namespace Plexus.Policy.Tests;

/// <summary>
/// Golden tables: policies (YAML) over the x/y/z × a/b/c cluster → the exact entries and defaults of one endpoint.
/// Entries read <c>direction peer protocol port verdict</c>; peers by pod name, <c>*</c> = identity 0, reserved
/// names, or <c>cidr:&lt;prefix&gt;</c>; ports as <c>port/prefix-length</c>.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "CNP allow from endpoints in the policy's namespace only",
            Cnp("x", "same-ns", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]"),
            "ingress=deny egress=open",
            "ingress x/b any allow"
        },
        {
            "CNP cross-namespace selection with the namespace label",
            Cnp("x", "cross", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b, k8s:io.kubernetes.pod.namespace: y}}]}]"),
            "ingress=deny egress=open",
            "ingress y/b any allow"
        },
        {
            "CNP matchExpressions (In, NotIn, Exists, DoesNotExist)",
            Cnp("x", "expr", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchExpressions: [{key: pod, operator: NotIn, values: [a]}, {key: k8s:pod, operator: Exists}, {key: tier, operator: DoesNotExist}, {key: any:pod, operator: In, values: [b, c]}]}]}]"),
            "ingress=deny egress=open",
            "ingress x/b any allow; ingress x/c any allow"
        },
        {
            "CCNP selects cluster-wide",
            Ccnp("all-a", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: c}}]}]"),
            "ingress=deny egress=open",
            "ingress x/c any allow; ingress y/c any allow; ingress z/c any allow"
        },
        {
            "Deny in one policy wins over allow in another; covered allows are dropped",
            Cnp("x", "allow", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]}]")
            + "---\n" + Cnp("x", "deny", "endpointSelector: {matchLabels: {pod: a}}\n  ingressDeny: [{fromEndpoints: [{matchLabels: {pod: b}}]}]"),
            "ingress=deny egress=open",
            "ingress x/a tcp 80 allow; ingress x/b any deny; ingress x/c tcp 80 allow"
        },
        {
            "Deny-only policy flips default-deny and denies what it names",
            Cnp("x", "deny-only", "endpointSelector: {matchLabels: {pod: a}}\n  ingressDeny: [{fromEntities: [world]}]"),
            "ingress=deny egress=open",
            "ingress world any deny"
        },
        {
            "enableDefaultDeny ingress false: denies apply, the rest stays open",
            Cnp("x", "soft", "endpointSelector: {matchLabels: {pod: a}}\n  enableDefaultDeny: {ingress: false}\n  ingressDeny: [{fromEndpoints: [{matchLabels: {pod: b}}], toPorts: [{ports: [{port: \"22\", protocol: TCP}]}]}]"),
            "ingress=open egress=open",
            "ingress x/b tcp 22 deny"
        },
        {
            "Entities: host, remote-node, all",
            Cnp("x", "entities", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEntities: [host, remote-node]}]\n  egress: [{toEntities: [all], toPorts: [{ports: [{port: \"53\", protocol: UDP}]}]}]"),
            "ingress=deny egress=deny",
            "ingress host any allow; ingress remote-node any allow; egress * udp 53 allow"
        },
        {
            "Entity cluster: every in-cluster identity, not world",
            Cnp("x", "cluster", "endpointSelector: {matchLabels: {pod: a}}\n  egress: [{toEntities: [cluster], toPorts: [{ports: [{port: \"443\", protocol: TCP}]}]}]"),
            "ingress=open egress=deny",
            "egress host tcp 443 allow; egress unmanaged tcp 443 allow; egress health tcp 443 allow; egress init tcp 443 allow; egress remote-node tcp 443 allow; egress kube-apiserver tcp 443 allow; egress ingress tcp 443 allow; "
            + string.Join("; ", Cluster.PodNames.Select(p => $"egress {p} tcp 443 allow"))
        },
        {
            "CIDR set with except: CIDR identities for the remainder, pods inside it too",
            Cnp("x", "cidr", "endpointSelector: {matchLabels: {pod: a}}\n  egress: [{toCIDRSet: [{cidr: 10.1.2.0/24, except: [10.1.2.10/32]}]}]"),
            "ingress=open egress=deny",
            "egress cidr:10.1.2.128/25 any allow; egress cidr:10.1.2.64/26 any allow; egress cidr:10.1.2.32/27 any allow; egress cidr:10.1.2.16/28 any allow; "
            + "egress cidr:10.1.2.0/29 any allow; egress cidr:10.1.2.12/30 any allow; egress cidr:10.1.2.8/31 any allow; egress cidr:10.1.2.11/32 any allow; "
            + "egress y/b any allow; egress y/c any allow"
        },
        {
            "World entity covers CIDR identities other policies create",
            Cnp("x", "world", "endpointSelector: {matchLabels: {pod: a}}\n  egress: [{toEntities: [world]}]")
            + "---\n" + Cnp("x", "cidr", "endpointSelector: {matchLabels: {pod: b}}\n  egress: [{toCIDR: [198.51.100.0/24]}]"),
            "ingress=open egress=deny",
            "egress world any allow; egress cidr:198.51.100.0/24 any allow"
        },
        {
            "Port range 80-85 becomes 80/14 and 84/15",
            Cnp("x", "range", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{toPorts: [{ports: [{port: \"80\", endPort: 85, protocol: TCP}]}]}]"),
            "ingress=deny egress=open",
            "ingress * tcp 80/14 allow; ingress * tcp 84/15 allow"
        },
        {
            "ANY protocol with a port expands to TCP, UDP and SCTP",
            Cnp("x", "any", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{toPorts: [{ports: [{port: \"53\"}]}]}]"),
            "ingress=deny egress=open",
            "ingress * tcp 53 allow; ingress * udp 53 allow; ingress * sctp 53 allow"
        },
        {
            "Named port on ingress resolves against the local endpoint",
            Cnp("x", "named", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}], toPorts: [{ports: [{port: serve-81-udp}]}]}]"),
            "ingress=deny egress=open",
            "ingress x/b udp 81 allow"
        },
        {
            "ICMP types go in the port field",
            Cnp("x", "icmp", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}], icmps: [{fields: [{type: 8, family: IPv4}, {type: EchoRequest, family: IPv6}]}]}]"),
            "ingress=deny egress=open",
            "ingress x/b icmp 8 allow; ingress x/b icmpv6 128 allow"
        },
        {
            "UDP-only NetworkPolicy rule",
            ConformanceTests.NetworkPolicy("x", "udp", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{protocol: UDP, port: 81}]}]"),
            "ingress=deny egress=open",
            "ingress * udp 81 allow"
        },
        {
            "NetworkPolicy policyTypes default: Ingress only without egress rules",
            ConformanceTests.NetworkPolicy("x", "default", "podSelector: {matchLabels: {pod: a}}"),
            "ingress=deny egress=open",
            ""
        },
        {
            "NetworkPolicy policyTypes default: Ingress and Egress with egress rules",
            ConformanceTests.NetworkPolicy("x", "default", "podSelector: {matchLabels: {pod: a}}\n  egress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]"),
            "ingress=deny egress=deny",
            "egress x/b any allow"
        },
        {
            "NetworkPolicy egress ignored when policyTypes names only Ingress",
            ConformanceTests.NetworkPolicy("x", "ingress-only", "podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress]\n  egress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]"),
            "ingress=deny egress=open",
            ""
        },
        {
            "Empty CNP ingress rule isolates without allowing",
            Cnp("x", "deny-all", "endpointSelector: {}\n  ingress: [{}]"),
            "ingress=deny egress=open",
            ""
        },
        {
            "Policy selecting other pods does not touch this one",
            Cnp("x", "b-only", "endpointSelector: {matchLabels: {pod: b}}\n  ingress: [{fromEndpoints: [{}]}]"),
            "ingress=open egress=open",
            ""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Endpoint_x_a_compiles_to_the_expected_entries(string name, string yaml, string defaults, string expected)
    {
        var cluster = new Cluster().Apply(yaml);

        var entries = cluster.Entries("x/a");
        var policy = cluster.PolicyOf("x/a");
        var actualDefaults = $"ingress={(policy.Ingress.DefaultDeny ? "deny" : "open")} egress={(policy.Egress.DefaultDeny ? "deny" : "open")}";

        Assert.True(defaults == actualDefaults, $"{name}: defaults {actualDefaults}");
        var expectedEntries = expected.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
        Assert.True(expectedEntries.SequenceEqual(entries.Order(StringComparer.Ordinal)),
            $"{name}\nexpected: {string.Join("; ", expectedEntries)}\nactual:   {string.Join("; ", entries.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void Entries_name_the_rules_that_produced_them()
    {
        var cluster = new Cluster()
            .Apply(Cnp("x", "one", "endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]"))
            .Apply(ConformanceTests.NetworkPolicy("x", "two", "podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]"));
        cluster.Compute();

        var entry = Assert.Single(cluster.PolicyOf("x/a").Entries);
        Assert.Equal(["CiliumNetworkPolicy/x/one rule#0 ingress#0", "NetworkPolicy/x/two ingress#0"], entry.Sources);
        Assert.Equal(["CiliumNetworkPolicy/x/one rule#0", "NetworkPolicy/x/two"], cluster.PolicyOf("x/a").Ingress.EnforcedBy);
    }

    [Fact]
    public void Egress_named_port_resolves_per_peer_identity()
    {
        var cluster = new Cluster();
        cluster.Repository.UpsertIdentity(new PolicyIdentity
        {
            Number = Cluster.Identity("y/b"),
            Labels = Plexus.Model.State.IdentityLabels.ForPod("c1", "y", new Dictionary<string, string> { ["pod"] = "b" }),
            Addresses = [Cluster.Address("y/b")],
            NamedPorts = [new NamedPort("http", IpProtocols.Tcp, 8080)],
        });
        cluster.Repository.UpsertIdentity(new PolicyIdentity
        {
            Number = Cluster.Identity("y/c"),
            Labels = Plexus.Model.State.IdentityLabels.ForPod("c1", "y", new Dictionary<string, string> { ["pod"] = "c" }),
            Addresses = [Cluster.Address("y/c")],
            NamedPorts = [new NamedPort("http", IpProtocols.Tcp, 9090)],
        });
        cluster.Apply(Cnp("x", "named", "endpointSelector: {matchLabels: {pod: a}}\n  egress: [{toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: y}}], toPorts: [{ports: [{port: http, protocol: TCP}]}]}]"));

        Assert.Equal(["egress y/b tcp 8080 allow", "egress y/c tcp 9090 allow"], cluster.Entries("x/a"));
    }

    [Fact]
    public void Audit_mode_reports_drops_as_audit_and_forwards()
    {
        var cluster = new Cluster().Apply(ConformanceTests.NetworkPolicy("x", "deny", "podSelector: {}\n  policyTypes: [Ingress]"));
        cluster.Repository.UpsertEndpoint(new PolicyEndpoint { Id = Cluster.EndpointId("x/a"), Identity = Cluster.Identity("x/a"), Namespace = "x", AuditMode = true });
        cluster.Compute();

        var verdict = PolicyEvaluator.Decide(cluster.PolicyOf("x/a"), PolicyDirection.Ingress, Cluster.Identity("y/a"), IpProtocols.Tcp, 80);

        Assert.Equal(PolicyDecision.DeniedByDefault, verdict.Decision);
        Assert.True(verdict.Audit);
        Assert.True(verdict.Forwarded);
        Assert.Equal(4, verdict.FlowVerdict);
        Assert.Equal(0, verdict.DropReason);
    }

    [Fact]
    public void Unsupported_peers_are_reported_as_warnings()
    {
        var cluster = new Cluster().Apply(Cnp("x", "fqdn", "endpointSelector: {}\n  egress: [{toFQDNs: [{matchName: example.com}]}]"));

        Assert.Contains(cluster.Repository.Warnings, w => w.StartsWith("CiliumNetworkPolicy/x/fqdn rule#0 egress#0", StringComparison.Ordinal));
    }

    internal static string Cnp(string ns, string name, string spec) => $$"""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          {{spec}}

        """;

    internal static string Ccnp(string name, string spec) => $$"""
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: {{name}}}
        spec:
          {{spec}}

        """;
}

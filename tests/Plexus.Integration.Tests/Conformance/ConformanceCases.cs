namespace Plexus.Integration.Tests.Conformance;

/// <summary>
/// The Kubernetes NetworkPolicy conformance cases of <c>shared/conformance/k8s-netpol-e2e.md</c> as data (1–45; the
/// SCTP cases 46–48 are skipped by the test class), plus cases not covered upstream (100 and up). Each cites the
/// upstream test (kubernetes/kubernetes <c>test/e2e/network/netpol/network_policy.go</c>, Apache-2.0) it
/// re-expresses; the policies and expectations are written for Plexus, not copied.
/// </summary>
public static class ConformanceCases
{
    private const string PodA = "podSelector: {matchLabels: {pod: a}}";
    private const string Everyone = "podSelector: {}";
    private const string NsY = "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}";
    private const string NsNotX = "namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}";

    /// <summary>Every case, in order.</summary>
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        One(1, "should support a 'default-deny-ingress' policy", [Np("deny-ingress", $"{Everyone}, policyTypes: [Ingress]")], Tcp(80, "*→x/*")),
        One(2, "should support a 'default-deny-all' policy", [Np("deny-all", $"{Everyone}, policyTypes: [Ingress, Egress]")], Tcp(80, "*→x/*; x/*→*")),
        One(3, "should enforce policy to allow traffic from pods within server namespace based on PodSelector",
            [Np("allow-b", $"{PodA}, ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: b}}}}}}]}}]")], Tcp(80, "*→x/a except x/b")),
        One(4, "should enforce policy to allow ingress traffic for a target",
            [Np("deny-ingress", $"{Everyone}, policyTypes: [Ingress]"), Np("allow-a", $"{PodA}, ingress: [{{from: [{{podSelector: {{}}, namespaceSelector: {{}}}}]}}]")],
            Tcp(80, "*→x/b; *→x/c")),
        One(5, "should enforce policy to allow ingress traffic from pods in all namespaces",
            [Np("allow-all-ns", $"{PodA}, ingress: [{{from: [{{namespaceSelector: {{}}}}]}}]")], Tcp(80, "none")),
        One(6, "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
            [Np("allow-y", $"{PodA}, ingress: [{{from: [{{{NsY}}}]}}]")], Tcp(80, "x/*→x/a; z/*→x/a")),
        One(7, "should enforce policy based on PodSelector with MatchExpressions",
            [Np("allow-b", $"{PodA}, ingress: [{{from: [{{podSelector: {{matchExpressions: [{{key: pod, operator: In, values: [b]}}]}}}}]}}]")], Tcp(80, "*→x/a except x/b")),
        One(8, "should enforce policy based on NamespaceSelector with MatchExpressions",
            [Np("allow-y", $"{PodA}, ingress: [{{from: [{{namespaceSelector: {{matchExpressions: [{{key: kubernetes.io/metadata.name, operator: In, values: [y]}}]}}}}]}}]")],
            Tcp(80, "x/*→x/a; z/*→x/a")),
        One(9, "should enforce policy based on PodSelector or NamespaceSelector",
            [Np("allow-not-x-or-b", $"{PodA}, ingress: [{{from: [{{{NsNotX}}}, {{podSelector: {{matchLabels: {{pod: b}}}}}}]}}]")], Tcp(80, "x/c→x/a")),
        One(10, "should enforce policy based on PodSelector and NamespaceSelector",
            [Np("allow-not-x-and-b", $"{PodA}, ingress: [{{from: [{{{NsNotX}, podSelector: {{matchLabels: {{pod: b}}}}}}]}}]")], Tcp(80, "*→x/a except y/b, z/b")),
        One(11, "should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
            [Np("allow-not-x-and-bc", $"{PodA}, ingress: [{{from: [{{{NsNotX}, podSelector: {{matchExpressions: [{{key: pod, operator: In, values: [b, c]}}]}}}}]}}]")],
            Tcp(80, "*→x/a except y/b, y/c, z/b, z/c")),
        One(12, "should enforce policy based on any PodSelectors",
            [Np("allow-b-or-c", $"{PodA}, ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: b}}}}}}, {{podSelector: {{matchLabels: {{pod: c}}}}}}]}}]")],
            Tcp(80, "*→x/a except x/b, x/c")),
        One(13, "should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
            [Np("allow-y-a", $"{PodA}, ingress: [{{from: [{{{NsY}, {PodA}}}]}}]")], Tcp(80, "*→x/a except y/a")),
        One(14, "should enforce policy based on Ports",
            [Np("allow-y-81", $"{PodA}, ingress: [{{from: [{{{NsY}}}], ports: [{{port: 81, protocol: TCP}}]}}]")], Tcp(81, "x/*→x/a; z/*→x/a")),
        new(15, "should enforce multiple, stacked policies with overlapping podSelectors",
        [
            new() { Apply = [Np("allow-y-81", $"{PodA}, ingress: [{{from: [{{{NsY}}}], ports: [{{port: 81, protocol: TCP}}]}}]")], Probes = [Tcp(81, "x/*,z/*→x/a"), Tcp(80, "*→x/a")] },
            new() { Apply = [Np("allow-y-80", $"{PodA}, ingress: [{{from: [{{{NsY}}}], ports: [{{port: 80, protocol: TCP}}]}}]")], Probes = [Tcp(80, "x/*,z/*→x/a"), Tcp(81, "x/*,z/*→x/a")] },
        ]),
        One(16, "should support allow-all policy", [Np("allow-all", $"{Everyone}, ingress: [{{}}]")], Tcp(80, "none"), Tcp(81, "none")),
        One(17, "should allow ingress access on one named port", [Np("allow-81", $"{Everyone}, ingress: [{{ports: [{{port: serve-81-tcp}}]}}]")], Tcp(81, "none"), Tcp(80, "*→x/*")),
        One(18, "should allow ingress access from namespace on one named port",
            [Np("allow-y-80", $"{PodA}, ingress: [{{from: [{{{NsY}}}], ports: [{{port: serve-80-tcp}}]}}]")], Tcp(80, "x/*,z/*→x/a"), Tcp(81, "*→x/a")),
        One(19, "should allow egress access on one named port",
            [Np("allow-egress-80", $"{Everyone}, policyTypes: [Egress], egress: [{{ports: [{{port: serve-80-tcp}}]}}]")], Tcp(80, "none"), Tcp(81, "x/*→*")),
        new(20, "should enforce updated policy",
        [
            new() { Apply = [Np("allow-all", $"{Everyone}, ingress: [{{}}]")], Probes = [Tcp(81, "none")] },
            new() { Apply = [Np("allow-all", $"{Everyone}, ingress: []")], Probes = [Tcp(81, "*→x/*")] },
        ]),
        new(21, "should allow ingress access from updated namespace",
        [
            new() { Apply = [Np("allow-ns2", $"{PodA}, ingress: [{{from: [{{namespaceSelector: {{matchLabels: {{ns2: updated}}}}}}]}}]")], Probes = [Tcp(80, "*→x/a")] },
            new() { Label = ["namespace y ns2=updated"], Probes = [Tcp(80, "x/*,z/*→x/a")] },
        ]),
        new(22, "should allow ingress access from updated pod",
        [
            new() { Apply = [Np("allow-pod2", $"{PodA}, ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: b, pod2: updated}}}}}}]}}]")], Probes = [Tcp(80, "*→x/a")] },
            new() { Label = ["pod x/b pod2=updated"], Probes = [Tcp(80, "*→x/a except x/b")] },
        ]),
        One(23, "should deny ingress from pods on other namespaces", [Np("same-ns", $"{Everyone}, ingress: [{{from: [{{podSelector: {{}}}}]}}]")], Tcp(80, "y/*,z/*→x/*")),
        new(24, "should deny ingress access to updated pod",
        [
            new() { Apply = [Np("isolate-target", "podSelector: {matchLabels: {target: isolated}}, policyTypes: [Ingress]")], Probes = [Tcp(80, "none")] },
            new() { Label = ["pod x/a target=isolated"], Probes = [Tcp(80, "*→x/a")] },
        ]),
        One(25, "should deny egress from pods based on PodSelector", [Np("deny-egress-a", $"{PodA}, policyTypes: [Egress]")], Tcp(80, "x/a→*")),
        One(26, "should deny egress from all pods in a namespace", [Np("deny-egress", $"{Everyone}, policyTypes: [Egress]")], Tcp(80, "x/*→*")),
        One(27, "should work with Ingress, Egress specified together",
            [Np("both", $"{PodA}, policyTypes: [Ingress, Egress], ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: b}}}}}}]}}], egress: [{{ports: [{{port: 80, protocol: TCP}}]}}]")],
            Tcp(80, "*→x/a except x/b"), Tcp(81, "*→x/a except x/b; x/a→*")),
        One(28, "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)",
        [
            Np("egress-to-y-a", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{{NsY}, {PodA}}}]}}]"),
            Np("from-x-a", $"{PodA}, ingress: [{{from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: x}}}}, {PodA}}}]}}]", "y"),
            Np("from-x-a-to-b", $"podSelector: {{matchLabels: {{pod: b}}}}, ingress: [{{from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: x}}}}, {PodA}}}]}}]", "y"),
        ], Tcp(80, "x/a→* except y/a; *→y/a except x/a; *→y/b")),
        One(29, "should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
            [Np("egress-to-y-a", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{{NsY}, {PodA}}}]}}]")], Tcp(80, "x/a→* except y/a")),
        One(30, "should enforce ingress policy allowing any port traffic to a server on a specific protocol",
            [Np("tcp-only", $"{PodA}, ingress: [{{ports: [{{protocol: TCP}}]}}]")], Tcp(80, "none"), Udp(80, "*→x/a")),
        new(31, "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
        [
            new() { Apply = [Np("allow-80", $"{Everyone}, ingress: [{{ports: [{{port: 80, protocol: TCP}}]}}]")], Probes = [Tcp(81, "*→x/*")] },
            new() { Apply = [Np("allow-all", $"{Everyone}, ingress: [{{}}]")], Probes = [Tcp(81, "none")] },
        ]),
        new(32, "should enforce multiple egress policies with egress allow-all policy taking precedence",
        [
            new() { Apply = [Np("egress-80", $"{Everyone}, policyTypes: [Egress], egress: [{{ports: [{{port: 80, protocol: TCP}}]}}]")], Probes = [Tcp(81, "x/*→*")] },
            new() { Apply = [Np("egress-all", $"{Everyone}, policyTypes: [Egress], egress: [{{}}]")], Probes = [Tcp(81, "none")] },
        ]),
        new(33, "should stop enforcing policies after they are deleted",
        [
            new() { Apply = [Np("deny-all", $"{Everyone}, policyTypes: [Ingress, Egress]")], Probes = [Tcp(80, "*→x/*; x/*→*")] },
            new() { DeleteAllPolicies = true, Probes = [Tcp(80, "none")] },
        ]),
        One(34, "should allow egress access to server in CIDR block",
            [Np("egress-cidr", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{ipBlock: {{cidr: '{{ip:y/b}}/32'}}}}]}}]")], Tcp(80, "x/a→* except y/b")),
        One(35, "should enforce except clause while egress access to server in CIDR block",
            [Np("egress-cidr", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{ipBlock: {{cidr: '{{pods}}', except: ['{{ip:x/b}}/32']}}}}]}}]")], Tcp(80, "x/a→x/b")),
        new(36, "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed",
        [
            new() { Apply = [Np("egress-cidr", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{ipBlock: {{cidr: '{{pods}}', except: ['{{ip:x/b}}/32']}}}}]}}]")], Probes = [Tcp(80, "x/a→x/b")] },
            new() { Apply = [Np("egress-cidr", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{ipBlock: {{cidr: '{{ip:x/b}}/32'}}}}]}}]")], Probes = [Tcp(80, "x/a→* except x/b")] },
        ]),
        new(37, "should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector",
        [
            new() { Apply = [Np("egress-all-a", $"{PodA}, policyTypes: [Egress], egress: [{{}}]")], Probes = [Tcp(80, "none")] },
            new() { Apply = [Np("deny-ingress-a", $"{PodA}, policyTypes: [Ingress]")], Probes = [Tcp(80, "*→x/a")] },
        ]),
        One(38, "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
            [Np("deny-ingress", $"{Everyone}, policyTypes: [Ingress]"), Np("sctp-81", $"{PodA}, ingress: [{{ports: [{{port: 81, protocol: SCTP}}]}}]")], Tcp(81, "*→x/*")),
        One(39, "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
            [Np("sctp-80", $"{PodA}, ingress: [{{ports: [{{port: 80, protocol: SCTP}}]}}]")], Tcp(81, "*→x/a")),
        One(40, "should not allow access by TCP when a policy specifies only UDP",
            [Np("udp-81", $"{PodA}, ingress: [{{ports: [{{port: 81, protocol: UDP}}]}}]")], Tcp(81, "*→x/a")),
        One(41, "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
            [Np("allow-y", $"{PodA}, ingress: [{{from: [{{{NsY}}}]}}]")], Tcp(80, "x/*→x/a; z/*→x/a")),
        One(42, "should enforce policy based on NamespaceSelector with MatchExpressions using default ns label",
            [Np("egress-not-y", $"{PodA}, policyTypes: [Egress], egress: [{{to: [{{namespaceSelector: {{matchExpressions: [{{key: kubernetes.io/metadata.name, operator: NotIn, values: [y]}}]}}}}]}}]")],
            Tcp(80, "x/a→y/*")),
        One(43, "(UDP) should support a 'default-deny-ingress' policy", [Np("deny-ingress", $"{Everyone}, policyTypes: [Ingress]")], Udp(80, "*→x/*")),
        One(44, "(UDP) should enforce policy based on Ports",
            [Np("allow-y-81", $"{PodA}, ingress: [{{from: [{{{NsY}}}], ports: [{{port: 81, protocol: UDP}}]}}]")], Udp(81, "x/*,z/*→x/a")),
        One(45, "(UDP) should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
            [Np("allow-y-a", $"{PodA}, ingress: [{{from: [{{{NsY}, {PodA}}}]}}]")], Udp(80, "*→x/a except y/a")),

        // Not covered upstream.
        One(101, "endPort 53-80 on TCP admits exactly the range", [Np("range", $"{PodA}, ingress: [{{ports: [{{port: 53, endPort: 80, protocol: TCP}}]}}]")],
            ToA(52, "tcp", "*→x/a"), ToA(53, "tcp", "none"), ToA(80, "tcp", "none"), ToA(81, "tcp", "*→x/a")),
        One(102, "endPort 53-84 on TCP admits exactly the range", [Np("range", $"{PodA}, ingress: [{{ports: [{{port: 53, endPort: 84, protocol: TCP}}]}}]")],
            ToA(52, "tcp", "*→x/a"), ToA(53, "tcp", "none"), ToA(81, "tcp", "none"), ToA(84, "tcp", "none"), ToA(85, "tcp", "*→x/a")),
        One(103, "endPort 53-80 on UDP admits exactly the range", [Np("range", $"{PodA}, ingress: [{{ports: [{{port: 53, endPort: 80, protocol: UDP}}]}}]")],
            ToA(52, "udp", "*→x/a"), ToA(53, "udp", "none"), ToA(80, "udp", "none"), ToA(81, "udp", "*→x/a"), ToA(80, "tcp", "*→x/a")),
        One(104, "endPort 53-84 on UDP admits exactly the range", [Np("range", $"{PodA}, ingress: [{{ports: [{{port: 53, endPort: 84, protocol: UDP}}]}}]")],
            ToA(52, "udp", "*→x/a"), ToA(53, "udp", "none"), ToA(81, "udp", "none"), ToA(84, "udp", "none"), ToA(85, "udp", "*→x/a")),
        new(105, "deleted and re-created pods get the policies in place (as target and as peer)",
        [
            new() { Apply = [Np("allow-b", $"{PodA}, ingress: [{{from: [{{podSelector: {{matchLabels: {{pod: b}}}}}}]}}]")], Probes = [Tcp(80, "*→x/a except x/b")] },
            new() { Recreate = ["x/a", "x/b"], Probes = [Tcp(80, "*→x/a except x/b"), Udp(81, "*→x/a except x/b")] },
        ]),
        new(106, "removing a pod or namespace label takes back what it granted",
        [
            new() { Apply = [Np("allow-pod2", $"{PodA}, ingress: [{{from: [{{podSelector: {{matchLabels: {{pod2: updated}}}}}}, {{namespaceSelector: {{matchLabels: {{ns2: updated}}}}}}]}}]")], Label = ["pod x/c pod2=updated", "namespace z ns2=updated"], Probes = [Tcp(80, "x/b→x/a; y/*→x/a")] },
            new() { Label = ["pod x/c pod2-", "namespace z ns2-"], Probes = [Tcp(80, "*→x/a")] },
        ]),
    ];

    /// <summary>A NetworkPolicy named <paramref name="name"/> in <paramref name="ns"/> with <paramref name="spec"/> (the inside of a YAML flow mapping).</summary>
    private static string Np(string name, string spec, string ns = "x") => $$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec: {{{spec}}}
        """;

    private static ConformanceCase One(int number, string upstream, IReadOnlyList<string> policies, params ConformanceProbe[] probes) =>
        new(number, upstream, [new ConformanceStep { Apply = policies, Probes = probes }]);

    private static ConformanceProbe Tcp(int port, string denied) => new(port, "tcp", denied);

    private static ConformanceProbe Udp(int port, string denied) => new(port, "udp", denied);

    // Only x/a serves the extra ports of the endPort cases.
    private static ConformanceProbe ToA(int port, string protocol, string denied) => new(port, protocol, denied, "x/a");
}

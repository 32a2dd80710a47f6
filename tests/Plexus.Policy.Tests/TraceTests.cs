namespace Plexus.Policy.Tests;

/// <summary><see cref="PolicyEvaluator.Trace"/>: both lookups, the defaults and a summary naming the rules, always agreeing with Decide.</summary>
public class TraceTests
{
    private const string Deny = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: x}
        spec:
          endpointSelector: {matchLabels: {pod: b}}
          ingress:
          - fromEndpoints: [{}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
          ingressDeny:
          - fromEndpoints: [{matchLabels: {pod: a}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;

    [Fact]
    public void Explicit_deny_names_the_deny_section_and_keeps_the_any_peer_allow_as_lookup_B()
    {
        var cluster = new Cluster().Apply(Deny);
        cluster.Compute();

        var trace = PolicyEvaluator.Trace(cluster.PolicyOf("x/b"), PolicyDirection.Ingress, Cluster.Identity("x/a"), IpProtocols.Tcp, 80);

        Assert.Equal((PolicyDecision.Denied, 181, 2, "DROPPED"), (trace.Verdict.Decision, trace.Verdict.PolicyReason, trace.Verdict.FlowVerdict, trace.Verdict.FlowVerdictName));
        Assert.Equal(["CiliumNetworkPolicy/x/web rule#0 ingressDeny#0"], trace.PeerMatch!.Sources);
        Assert.Equal(EntryVerdict.Deny, trace.PeerMatch.Verdict);
        Assert.Null(trace.AnyPeerMatch); // `{}` selects the namespace's pods by identity, not identity 0
        Assert.True(trace.Defaults.DefaultDeny);
        Assert.Equal(["CiliumNetworkPolicy/x/web rule#0"], trace.Defaults.EnforcedBy);
        Assert.Equal("DROPPED 181 POLICY_DENY: denied by CiliumNetworkPolicy/x/web rule#0 ingressDeny#0", trace.Summary);
    }

    [Fact]
    public void Allowed_default_deny_and_not_enforced_traces_explain_themselves()
    {
        var cluster = new Cluster().Apply(Deny);
        cluster.Compute();

        var allowed = PolicyEvaluator.Trace(cluster.PolicyOf("x/b"), PolicyDirection.Ingress, Cluster.Identity("x/c"), IpProtocols.Tcp, 80);
        var byDefault = PolicyEvaluator.Trace(cluster.PolicyOf("x/b"), PolicyDirection.Ingress, Cluster.Identity("x/c"), IpProtocols.Tcp, 81);
        var open = PolicyEvaluator.Trace(cluster.PolicyOf("x/b"), PolicyDirection.Egress, Cluster.Identity("x/c"), IpProtocols.Tcp, 81);

        Assert.Equal("FORWARDED: allowed by CiliumNetworkPolicy/x/web rule#0 ingress#0", allowed.Summary);
        Assert.Equal((PolicyDecision.DeniedByDefault, 133), (byDefault.Verdict.Decision, byDefault.Verdict.DropReason));
        Assert.Equal("DROPPED 133 POLICY_DENIED: no rule allows it and ingress is default-deny (CiliumNetworkPolicy/x/web rule#0)", byDefault.Summary);
        Assert.Equal("FORWARDED: no policy enforces egress (allow-all)", open.Summary);
    }

    [Fact]
    public void Audit_mode_reports_AUDIT_with_the_would_be_reason()
    {
        var entries = new List<PolicyEntry>
        {
            new(new PolicyKey(PolicyDirection.Egress, 0, IpProtocols.Tcp, PortPrefix.Single(25)), EntryVerdict.Deny, 0, ["CiliumNetworkPolicy/x/smtp rule#0 egressDeny#0"]),
        };
        var policy = new EndpointPolicy
        {
            EndpointId = 1, Identity = 300, Revision = 1, Ingress = DirectionPolicy.Open,
            Egress = new DirectionPolicy(true, true, ["CiliumNetworkPolicy/x/smtp rule#0"]), Entries = entries,
        };

        var trace = PolicyEvaluator.Trace(policy, PolicyDirection.Egress, 2, IpProtocols.Tcp, 25);

        Assert.Null(trace.PeerMatch);
        Assert.Same(entries[0], trace.AnyPeerMatch);
        Assert.Equal((true, 4, "AUDIT", 0, 181), (trace.Verdict.Forwarded, trace.Verdict.FlowVerdict, trace.Verdict.FlowVerdictName, trace.Verdict.DropReason, trace.Verdict.PolicyReason));
        Assert.StartsWith("AUDIT 181 POLICY_DENY", trace.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_agrees_with_Decide_for_every_pair_and_port()
    {
        var cluster = new Cluster().Apply(Deny);
        cluster.Compute();
        foreach (var pod in Cluster.PodNames)
        {
            foreach (var peer in Cluster.PodNames)
            {
                foreach (var port in new[] { 79, 80, 81 })
                {
                    foreach (var direction in new[] { PolicyDirection.Ingress, PolicyDirection.Egress })
                    {
                        var policy = cluster.PolicyOf(pod);
                        Assert.Equal(
                            PolicyEvaluator.Decide(policy, direction, Cluster.Identity(peer), IpProtocols.Tcp, port),
                            PolicyEvaluator.Trace(policy, direction, Cluster.Identity(peer), IpProtocols.Tcp, port).Verdict);
                    }
                }
            }
        }
    }
}

using FsCheck;
using FsCheck.Fluent;

namespace Plexus.Policy.Tests;

/// <summary>The datapath-mirroring evaluator against the plain semantics of compiled rules.</summary>
public class EvaluatorTests
{
    private static readonly uint[] Identities = [0, 256, 257];
    private static readonly byte[] Protocols = [IpProtocols.Any, IpProtocols.Tcp, IpProtocols.Udp];

    [Fact]
    public void Decide_equals_deny_wins_semantics_on_random_rule_sets()
    {
        // random rules (identity, protocol, port range, verdict) → compiled like the compiler does → lookups
        var rule = from identity in Gen.Elements(Identities)
                   from protocol in Gen.Elements(Protocols)
                   from first in Gen.Choose(0, 300)
                   from width in Gen.Choose(0, 40)
                   from deny in Gen.Elements(false, true)
                   select (identity, protocol, first, last: Math.Min(first + width, 65535), deny);
        var cases = (from all in rule.ListOf()
                     let rules = all.Take(6).ToList()
                     from peer in Gen.Elements(256u, 257u, 258u)
                     from protocol in Gen.Elements(IpProtocols.Tcp, IpProtocols.Udp)
                     from port in Gen.Choose(0, 350)
                     from defaultDeny in Gen.Elements(false, true)
                     select (rules, peer, protocol, port, defaultDeny)).ToArbitrary();

        Prop.ForAll(cases, c =>
        {
            var entries = Compile(c.rules);
            var defaults = new DirectionPolicy(c.defaultDeny, false, []);
            var verdict = PolicyEvaluator.Decide(entries, defaults, PolicyDirection.Ingress, c.peer, c.protocol, c.port);

            bool Matches((uint identity, byte protocol, int first, int last, bool deny) r) =>
                (r.identity == 0 || r.identity == c.peer)
                && (r.protocol == IpProtocols.Any || (r.protocol == c.protocol && c.port >= r.first && c.port <= r.last));
            var expected = c.rules.Any(r => r.deny && Matches(r)) ? PolicyDecision.Denied
                : c.rules.Any(r => !r.deny && Matches(r)) ? PolicyDecision.Allowed
                : c.defaultDeny ? PolicyDecision.DeniedByDefault : PolicyDecision.NotEnforced;
            return verdict.Decision == expected;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Explicit_deny_reports_reason_181_and_missing_allow_133()
    {
        var entries = new List<PolicyEntry>
        {
            new(new PolicyKey(PolicyDirection.Ingress, 256, IpProtocols.Tcp, PortPrefix.Single(22)), EntryVerdict.Deny, 0, ["deny"]),
            new(new PolicyKey(PolicyDirection.Ingress, 0, IpProtocols.Tcp, PortPrefix.All), EntryVerdict.Allow, 0, ["allow"]),
        };
        var defaults = new DirectionPolicy(true, false, ["p"]);

        var denied = PolicyEvaluator.Decide(entries, defaults, PolicyDirection.Ingress, 256, IpProtocols.Tcp, 22);
        var allowed = PolicyEvaluator.Decide(entries, defaults, PolicyDirection.Ingress, 256, IpProtocols.Tcp, 23);
        var dropped = PolicyEvaluator.Decide(entries, defaults, PolicyDirection.Ingress, 256, IpProtocols.Udp, 23);

        Assert.Equal((181, 2, "deny"), (denied.DropReason, denied.FlowVerdict, denied.Entry!.Sources[0]));
        Assert.Equal((0, 1, "allow"), (allowed.DropReason, allowed.FlowVerdict, allowed.Entry!.Sources[0]));
        Assert.Equal((133, 2), (dropped.DropReason, dropped.FlowVerdict));
    }

    /// <summary>Runs the compiler's merge on hand-made sections, through a repository-free path.</summary>
    private static List<PolicyEntry> Compile(List<(uint identity, byte protocol, int first, int last, bool deny)> rules)
    {
        var entries = new Dictionary<PolicyKey, (EntryVerdict, HashSet<string>)>();
        var sections = rules.Select((r, i) => (r, section: new CompiledSection
        {
            Id = $"rule#{i}",
            Direction = PolicyDirection.Ingress,
            Verdict = r.deny ? EntryVerdict.Deny : EntryVerdict.Allow,
            Ports = [new PortSpec(r.protocol, r.first, r.last, null)],
        }));
        foreach (var (r, section) in sections)
        {
            var prefixes = r.protocol == IpProtocols.Any ? [PortPrefix.All] : PortPrefix.FromRange(r.first, r.last);
            foreach (var prefix in prefixes)
            {
                PolicyCompiler.Add(entries, new PolicyKey(PolicyDirection.Ingress, r.identity, r.protocol, prefix), section);
            }
        }

        return PolicyCompiler.Finish(entries);
    }
}

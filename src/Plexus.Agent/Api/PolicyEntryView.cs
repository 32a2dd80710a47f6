using Plexus.Policy;

namespace Plexus.Agent.Api;

/// <summary>A policy map entry as a trace shows it.</summary>
/// <param name="Identity">Peer identity of the key (0 = any peer).</param>
/// <param name="Protocol">Protocol name (<c>any</c>, <c>tcp</c>, …).</param>
/// <param name="Ports">Port prefix: <c>80</c>, <c>80/14</c> or <c>*</c>.</param>
/// <param name="Verdict"><c>allow</c> or <c>deny</c>.</param>
/// <param name="Sources">The rules that produced it.</param>
public sealed record PolicyEntryView(uint Identity, string Protocol, string Ports, string Verdict, IReadOnlyList<string> Sources)
{
    /// <summary>The view of <paramref name="entry"/>; null for none.</summary>
    public static PolicyEntryView? From(PolicyEntry? entry) => entry is null ? null : new(
        entry.Key.Identity,
        IpProtocols.Name(entry.Key.Protocol),
        entry.Key.Protocol == IpProtocols.Any ? "*" : entry.Key.Ports.ToString(),
        entry.Verdict == EntryVerdict.Deny ? "deny" : "allow",
        entry.Sources);
}

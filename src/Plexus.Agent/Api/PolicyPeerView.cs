namespace Plexus.Agent.Api;

/// <summary>The identity on the other side of a traced connection and how the agent found it.</summary>
/// <param name="Identity">Its number.</param>
/// <param name="Labels">Its labels (<c>source:key=value</c>), empty when unknown.</param>
/// <param name="ResolvedBy"><c>identity</c> (given), <c>ipcache</c> (the datapath's ipcache map), <c>store</c> (records and CIDR identities), or <c>world</c> (no entry).</param>
/// <param name="Ip">The address it was resolved from, when one was given.</param>
public sealed record PolicyPeerView(uint Identity, IReadOnlyList<string> Labels, string ResolvedBy, string? Ip);

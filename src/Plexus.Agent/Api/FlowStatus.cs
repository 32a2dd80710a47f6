using Plexus.Flows;

namespace Plexus.Agent.Api;

/// <summary>The node's flow ring: whether events are read, capacity, flows held and added, losses by source.</summary>
/// <param name="Active">True while the datapath's events are read.</param>
/// <param name="Capacity">Flows the ring keeps.</param>
/// <param name="Count">Flows it holds now.</param>
/// <param name="Added">Flows added since the agent started.</param>
/// <param name="Lost">Events lost so far, by source.</param>
public sealed record FlowStatus(bool Active, int Capacity, int Count, long Added, IReadOnlyList<FlowLostEvents> Lost);

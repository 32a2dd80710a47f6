namespace Plexus.Datapath.Policy;

/// <summary>How full the policy maps are.</summary>
/// <param name="Endpoints">Endpoints with programmed policy.</param>
/// <param name="Entries">Policy map entries of all endpoints.</param>
/// <param name="Capacity">Maximum entries of the policy map.</param>
/// <param name="Failed">Endpoints whose last sync failed (kept in a safe state).</param>
public sealed record PolicyMapCounts(int Endpoints, int Entries, int Capacity, int Failed);

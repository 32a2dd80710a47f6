namespace Plexus.Datapath.Policy;

/// <summary>What <see cref="IPolicyDatapath.Sync"/> did for one endpoint.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Added">Entries written that were not there.</param>
/// <param name="Updated">Entries whose value changed.</param>
/// <param name="Removed">Entries deleted.</param>
/// <param name="Error">Why the endpoint is not in the asked state, or <see cref="PolicySyncError.None"/>.</param>
/// <param name="Message">A sentence naming the endpoint and the numbers, when <paramref name="Error"/> is set.</param>
public sealed record PolicySyncResult(int EndpointId, int Added, int Updated, int Removed, PolicySyncError Error = PolicySyncError.None, string? Message = null)
{
    /// <summary>True when the endpoint is programmed as asked.</summary>
    public bool Succeeded => Error == PolicySyncError.None;

    /// <summary>True when nothing had to be written.</summary>
    public bool Unchanged => Succeeded && Added == 0 && Updated == 0 && Removed == 0;
}

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>What the service controller last handed to the datapath, and how that went.</summary>
/// <param name="At">When the last sync ran; null before the first.</param>
/// <param name="Services">Services known (resources seen).</param>
/// <param name="Frontends">Frontends in the desired set.</param>
/// <param name="Added">Frontends the datapath newly programmed.</param>
/// <param name="Updated">Frontends whose backends or options changed.</param>
/// <param name="Removed">Frontends removed.</param>
/// <param name="Errors">Frontends the datapath could not program, each with a reason, and the failure of the sync itself.</param>
public sealed record ServiceSyncState(DateTimeOffset? At, int Services, int Frontends, int Added, int Updated, int Removed, IReadOnlyList<string> Errors)
{
    /// <summary>Nothing synced yet.</summary>
    public static ServiceSyncState None { get; } = new(null, 0, 0, 0, 0, 0, []);
}

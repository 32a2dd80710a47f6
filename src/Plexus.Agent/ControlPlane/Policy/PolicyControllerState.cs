namespace Plexus.Agent.ControlPlane.Policy;

/// <summary>What the policy controller's last pass did.</summary>
/// <param name="Revision">Policy repository revision computed.</param>
/// <param name="Endpoints">Local endpoints with compiled policy.</param>
/// <param name="Programmed">Endpoints written to the datapath in that pass.</param>
/// <param name="Failed">Endpoints whose programming failed (kept in a safe state, retried).</param>
/// <param name="Warnings">What the policies ask for that is not supported yet.</param>
public sealed record PolicyControllerState(long Revision, int Endpoints, int Programmed, IReadOnlyList<int> Failed, IReadOnlyList<string> Warnings)
{
    /// <summary>Before the first pass.</summary>
    public static PolicyControllerState None { get; } = new(0, 0, 0, [], []);
}

namespace Plexus.Datapath.Policy;

/// <summary>Why an endpoint's policy could not be programmed.</summary>
public enum PolicySyncError
{
    /// <summary>Programmed.</summary>
    None,

    /// <summary>The policy map has no room for the endpoint's entries (nothing of the new state was applied).</summary>
    MapFull,

    /// <summary>The endpoint id or an entry cannot be expressed in the map (nothing was applied).</summary>
    Invalid,

    /// <summary>A map operation failed (the endpoint's previous state was restored as far as possible).</summary>
    MapError,
}

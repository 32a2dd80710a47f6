namespace Plexus.Model;

/// <summary>Service session affinity.</summary>
public enum SessionAffinity
{
    /// <summary>Each connection picks a backend independently.</summary>
    None,

    /// <summary>Connections from one client address stick to one backend.</summary>
    ClientIP,
}

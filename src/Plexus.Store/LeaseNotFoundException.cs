namespace Plexus.Store;

/// <summary>A write named a lease that does not exist (never granted, expired or revoked); grant a new lease and retry.</summary>
public sealed class LeaseNotFoundException : Exception
{
    /// <summary>Creates the exception for the given lease.</summary>
    public LeaseNotFoundException(long leaseId, Exception? inner = null)
        : base($"Lease {leaseId} does not exist (expired or revoked).", inner)
    {
        LeaseId = leaseId;
    }

    /// <summary>Creates the exception.</summary>
    public LeaseNotFoundException() { }

    /// <summary>Creates the exception.</summary>
    public LeaseNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public LeaseNotFoundException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>The lease that was not found (0 when unknown).</summary>
    public long LeaseId { get; }
}

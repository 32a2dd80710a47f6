namespace Plexus.Datapath.Node;

/// <summary>The datapath could not be set up or changed; the message says what and why.</summary>
public sealed class DatapathException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatapathException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public DatapathException() { }

    /// <summary>Creates the exception.</summary>
    public DatapathException(string message) : base(message) { }
}

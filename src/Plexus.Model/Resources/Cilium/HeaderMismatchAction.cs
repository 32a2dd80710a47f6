namespace Plexus.Model;

/// <summary>Action when a header match fails.</summary>
public enum HeaderMismatchAction
{
    /// <summary><c>LOG</c>: allow and log.</summary>
    Log,

    /// <summary><c>ADD</c>: add the header.</summary>
    Add,

    /// <summary><c>DELETE</c>: remove the header.</summary>
    Delete,

    /// <summary><c>REPLACE</c>: replace the header value.</summary>
    Replace,
}

namespace Plexus.Model;

/// <summary>The outcome of reading a lab file: the topology when valid, and every error found.</summary>
public sealed record LabParseResult(LabTopology? Lab, IReadOnlyList<ManifestError> Errors)
{
    /// <summary>True when the file is a valid lab.</summary>
    public bool Ok => Lab is not null && Errors.Count == 0;
}

namespace Plexus.Model;

/// <summary>A <c>toGroups[].aws</c> entry (parsed and kept; Plexus does not resolve cloud groups).</summary>
public sealed record AwsGroup
{
    /// <summary>Instance labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = ValueMap.From(value); } = ValueMap.Empty;

    /// <summary>Security group ids.</summary>
    public IReadOnlyList<string> SecurityGroupsIds { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>Security group names.</summary>
    public IReadOnlyList<string> SecurityGroupsNames { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>Region.</summary>
    public string? Region { get; init; }
}

using System.Diagnostics.CodeAnalysis;

namespace Plexus.Model.LoadBalancing;

/// <summary>The outcome of <see cref="MaglevTable.Build"/>: the table, or why there is none.</summary>
/// <param name="Table">The table; null when the input was refused.</param>
/// <param name="Error">A sentence naming the refused value; null on success.</param>
public sealed record MaglevBuildResult(MaglevTable? Table, string? Error)
{
    /// <summary>True when <see cref="Table"/> holds the table.</summary>
    [MemberNotNullWhen(true, nameof(Table))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Table is not null;
}

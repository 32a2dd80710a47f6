namespace Plexus.Agent.Metrics;

/// <summary>One exported metric family: its name, type, help text and label names (in the order samples give values).</summary>
/// <param name="Name">The family name (<c>hubble_drop_total</c>); histogram samples add <c>_bucket</c>, <c>_sum</c>, <c>_count</c>.</param>
/// <param name="Type">Counter, gauge or histogram.</param>
/// <param name="Help">One line for <c># HELP</c> and docs/metrics.md.</param>
/// <param name="Labels">Label names; histograms add <c>le</c> to their buckets.</param>
public sealed record MetricDescriptor(string Name, MetricType Type, string Help, IReadOnlyList<string> Labels)
{
    /// <summary>The <c># TYPE</c> word.</summary>
    public string TypeName => Type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        _ => "histogram",
    };

    /// <summary>The names of the series this family produces (histograms: <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public IEnumerable<string> SeriesNames => Type == MetricType.Histogram
        ? [Name + "_bucket", Name + "_sum", Name + "_count"]
        : [Name];

    /// <summary>Reference equality: descriptors are catalogue singletons.</summary>
    public bool Equals(MetricDescriptor? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

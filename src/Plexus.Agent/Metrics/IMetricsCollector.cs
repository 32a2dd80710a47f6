namespace Plexus.Agent.Metrics;

/// <summary>A source of samples read at scrape time. Must be thread-safe (scrapes may overlap) and cheap.</summary>
public interface IMetricsCollector
{
    /// <summary>A short name for logs and <c>plexus_metrics_scrape_errors_total{collector}</c>.</summary>
    string Name { get; }

    /// <summary>Writes the collector's current samples; may throw (the exporter leaves its samples out).</summary>
    void Collect(MetricsWriter writer);
}

using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Metrics;

namespace Plexus.Agent.Tests;

/// <summary>The hand-written text format 0.0.4: escaping, grouping, histograms, and a scrape that survives a failing collector.</summary>
public sealed class MetricsWriterTests
{
    [Fact]
    public void Every_catalogue_family_has_help_and_type_and_unique_snake_case_names()
    {
        var text = new MetricsWriter().Render();
        MetricsTextFormat.Parse(text);
        foreach (var family in MetricCatalogue.All)
        {
            Assert.Matches("^[a-z_][a-z0-9_]*$", family.Name);
            Assert.Contains($"# TYPE {family.Name} {family.TypeName}\n", text, StringComparison.Ordinal);
            Assert.All(family.Labels, l => Assert.Matches("^[a-z_][a-z0-9_]*$", l));
            Assert.True(family.Type != MetricType.Counter || family.Name.EndsWith("_total", StringComparison.Ordinal), $"counter {family.Name} must end in _total");
        }

        Assert.Equal(MetricCatalogue.All.Count, MetricCatalogue.All.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Label_values_and_help_are_escaped_and_samples_of_a_family_stay_together()
    {
        var writer = new MetricsWriter();
        writer.Add(MetricCatalogue.HubbleDrops, 1, "a\"b\\c\nd", "TCP");
        writer.Add(MetricCatalogue.Endpoints, 3);
        writer.Add(MetricCatalogue.HubbleDrops, 2, "POLICY_DENIED", "UDP");

        var text = writer.Render();
        var samples = MetricsTextFormat.Parse(text);

        Assert.Contains("hubble_drop_total{reason=\"a\\\"b\\\\c\\nd\",protocol=\"TCP\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal("a\"b\\c\nd", samples.First(s => s.Name == "hubble_drop_total").Labels["reason"]);
        Assert.Equal(2, MetricsTextFormat.Value(samples, "hubble_drop_total", ("reason", "POLICY_DENIED")));
        Assert.Equal(3, MetricsTextFormat.Value(samples, "plexus_endpoints"));
    }

    [Fact]
    public void Values_use_the_formats_spellings()
    {
        Assert.Equal("+Inf", MetricsWriter.FormatValue(double.PositiveInfinity));
        Assert.Equal("-Inf", MetricsWriter.FormatValue(double.NegativeInfinity));
        Assert.Equal("NaN", MetricsWriter.FormatValue(double.NaN));
        Assert.Equal("0.25", MetricsWriter.FormatValue(0.25));

        var writer = new MetricsWriter();
        writer.Add(MetricCatalogue.ProcessResident, 123456789012);
        writer.Add(MetricCatalogue.ProcessCpu, 1.5);
        var text = writer.Render();
        Assert.Contains("process_resident_memory_bytes 123456789012\n", text, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total 1.5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_an_inf_bucket_sum_and_count()
    {
        var histogram = new Histogram([0.01, 0.1, 1]);
        foreach (var v in new[] { 0.005, 0.05, 0.05, 0.5, 5 })
        {
            histogram.Observe(v);
        }

        var writer = new MetricsWriter();
        writer.AddHistogram(MetricCatalogue.StoreDuration, histogram.Snapshot(), "get", "success");
        var samples = MetricsTextFormat.Parse(writer.Render());

        double Bucket(string le) => MetricsTextFormat.Value(samples, "plexus_store_operation_duration_seconds_bucket", ("operation", "get"), ("le", le));
        Assert.Equal(1, Bucket("0.01"));
        Assert.Equal(3, Bucket("0.1"));
        Assert.Equal(4, Bucket("1"));
        Assert.Equal(5, Bucket("+Inf"));
        Assert.Equal(5, MetricsTextFormat.Value(samples, "plexus_store_operation_duration_seconds_count"));
        Assert.Equal(5.605, MetricsTextFormat.Value(samples, "plexus_store_operation_duration_seconds_sum"), 9);
    }

    [Fact]
    public void Only_catalogue_families_with_the_right_label_count_can_be_written()
    {
        var writer = new MetricsWriter();
        var stranger = new MetricDescriptor("plexus_not_listed", MetricType.Gauge, "x", []);
        Assert.Throws<ArgumentException>(() => writer.Add(stranger, 1));
        Assert.Throws<ArgumentException>(() => writer.Add(MetricCatalogue.HubbleDrops, 1, "only-one"));
        Assert.Throws<ArgumentException>(() => writer.Add(MetricCatalogue.StoreDuration, 1, "get", "success"));
    }

    [Fact]
    public void A_failing_collector_is_left_out_and_counted_while_the_others_are_scraped()
    {
        var exporter = new MetricsExporter([new Broken(), new Fixed()], NullLogger<MetricsExporter>.Instance);

        exporter.Scrape();
        var samples = MetricsTextFormat.Parse(exporter.Scrape());

        Assert.Equal(7, MetricsTextFormat.Value(samples, "plexus_endpoints"));
        Assert.Equal(2, MetricsTextFormat.Value(samples, "plexus_metrics_scrape_errors_total", ("collector", "broken")));
        Assert.DoesNotContain(samples, s => s.Name == "plexus_services");
    }

    [Fact]
    public void Runtime_metrics_are_read_from_proc_and_the_GC()
    {
        var writer = new MetricsWriter();
        new RuntimeMetricsCollector().Collect(writer);
        var samples = MetricsTextFormat.Parse(writer.Render());

        Assert.True(MetricsTextFormat.Value(samples, "process_resident_memory_bytes") > 1 << 20);
        Assert.True(MetricsTextFormat.Value(samples, "process_cpu_seconds_total") > 0);
        Assert.True(MetricsTextFormat.Value(samples, "process_open_fds") > 0);
        Assert.True(MetricsTextFormat.Value(samples, "process_threads") > 1);
        Assert.True(MetricsTextFormat.Value(samples, "process_start_time_seconds") > 1.7e9);
        Assert.True(MetricsTextFormat.Value(samples, "dotnet_total_memory_bytes") > 0);
        Assert.True(MetricsTextFormat.Value(samples, "dotnet_collection_count_total", ("generation", "0")) >= 0);
    }

    [Fact]
    public void A_stat_line_parses_even_with_spaces_and_parentheses_in_the_command_name()
    {
        var stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 17 0 12345 1073741824 2560 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        Assert.Equal((250L, 50L, 17L, 1073741824L, 2560L), RuntimeMetricsCollector.ParseStat(stat));
        Assert.Null(RuntimeMetricsCollector.ParseStat("garbage"));
    }

    private sealed class Broken : IMetricsCollector
    {
        public string Name => "broken";

        public void Collect(MetricsWriter writer)
        {
            writer.Add(MetricCatalogue.Services, 1);
            throw new InvalidOperationException("map gone");
        }
    }

    private sealed class Fixed : IMetricsCollector
    {
        public string Name => "fixed";

        public void Collect(MetricsWriter writer) => writer.Add(MetricCatalogue.Endpoints, 7);
    }
}

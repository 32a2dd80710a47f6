using Plexus.Agent.Configuration;

namespace Plexus.Agent.Tests;

/// <summary>The metrics port and flow export settings: defaults, flags, the config file, and bad values named with their field.</summary>
public sealed class MetricsConfigTests
{
    private static readonly AgentConfigLoader.Overrides Empty = new("n1", null, null, "memory://", null, null, null, null);

    [Fact]
    public void Defaults_are_port_9962_and_no_export()
    {
        var (config, errors) = AgentConfigLoader.Load(null, null, Empty);

        Assert.Empty(errors);
        Assert.Equal(9962, config!.MetricsPort);
        Assert.Null(config.FlowExportFile);
        Assert.Equal(10L << 20, config.FlowExportMaxSize);
        Assert.Equal(5, config.FlowExportMaxFiles);
    }

    [Fact]
    public void Flags_set_port_and_export()
    {
        var (config, errors) = AgentConfigLoader.Load(null, null, Empty with
        {
            MetricsPort = 0, FlowExportFile = "/var/log/plexus/flows.log", FlowExportMaxSize = "512KiB", FlowExportMaxFiles = 3,
        });

        Assert.Empty(errors);
        Assert.Equal(0, config!.MetricsPort);
        Assert.Equal("/var/log/plexus/flows.log", config.FlowExportFile);
        Assert.Equal(512L << 10, config.FlowExportMaxSize);
        Assert.Equal(3, config.FlowExportMaxFiles);
    }

    [Fact]
    public void The_config_file_sets_them_too()
    {
        var (config, errors) = AgentConfigLoader.Load("agent.yaml", """
            node: n1
            store: {url: "memory://"}
            metricsPort: 19962
            flowExport: {file: /tmp/flows.log, maxSize: 1Mi, maxFiles: 7}
            """, new AgentConfigLoader.Overrides(null, null, null, null, null, null, null, null));

        Assert.Empty(errors);
        Assert.Equal(19962, config!.MetricsPort);
        Assert.Equal("/tmp/flows.log", config.FlowExportFile);
        Assert.Equal(1L << 20, config.FlowExportMaxSize);
        Assert.Equal(7, config.FlowExportMaxFiles);
    }

    [Fact]
    public void Bad_values_are_each_reported_with_field_and_flag()
    {
        var (config, errors) = AgentConfigLoader.Load(null, null, Empty with
        {
            MetricsPort = 70000, FlowExportFile = "", FlowExportMaxSize = "ten megs", FlowExportMaxFiles = 0,
        });

        Assert.Null(config);
        Assert.Contains(errors, e => e.Contains("metricsPort: 70000", StringComparison.Ordinal) && e.Contains("--metrics-port", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("flowExport.file", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("flowExport.maxSize: \"ten megs\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("flowExport.maxFiles: 0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10MiB", 10L << 20)]
    [InlineData("10Mi", 10L << 20)]
    [InlineData("10M", 10L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("64kb", 64L << 10)]
    [InlineData("4096", 4096)]
    [InlineData("4096B", 4096)]
    public void Sizes_take_binary_units(string text, long bytes)
    {
        Assert.True(AgentConfigLoader.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("1.5MiB")]
    [InlineData("-1")]
    [InlineData("10iB")]
    [InlineData("99999999999999999999G")]
    public void Bad_sizes_are_rejected(string text) => Assert.False(AgentConfigLoader.TryParseSize(text, out _));
}

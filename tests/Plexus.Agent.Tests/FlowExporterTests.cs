using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Flows;
using Plexus.Flows;

namespace Plexus.Agent.Tests;

/// <summary>The flow export file: Hubble JSON lines, size-based rotation by renaming, the oldest file removed.</summary>
public sealed class FlowExporterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plexus-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Flow Flow(int port) => new()
    {
        Time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Verdict = "DROPPED",
        DropReason = 133,
        DropReasonDesc = "POLICY_DENIED",
        IP = new FlowIp("10.1.0.2", "10.1.1.2", "IPv4"),
        L4 = new FlowLayer4 { Tcp = new FlowPorts(40000, port, new FlowTcpFlags { Syn = true }) },
        NodeName = "c1/n2",
    };

    [Fact]
    public void Each_flow_is_one_GetFlowsResponse_json_line()
    {
        using var exporter = Exporter(maxSize: 1 << 20, maxFiles: 2);
        exporter.Write(Flow(8080));
        exporter.WriteLost(3, DateTimeOffset.UnixEpoch);
        exporter.Flush();

        var lines = File.ReadAllLines(exporter.Path);
        Assert.Equal(2, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal("c1/n2", (string?)first["node_name"]);
        Assert.Equal("POLICY_DENIED", (string?)first["flow"]!["drop_reason_desc"]);
        Assert.Equal(8080, (int)first["flow"]!["l4"]!["TCP"]!["destination_port"]!);
        Assert.StartsWith("2026-01-02T03:04:05", (string?)first["time"], StringComparison.Ordinal);
        var lost = JsonNode.Parse(lines[1])!;
        Assert.Equal("HUBBLE_RING_BUFFER", (string?)lost["lost_events"]!["source"]);
        Assert.Equal(3, (long)lost["lost_events"]!["num_events_lost"]!);
    }

    [Fact]
    public void The_file_rotates_before_it_would_pass_the_size_and_keeps_max_files_old_ones()
    {
        var lineLength = LineLength();
        using var exporter = Exporter(maxSize: lineLength * 3, maxFiles: 2);
        for (var port = 1; port <= 10; port++)
        {
            Assert.True(exporter.Write(Flow(port)));
        }

        exporter.Flush();

        // 10 lines, 3 per file: .2 = lines 4-6 (1-3 rotated away), .1 = 7-9, live = 10.
        Assert.Equal(["flows.log", "flows.log.1", "flows.log.2"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([4, 5, 6], Ports(exporter.Path + ".2"));
        Assert.Equal([7, 8, 9], Ports(exporter.Path + ".1"));
        Assert.Equal([10], Ports(exporter.Path));
        Assert.All(Directory.GetFiles(_dir), f => Assert.True(new FileInfo(f).Length <= lineLength * 3));
    }

    [Fact]
    public void A_restarted_exporter_appends_and_counts_the_existing_size()
    {
        var lineLength = LineLength();
        using (var before = Exporter(maxSize: lineLength * 2, maxFiles: 1))
        {
            before.Write(Flow(1));
        }

        using var after = Exporter(maxSize: lineLength * 2, maxFiles: 1);
        after.Write(Flow(2));
        after.Write(Flow(3));
        after.Flush();

        Assert.Equal([1, 2], Ports(after.Path + ".1"));
        Assert.Equal([3], Ports(after.Path));
    }

    [Fact]
    public void A_line_larger_than_the_size_still_gets_a_file_of_its_own()
    {
        using var exporter = Exporter(maxSize: 10, maxFiles: 3);
        exporter.Write(Flow(1));
        exporter.Write(Flow(2));
        exporter.Flush();

        Assert.Equal([1], Ports(exporter.Path + ".1"));
        Assert.Equal([2], Ports(exporter.Path));
    }

    [Fact]
    public void A_failed_write_is_reported_and_the_next_one_recovers()
    {
        var path = Path.Combine(_dir, "sub", "flows.log");
        using var exporter = new FlowExporter(path, 1 << 20, 1, null, "c1/n2", NullLogger<FlowExporter>.Instance);
        Directory.CreateDirectory(path); // a directory where the file should be: opening fails

        Assert.False(exporter.Write(Flow(1)));
        Directory.Delete(path);
        Assert.True(exporter.Write(Flow(2)));
        exporter.Flush();
        Assert.Equal([2], Ports(path));
    }

    [Fact]
    public async Task Running_it_follows_the_flow_ring_and_flushes_what_arrives()
    {
        var ring = new FlowRing(16);
        var path = Path.Combine(_dir, "flows.log");
        using var exporter = new FlowExporter(path, 1 << 20, 1, ring, "c1/n2", NullLogger<FlowExporter>.Instance);
        await exporter.StartAsync(CancellationToken.None);
        try
        {
            // The follower subscribes once the service runs: add flows until one is on disk.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (!File.Exists(path) || new FileInfo(path).Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no flow exported within 5 s");
                ring.Add(Flow(7));
                await Task.Delay(20);
            }
        }
        finally
        {
            await exporter.StopAsync(CancellationToken.None);
        }

        Assert.All(Ports(path), p => Assert.Equal(7, p));
    }

    private FlowExporter Exporter(long maxSize, int maxFiles) =>
        new(Path.Combine(_dir, "flows.log"), maxSize, maxFiles, null, "c1/n2", NullLogger<FlowExporter>.Instance);

    private long LineLength()
    {
        var probe = Path.Combine(_dir, "probe");
        Directory.CreateDirectory(probe);
        using (var exporter = new FlowExporter(Path.Combine(probe, "x"), 1 << 20, 1, null, "c1/n2", NullLogger<FlowExporter>.Instance))
        {
            exporter.Write(Flow(5));
        }

        var length = new FileInfo(Path.Combine(probe, "x")).Length;
        Directory.Delete(probe, recursive: true);
        return length;
    }

    private static int[] Ports(string file) =>
        [.. File.ReadAllLines(file).Select(l => (int)JsonNode.Parse(l)!["flow"]!["l4"]!["TCP"]!["destination_port"]!)];
}

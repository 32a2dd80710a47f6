using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfRingBufferTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly BpfPinDirectory _pins = new();
    private readonly BpfObject _obj;
    private readonly BpfProgram _classify;

    public BpfRingBufferTests()
    {
        _obj = _pins.Guard(pins => BpfTestFiles.Load(pins, obj => obj.SetConstant("cfg", new TestConfig { Magic = 0xFEED, DropPort = 9, Count = 1 })));
        _classify = _obj.GetProgram("plx_classify");
    }

    public void Dispose()
    {
        _obj.Dispose();
        _pins.Dispose();
    }

    [Fact]
    public async Task Records_reach_the_handler_on_the_polling_thread()
    {
        var records = new ConcurrentQueue<PacketEvent>();
        var threads = new ConcurrentBag<string?>();
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        using var ring = new BpfRingBuffer(_obj.GetMap("events"), record =>
        {
            records.Enqueue(MemoryMarshal.Read<PacketEvent>(record));
            threads.Add(Thread.CurrentThread.Name);
            if (records.Count == 3)
            {
                three.TrySetResult();
            }
        });
        ring.Start(cts.Token);

        _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 9), []);
        _classify.TestRun(BpfPackets.Tcp("10.0.0.1", "10.0.0.2", 1, 443), []);
        _classify.TestRun(BpfPackets.Ethernet(BpfPackets.EtherTypeArp, new byte[28]), []);
        await three.Task.WaitAsync(Deadline);

        Assert.Equal(3, ring.RecordCount);
        Assert.All(records, r => Assert.Equal(0xFEEDu, r.Magic));
        Assert.Equal(
            [(BpfPackets.EtherTypeIPv4, BpfPackets.ProtoUdp, (ushort)9, (byte)2), (BpfPackets.EtherTypeIPv4, BpfPackets.ProtoTcp, (ushort)443, (byte)0), (BpfPackets.EtherTypeArp, (byte)0, (ushort)0, (byte)0)],
            records.Select(r => (r.EthProto, r.IpProto, r.Dport, r.Verdict)));
        Assert.All(threads, name => Assert.Equal("bpf-ringbuf events", name));

        await cts.CancelAsync();
        await ring.Completion.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Records_flow_into_a_channel_which_completes_when_the_ring_stops()
    {
        var channel = Channel.CreateUnbounded<byte[]>();
        var ring = new BpfRingBuffer(_obj.GetMap("events"), channel.Writer);
        ring.Start();

        _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 53), []);
        var record = await channel.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
        ring.Dispose();

        Assert.Equal(20, record.Length);
        Assert.Equal(53, MemoryMarshal.Read<PacketEvent>(record).Dport);
        await channel.Reader.Completion.WaitAsync(Deadline);
        await ring.Completion.WaitAsync(Deadline);
        Assert.Equal(1, ring.RecordCount);
    }

    [Fact]
    public void A_burst_reaches_a_bounded_channel_in_order_and_what_does_not_fit_is_counted()
    {
        var channel = Channel.CreateBounded<byte[]>(300);
        using var ring = new BpfRingBuffer(_obj.GetMap("events"), channel.Writer);
        for (var port = 1; port <= 500; port++)
        {
            _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, (ushort)port), []);
        }

        Assert.Equal(500, ring.Consume());

        Assert.Equal((500L, 200L), (ring.RecordCount, ring.DroppedCount));
        var ports = new List<int>();
        while (channel.Reader.TryRead(out var record))
        {
            ports.Add(MemoryMarshal.Read<PacketEvent>(record).Dport);
        }

        Assert.Equal(Enumerable.Range(1, 300), ports);
    }

    [Fact]
    public void Consume_drains_pending_records_on_the_calling_thread()
    {
        var lengths = new List<int>();
        using var ring = new BpfRingBuffer(_obj.GetMap("events"), record => lengths.Add(record.Length));

        Assert.Equal(0, ring.Consume());
        _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 53), []);
        _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 54), []);

        Assert.Equal(2, ring.Consume());
        Assert.Equal([20, 20], lengths);
        Assert.Equal(2, ring.RecordCount);
    }

    [Fact]
    public async Task A_throwing_handler_faults_completion()
    {
        using var ring = new BpfRingBuffer(_obj.GetMap("events"), _ => throw new InvalidDataException("bad record"));
        ring.Start();

        _classify.TestRun(BpfPackets.Udp("10.0.0.1", "10.0.0.2", 1, 53), []);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ring.Completion.WaitAsync(Deadline));
        Assert.Equal("bad record", e.Message);
    }

    [Fact]
    public async Task Dispose_stops_an_idle_polling_thread_promptly()
    {
        var ring = new BpfRingBuffer(_obj.GetMap("events"), _ => { });
        ring.Start();

        ring.Dispose();

        await ring.Completion.WaitAsync(Deadline);
        Assert.Throws<ObjectDisposedException>(() => ring.Consume());
    }

    [Fact]
    public void Only_ring_buffer_maps_are_accepted()
    {
        Assert.Throws<ArgumentException>(() => new BpfRingBuffer(_obj.GetMap("flows"), _ => { }));
    }
}

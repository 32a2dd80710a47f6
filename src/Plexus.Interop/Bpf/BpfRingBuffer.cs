using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>Consumes a BPF_MAP_TYPE_RINGBUF map: on a dedicated thread after <see cref="Start"/>, or synchronously with <see cref="Consume"/>.</summary>
/// <remarks>
/// The thread sleeps in poll(2) on the ring's epoll fd and an eventfd, so cancellation and <see cref="Dispose"/> wake it at
/// once; records already in the ring are drained before it stops. A handler exception stops the thread and faults
/// <see cref="Completion"/>.
/// </remarks>
public sealed unsafe class BpfRingBuffer : IDisposable
{
    private readonly BpfRecordHandler? _handler;
    private readonly ChannelWriter<byte[]>? _writer;
    private const int FlushBatch = 1024;
    private readonly List<byte[]> _pending = [];
    private readonly RingBufferHandle _ring;
    private readonly FileDescriptorHandle _wakeup;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private Exception? _handlerError;
    private long _records;
    private long _dropped;
    private int _started;
    private int _disposed;

    /// <summary>Delivers each record to <paramref name="handler"/> (on the polling thread, or the caller of <see cref="Consume"/>).</summary>
    public BpfRingBuffer(BpfMap map, BpfRecordHandler handler)
        : this(map, handler, null)
    {
    }

    /// <summary>Copies each record into <paramref name="writer"/> (counted in <see cref="DroppedCount"/> when it refuses); completes the writer when polling stops.</summary>
    public BpfRingBuffer(BpfMap map, ChannelWriter<byte[]> writer)
        : this(map, null, writer)
    {
    }

    private BpfRingBuffer(BpfMap map, BpfRecordHandler? handler, ChannelWriter<byte[]>? writer)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (handler is null && writer is null)
        {
            throw new ArgumentNullException(nameof(handler));
        }

        if (map.Type != BpfMapType.RingBuffer)
        {
            throw new ArgumentException($"map '{map.Name}' is {map.Type}, not a ring buffer", nameof(map));
        }

        _handler = handler;
        _writer = writer;
        MapName = map.Name;

        // The ring mmaps the map and polls its fd: keep the map's owner (object or pin fd) alive until the ring is freed.
        var mapOwner = map.Owner;
        var leased = false;
        mapOwner.DangerousAddRef(ref leased);
        var self = GCHandle.Alloc(this, GCHandleType.Weak);
        try
        {
            using var log = LibbpfLog.Capture();
            var ring = Libbpf.RingBufferNew(map.Fd, &OnSample, (void*)GCHandle.ToIntPtr(self), null);
            if (ring == 0)
            {
                throw new BpfException($"ring_buffer__new({map.Name})", Marshal.GetLastPInvokeError(), log.Text);
            }

            _ring = new RingBufferHandle(ring, self, mapOwner);
        }
        catch
        {
            self.Free();
            mapOwner.DangerousRelease();
            throw;
        }

        var wakeup = Libc.EventFd(0, Libc.EventFdCloseOnExec);
        if (wakeup < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ring.Dispose();
            throw new BpfException("eventfd", errno);
        }

        _wakeup = new FileDescriptorHandle(wakeup);
    }

    /// <summary>The ring buffer map's name.</summary>
    public string MapName { get; }

    /// <summary>How many records were delivered so far.</summary>
    public long RecordCount => Interlocked.Read(ref _records);

    /// <summary>How many records the channel writer refused (bounded channel full, or completed).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>
    /// How long the polling thread sleeps without a wakeup before it reads anyway (infinite by default). Producers that
    /// batch their wakeups (<c>BPF_RB_NO_WAKEUP</c> until a backlog builds) need it, so a lone record is not left waiting.
    /// Set before <see cref="Start"/>.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Completes when the polling thread stops (cancellation or <see cref="Dispose"/>); faults when a handler or poll failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the polling thread; it runs until <paramref name="cancellationToken"/> is cancelled or the ring buffer is disposed.</summary>
    public void Start(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"ring buffer '{MapName}' is already started");
        }

        _thread = new Thread(() => Run(cancellationToken))
        {
            IsBackground = true,
            Name = $"bpf-ringbuf {MapName}",
        };
        _thread.Start();
    }

    /// <summary>Delivers every record available now on the calling thread and returns how many; not allowed once <see cref="Start"/>ed.</summary>
    public int Consume()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _started) != 0)
        {
            throw new InvalidOperationException($"ring buffer '{MapName}' is consumed by its polling thread");
        }

        using var lease = new HandleLease(_ring);
        return ConsumeAvailable();
    }

    /// <summary>Stops the polling thread (after it drained the ring) and frees the ring buffer; the map itself stays.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Wake();
        var thread = _thread;
        if (thread is null)
        {
            Interlocked.Exchange(ref _started, 1);
            Finish(null);
        }
        else if (thread != Thread.CurrentThread)
        {
            thread.Join();
        }

        // Frees are deferred by the SafeHandles while the polling thread (if this is it) still holds leases.
        _ring.Dispose();
        _wakeup.Dispose();
    }

    private void Run(CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            using var ringLease = new HandleLease(_ring);
            using var wakeupLease = new HandleLease(_wakeup);
            using var registration = cancellationToken.Register(static state => ((BpfRingBuffer)state!).Wake(), this);
            var timeoutMs = PollInterval == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Max(1, PollInterval.TotalMilliseconds);
            var fds = stackalloc Libc.PollFd[2];
            fds[0] = new Libc.PollFd { Fd = Libbpf.RingBufferEpollFd(_ring.DangerousGetHandle()), Events = Libc.PollIn };
            fds[1] = new Libc.PollFd { Fd = _wakeup.Fd, Events = Libc.PollIn };
            while (true)
            {
                fds[0].ReturnedEvents = 0;
                fds[1].ReturnedEvents = 0;
                var ready = Libc.Poll(fds, 2, timeoutMs);
                if (ready < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == BpfErrors.EINTR)
                    {
                        continue;
                    }

                    throw new BpfException($"poll(ring buffer {MapName})", errno);
                }

                // A timeout (0) reads too: the producer may have left records without a wakeup.
                if (ready == 0 || fds[0].ReturnedEvents != 0 || fds[1].ReturnedEvents != 0)
                {
                    ConsumeAvailable();
                }

                if (fds[1].ReturnedEvents != 0)
                {
                    break;
                }
            }
        }
#pragma warning disable CA1031 // the thread's failure is reported through Completion and the channel
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        Finish(error);
    }

    private int ConsumeAvailable()
    {
        var rc = Libbpf.RingBufferConsume(_ring.DangerousGetHandle());
        Flush();
        if (_handlerError is { } handlerError)
        {
            _handlerError = null;
            ExceptionDispatchInfo.Throw(handlerError);
        }

        return BpfErrors.Check(rc, $"ring_buffer__consume({MapName})");
    }

    private void Deliver(ReadOnlySpan<byte> record)
    {
        if (_handler is not null)
        {
            _handler(record);
        }
        else
        {
            _pending.Add(record.ToArray());
            if (_pending.Count >= FlushBatch)
            {
                Flush();
            }
        }

        Interlocked.Increment(ref _records);
    }

    /// <summary>
    /// Hands the records of one consume (at most <see cref="FlushBatch"/> at a time) to the channel writer together:
    /// written one by one as libbpf delivers them, the writer and its reader take the channel's lock in turns for every
    /// record, and a reader that keeps up is woken for each of them.
    /// </summary>
    private void Flush()
    {
        foreach (var record in _pending)
        {
            if (!_writer!.TryWrite(record))
            {
                Interlocked.Increment(ref _dropped);
            }
        }

        _pending.Clear();
    }

    private void Finish(Exception? error)
    {
        _writer?.TryComplete(error);
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    private void Wake()
    {
        try
        {
            using var lease = new HandleLease(_wakeup);
            var one = 1UL;
            Libc.Write(_wakeup.Fd, &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Already stopped and freed.
        }
    }

    [UnmanagedCallersOnly]
    private static int OnSample(void* context, void* data, nuint size)
    {
        if (GCHandle.FromIntPtr((nint)context).Target is not BpfRingBuffer self)
        {
            return 0;
        }

        try
        {
            self.Deliver(new ReadOnlySpan<byte>(data, checked((int)size)));
            return 0;
        }
#pragma warning disable CA1031 // must not unwind into libbpf; rethrown by ConsumeAvailable
        catch (Exception e)
#pragma warning restore CA1031
        {
            self._handlerError = e;
            return -1;
        }
    }
}

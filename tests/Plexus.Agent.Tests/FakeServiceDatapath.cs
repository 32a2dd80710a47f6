using Plexus.Datapath.Services;

namespace Plexus.Agent.Tests;

/// <summary>An <see cref="IServiceDatapath"/> that records every desired set it is given (the real one needs a kernel).</summary>
internal sealed class FakeServiceDatapath : IServiceDatapath
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyList<ServiceFrontend>> _syncs = [];
    private int _calls;

    /// <summary>When set, Sync throws this instead of applying.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Errors every Sync reports.</summary>
    public IReadOnlyList<string> Errors { get; set; } = [];

    /// <summary>How many times Sync was called (also the failed ones).</summary>
    public int SyncCount { get { lock (_lock) { return _calls; } } }

    /// <summary>The last applied set; empty before the first.</summary>
    public IReadOnlyList<ServiceFrontend> Current { get { lock (_lock) { return _syncs.Count == 0 ? [] : _syncs[^1]; } } }

    public ServiceSyncResult Sync(IReadOnlyCollection<ServiceFrontend> desired)
    {
        lock (_lock)
        {
            _calls++;
            if (Failure is { } failure)
            {
                throw failure;
            }

            var before = _syncs.Count == 0 ? [] : _syncs[^1];
            _syncs.Add([.. desired]);
            var added = desired.Count(d => before.All(b => b.Key != d.Key));
            var removed = before.Count(b => desired.All(d => d.Key != b.Key));
            return new ServiceSyncResult(added, 0, removed, Errors);
        }
    }

    public IReadOnlyList<ServiceFrontendStatus> List() =>
        [.. Current.Select((f, i) => new ServiceFrontendStatus(f, i + 1, [.. f.Backends.Select((b, j) => new ServiceBackendStatus(b, j + 1, j))]))];
}

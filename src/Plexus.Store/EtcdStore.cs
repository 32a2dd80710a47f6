using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Plexus.Store;

/// <summary>
/// <see cref="IStore"/> on an etcd v3 cluster, spoken through etcd's JSON gateway (<c>/v3/…</c>) over HTTP or TLS.
/// Requests go to one endpoint at a time and fail over to the next when an endpoint cannot be reached.
/// </summary>
public sealed class EtcdStore : IStore
{
    private const string CompareEqual = "EQUAL";

    private readonly EtcdTransport _transport;
    private readonly ILogger _logger;

    /// <summary>Creates a store for <c>etcd://host:port[,host:port…]</c> or <c>etcds://…</c> (TLS with the files in <paramref name="options"/>).</summary>
    public EtcdStore(StoreOptions options, ILogger<EtcdStore>? logger = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _transport = new EtcdTransport(options, _logger);
    }

    /// <summary>The endpoints requests are sent to, in failover order.</summary>
    public IReadOnlyList<Uri> Endpoints => _transport.Endpoints;

    /// <inheritdoc />
    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        var response = await RangeAsync(new EtcdRangeRequest(Encoding.UTF8.GetBytes(key)), cancellationToken).ConfigureAwait(false);
        return response.Kvs is { Count: > 0 } kvs ? kvs[0].ToKeyValue() : null;
    }

    /// <inheritdoc />
    public async Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var (key, rangeEnd) = KeySpace.PrefixRange(prefix);
        var response = await RangeAsync(new EtcdRangeRequest(key, rangeEnd), cancellationToken).ConfigureAwait(false);
        var items = response.Kvs?.Select(kv => kv.ToKeyValue()).ToList() ?? [];
        return new ListResult(items, response.Header.Revision);
    }

    /// <inheritdoc />
    public async Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default)
    {
        var response = await WithLeaseAsync(
            lease,
            _transport.PostAsync("/v3/kv/put", Put(key, value, lease), EtcdJsonContext.Default.EtcdPutRequest, EtcdJsonContext.Default.EtcdWriteResponse, false, cancellationToken))
            .ConfigureAwait(false);
        return response.Header.Revision;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        return await DeleteRangeAsync(new EtcdDeleteRangeRequest(Encoding.UTF8.GetBytes(key)), cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var (key, rangeEnd) = KeySpace.PrefixRange(prefix);
        return DeleteRangeAsync(new EtcdDeleteRangeRequest(key, rangeEnd), cancellationToken);
    }

    /// <inheritdoc />
    public Task<CasResult> CreateAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default)
    {
        var put = Put(key, value, lease);
        var compare = new EtcdCompare(put.Key, "CREATE", CompareEqual, CreateRevision: 0);
        return WithLeaseAsync(lease, TxnAsync(compare, new EtcdRequestOp(RequestPut: put), cancellationToken));
    }

    /// <inheritdoc />
    public Task<CasResult> UpdateAsync(string key, string value, long expectedModRevision, long lease = 0, CancellationToken cancellationToken = default)
    {
        var put = Put(key, value, lease);
        var compare = new EtcdCompare(put.Key, "MOD", CompareEqual, ModRevision: expectedModRevision);
        return WithLeaseAsync(lease, TxnAsync(compare, new EtcdRequestOp(RequestPut: put), cancellationToken));
    }

    /// <inheritdoc />
    public Task<CasResult> DeleteIfAsync(string key, long expectedModRevision, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var compare = new EtcdCompare(keyBytes, "MOD", CompareEqual, ModRevision: expectedModRevision);
        return TxnAsync(compare, new EtcdRequestOp(RequestDeleteRange: new EtcdDeleteRangeRequest(keyBytes)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TxnResult> TransactAsync(
        IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure, CancellationToken cancellationToken = default)
    {
        StoreTxn.Validate(compares, onSuccess, onFailure);
        var request = new EtcdTxnRequest(
            compares.Select(Compare).ToList(), onSuccess.Select(RequestOp).ToList(), onFailure.Select(RequestOp).ToList());
        var call = _transport.PostAsync(
            "/v3/kv/txn", request, EtcdJsonContext.Default.EtcdTxnRequest, EtcdJsonContext.Default.EtcdTxnResponse, false, cancellationToken);
        var leases = onSuccess.Concat(onFailure).Where(op => op.Lease != 0).Select(op => op.Lease).Distinct().ToList();
        var response = leases.Count == 1
            ? await WithLeaseAsync(leases[0], call).ConfigureAwait(false)
            : await call.ConfigureAwait(false);

        var ran = response.Succeeded ? onSuccess : onFailure;
        var reads = new List<KeyValue?>();
        for (var i = 0; i < ran.Count; i++)
        {
            if (ran[i].Type == StoreOpType.Get)
            {
                var kvs = response.Responses is { } responses && i < responses.Count ? responses[i].ResponseRange?.Kvs : null;
                reads.Add(kvs is { Count: > 0 } ? kvs[0].ToKeyValue() : null);
            }
        }

        return new TxnResult(response.Succeeded, response.Header.Revision, reads);
    }

    /// <inheritdoc />
    public async Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var request = new EtcdLeaseRequest(0, (long)Math.Ceiling(ttl.TotalSeconds));
        var response = await _transport.PostAsync(
            "/v3/lease/grant", request, EtcdJsonContext.Default.EtcdLeaseRequest, EtcdJsonContext.Default.EtcdLeaseResponse, false, cancellationToken)
            .ConfigureAwait(false);
        return string.IsNullOrEmpty(response.Error)
            ? new Lease(response.Id, TimeSpan.FromSeconds(response.Ttl))
            : throw new InvalidOperationException($"etcd refused to grant a lease: {response.Error}");
    }

    /// <inheritdoc />
    public async Task<TimeSpan?> KeepAliveAsync(long lease, CancellationToken cancellationToken = default)
    {
        // A streaming call in gRPC; through the gateway one request yields one result and the stream ends.
        var message = await _transport.PostAsync(
            "/v3/lease/keepalive",
            new EtcdLeaseRequest(lease),
            EtcdJsonContext.Default.EtcdLeaseRequest,
            EtcdJsonContext.Default.EtcdStreamMessageEtcdLeaseResponse,
            true,
            cancellationToken).ConfigureAwait(false);
        if (message.Result is not { } result)
        {
            throw new StoreUnavailableException($"etcd failed a lease keep-alive: {message.Error}");
        }

        return result.Ttl > 0 ? TimeSpan.FromSeconds(result.Ttl) : null;
    }

    /// <inheritdoc />
    public async Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default)
    {
        try
        {
            await _transport.PostAsync(
                "/v3/lease/revoke", new EtcdLeaseRequest(lease), EtcdJsonContext.Default.EtcdLeaseRequest, EtcdJsonContext.Default.EtcdWriteResponse, true, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (LeaseNotFoundException)
        {
            // Already expired or revoked: the keys are gone either way.
        }
    }

    /// <summary>Compacts etcd's history before <paramref name="revision"/>; watches from earlier revisions then need a resync.</summary>
    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) =>
        _transport.PostAsync(
            "/v3/kv/compaction",
            new EtcdCompactionRequest(revision, Physical: true),
            EtcdJsonContext.Default.EtcdCompactionRequest,
            EtcdJsonContext.Default.EtcdWriteResponse,
            true,
            cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _transport.Stopping);
        using var stream = new EtcdWatchStream(_transport, _logger, prefix, fromRevision);
        while (true)
        {
            var batch = await stream.NextAsync(stopping.Token).ConfigureAwait(false);
            foreach (var watchEvent in batch)
            {
                yield return watchEvent;
                if (watchEvent.Type == WatchEventType.ResyncRequired)
                {
                    yield break;
                }
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _transport.Dispose();
        return ValueTask.CompletedTask;
    }

    private static EtcdPutRequest Put(string key, string value, long lease)
    {
        KeySpace.Validate(key);
        ArgumentNullException.ThrowIfNull(value);
        return new EtcdPutRequest(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), lease);
    }

    private static EtcdCompare Compare(StoreCompare compare)
    {
        var key = Encoding.UTF8.GetBytes(compare.Key);
        return compare.Target switch
        {
            StoreCompareTarget.CreateRevision => new EtcdCompare(key, "CREATE", CompareEqual, CreateRevision: compare.Revision),
            StoreCompareTarget.ModRevision => new EtcdCompare(key, "MOD", CompareEqual, ModRevision: compare.Revision),
            StoreCompareTarget.Value => new EtcdCompare(key, "VALUE", CompareEqual, Value: Encoding.UTF8.GetBytes(compare.Value ?? string.Empty)),
            _ => throw new ArgumentException($"unknown compare target {compare.Target}", nameof(compare)),
        };
    }

    private static EtcdRequestOp RequestOp(StoreOp op) => op.Type switch
    {
        StoreOpType.Put => new EtcdRequestOp(RequestPut: Put(op.Key, op.Value!, op.Lease)),
        StoreOpType.Delete => new EtcdRequestOp(RequestDeleteRange: new EtcdDeleteRangeRequest(Encoding.UTF8.GetBytes(op.Key))),
        StoreOpType.Get => new EtcdRequestOp(RequestRange: new EtcdRangeRequest(Encoding.UTF8.GetBytes(op.Key))),
        _ => throw new ArgumentException($"unknown op type {op.Type}", nameof(op)),
    };

    // etcd names no lease in its error; the caller knows which one it sent.
    private static async Task<T> WithLeaseAsync<T>(long lease, Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (LeaseNotFoundException e)
        {
            throw new LeaseNotFoundException(lease, e);
        }
    }

    private Task<EtcdRangeResponse> RangeAsync(EtcdRangeRequest request, CancellationToken cancellationToken) =>
        _transport.PostAsync("/v3/kv/range", request, EtcdJsonContext.Default.EtcdRangeRequest, EtcdJsonContext.Default.EtcdRangeResponse, true, cancellationToken);

    private async Task<long> DeleteRangeAsync(EtcdDeleteRangeRequest request, CancellationToken cancellationToken)
    {
        var response = await _transport.PostAsync(
            "/v3/kv/deleterange", request, EtcdJsonContext.Default.EtcdDeleteRangeRequest, EtcdJsonContext.Default.EtcdWriteResponse, false, cancellationToken)
            .ConfigureAwait(false);
        return response.Deleted;
    }

    private async Task<CasResult> TxnAsync(EtcdCompare compare, EtcdRequestOp onSuccess, CancellationToken cancellationToken)
    {
        var response = await _transport.PostAsync(
            "/v3/kv/txn",
            new EtcdTxnRequest([compare], [onSuccess]),
            EtcdJsonContext.Default.EtcdTxnRequest,
            EtcdJsonContext.Default.EtcdTxnResponse,
            false,
            cancellationToken).ConfigureAwait(false);
        return new CasResult(response.Succeeded, response.Header.Revision);
    }
}

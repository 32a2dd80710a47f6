namespace Plexus.Policy;

/// <summary>What <see cref="PolicyRepository.Compute"/> changed: only these endpoints need reprogramming.</summary>
/// <param name="Revision">Repository revision the results are computed at.</param>
/// <param name="Changed">Endpoints whose compiled policy differs from the last computed one (new endpoints included).</param>
/// <param name="Removed">Endpoint ids whose policy is gone (endpoint removed).</param>
/// <param name="Recomputed">How many endpoints were recompiled (changed or not): a measure of the incremental work.</param>
public sealed record PolicyUpdate(long Revision, IReadOnlyList<EndpointPolicy> Changed, IReadOnlyList<int> Removed, int Recomputed);

using System.Globalization;
using System.Net;

namespace Plexus.Cli.Bench;

/// <summary>
/// ClusterIP services installed on one side for the <c>services</c> scenario: service <c>i</c> (1-based) is
/// <see cref="Name"/>(i) at <see cref="Vip"/>(i) port <see cref="Port"/>/TCP, and every one of them has the server pod as
/// its only backend. Services only accumulate: <see cref="InstallAsync"/> adds the missing ones up to a count, so the
/// service installed last is always the highest-numbered one.
/// </summary>
public abstract class BenchServices
{
    /// <summary>The port every service listens on.</summary>
    public const int Port = 80;

    /// <summary>The most services a side can hold (the VIPs are 10.100.0.1–10.100.255.254, inside the lab's 10.96.0.0/12).</summary>
    public const int MaxCount = 65534;

    /// <summary>How many services are installed.</summary>
    public int Count { get; protected set; }

    /// <summary>The cluster IP of service <paramref name="index"/>: 10.100.0.0 + index.</summary>
    public static IPAddress Vip(int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, MaxCount);
        return new IPAddress([10, 100, (byte)(index >> 8), (byte)index]);
    }

    /// <summary>The name of service <paramref name="index"/>: <c>svc-00001</c>…</summary>
    public static string Name(int index) => "svc-" + index.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>
    /// Installs services <see cref="Count"/> + 1 … <paramref name="count"/>, each forwarding to the server pod's
    /// <paramref name="targetPort"/>, reporting progress; returns when the side's own install step has finished (the
    /// caller waits for the last VIP to answer).
    /// </summary>
    public abstract Task InstallAsync(int count, int targetPort, Action<string> progress, CancellationToken cancellationToken);
}

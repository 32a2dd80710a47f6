using System.Text;

namespace Plexus.Interop.Namespaces;

/// <summary>Reads and writes kernel parameters under /proc/sys; /proc/sys/net follows the calling thread's network namespace, so this works inside <see cref="NetNs.Run{T}"/>.</summary>
public static class Sysctl
{
    private const string Root = "/proc/sys/";

    /// <summary>The value of <paramref name="key"/> (<c>net.ipv4.ip_forward</c>, <c>net/ipv4/ip_forward</c> or a full /proc/sys path), without the trailing newline.</summary>
    public static string Read(string key) => File.ReadAllText(PathOf(key)).TrimEnd('\n');

    /// <summary>Writes <paramref name="value"/> to <paramref name="key"/>; an invalid value fails with an <see cref="IOException"/> (EINVAL).</summary>
    public static void Write(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var file = File.OpenHandle(PathOf(key), FileMode.Open, FileAccess.Write);
        RandomAccess.Write(file, Encoding.ASCII.GetBytes(value), 0);
    }

    /// <summary>The /proc/sys path of <paramref name="key"/>; dotted keys map dots to slashes as sysctl(8) does.</summary>
    public static string PathOf(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var path = key.StartsWith('/') ? key
            : key.Contains('/') ? Root + key
            : Root + key.Replace('.', '/');
        if (!path.StartsWith(Root, StringComparison.Ordinal) || path.Split('/').Any(part => part is ".."))
        {
            throw new ArgumentException($"'{key}' is not a key under {Root}", nameof(key));
        }

        return path;
    }
}

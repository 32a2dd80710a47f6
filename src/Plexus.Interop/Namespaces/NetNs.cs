using System.Runtime.InteropServices;
using static Plexus.Interop.Namespaces.NamespaceNative;

namespace Plexus.Interop.Namespaces;

/// <summary>Named network namespaces the way iproute2 keeps them (bind mounts under /run/netns), and running code inside one.</summary>
public static partial class NetNs
{
    /// <summary>The directory holding named namespaces (NETNS_RUN_DIR).</summary>
    public const string RunDirectory = "/run/netns";

    private static readonly Lock _runDirectoryGate = new();

    /// <summary>
    /// Creates the named namespace like <c>ip netns add</c>: makes /run/netns a shared mount, then bind-mounts a fresh
    /// network namespace (unshared on a throwaway thread) onto /run/netns/<paramref name="name"/>. EEXIST if it exists.
    /// </summary>
    public static void Create(string name)
    {
        var path = PathOf(name);
        EnsureRunDirectory();

        var fd = NamespaceNative.Open(path, OReadOnly | OCreate | OExclusive | OCloExec, 0);
        if (fd < 0)
        {
            throw new NamespaceException("create netns", path, Marshal.GetLastPInvokeError());
        }

        _ = Close(fd);
        try
        {
            OnDedicatedThread(() => ReturningHome(() =>
            {
                if (Unshare(CloneNewNet) != 0)
                {
                    throw new NamespaceException("unshare netns for", path, Marshal.GetLastPInvokeError());
                }

                if (Mount("/proc/thread-self/ns/net", path, "none", MsBind, 0) != 0)
                {
                    throw new NamespaceException("bind-mount netns at", path, Marshal.GetLastPInvokeError());
                }

                return true;
            }));
        }
        catch
        {
            _ = Unlink(path);
            throw;
        }
    }

    /// <summary>Deletes the named namespace like <c>ip netns delete</c> (lazy unmount, then unlink); false if it did not exist.</summary>
    /// <remarks>The namespace and its devices go away once no process, fd or socket holds it any more.</remarks>
    public static bool Delete(string name)
    {
        var path = PathOf(name);
        if (Umount2(path, MntDetach) != 0 && Marshal.GetLastPInvokeError() is var umountErrno
            && umountErrno is not (Einval or Enoent))
        {
            throw new NamespaceException("unmount netns", path, umountErrno);
        }

        if (Unlink(path) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Enoent ? false : throw new NamespaceException("delete netns", path, errno);
    }

    /// <summary>Whether /run/netns/<paramref name="name"/> exists.</summary>
    public static bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>The names under /run/netns, sorted (what <c>ip netns list</c> shows).</summary>
    public static IReadOnlyList<string> List() =>
        Directory.Exists(RunDirectory)
            ? Directory.EnumerateFiles(RunDirectory).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Opens a namespace by name (under /run/netns) or by path (any path with a '/', e.g. /proc/1234/ns/net).</summary>
    public static NetNsHandle Open(string nameOrPath)
    {
        var path = nameOrPath.Contains('/') ? nameOrPath : PathOf(nameOrPath);
        var fd = NamespaceNative.Open(path, OReadOnly | OCloExec, 0);
        return fd >= 0 ? new NetNsHandle(fd, path) : throw new NamespaceException("open netns", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>Opens the calling thread's own network namespace.</summary>
    public static NetNsHandle OpenCurrent() => Open("/proc/thread-self/ns/net");

    /// <summary>/run/netns/<paramref name="name"/>, after checking the name is a single path component.</summary>
    public static string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/') || name is "." or ".." || name.Length > 255)
        {
            throw new ArgumentException($"'{name}' is not a valid namespace name", nameof(name));
        }

        return $"{RunDirectory}/{name}";
    }

    // iproute2's netns_add: mount --make-rshared /run/netns, bind-mounting it onto itself first if it is not a mount
    // point yet, so namespace mounts propagate to other mount namespaces and can be unmounted from anywhere.
    private static void EnsureRunDirectory()
    {
        lock (_runDirectoryGate)
        {
            Directory.CreateDirectory(RunDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var boundOntoItself = false;
            while (Mount("none", RunDirectory, "none", MsShared | MsRec, 0) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Einval || boundOntoItself)
                {
                    throw new NamespaceException("make shared mount", RunDirectory, errno);
                }

                if (Mount(RunDirectory, RunDirectory, "none", MsBind | MsRec, 0) != 0)
                {
                    throw new NamespaceException("bind-mount", RunDirectory, Marshal.GetLastPInvokeError());
                }

                boundOntoItself = true;
            }
        }
    }
}

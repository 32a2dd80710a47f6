namespace Plexus.Interop.Posix;

/// <summary>Names for Linux errno values, so failures read <c>EPERM</c> rather than <c>1</c>.</summary>
public static class Errno
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [7] = "E2BIG",
        [9] = "EBADF", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY",
        [17] = "EEXIST", [19] = "ENODEV", [20] = "ENOTDIR", [22] = "EINVAL", [24] = "EMFILE", [28] = "ENOSPC",
        [34] = "ERANGE", [36] = "ENAMETOOLONG", [39] = "ENOTEMPTY", [71] = "EPROTO", [74] = "EBADMSG",
        [75] = "EOVERFLOW", [90] = "EMSGSIZE", [93] = "EPROTONOSUPPORT", [95] = "EOPNOTSUPP", [97] = "EAFNOSUPPORT",
        [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH", [105] = "ENOBUFS",
        [110] = "ETIMEDOUT", [111] = "ECONNREFUSED", [113] = "EHOSTUNREACH", [524] = "ENOTSUPP",
    };

    /// <summary>The symbolic name of <paramref name="errno"/> (positive or negative), e.g. <c>EPERM</c>.</summary>
    public static string Name(int errno) => Names.TryGetValue(Math.Abs(errno), out var name) ? name : $"errno {Math.Abs(errno)}";
}

namespace Plexus.Interop.Posix;

/// <summary>Names for Linux errno values, so failures read <c>EPERM</c> rather than <c>1</c>.</summary>
public static class Errno
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [7] = "E2BIG", [9] = "EBADF",
        [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY", [17] = "EEXIST",
        [19] = "ENODEV", [22] = "EINVAL", [24] = "EMFILE", [28] = "ENOSPC", [34] = "ERANGE", [95] = "EOPNOTSUPP",
        [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL", [105] = "ENOBUFS", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED",
        [524] = "ENOTSUPP",
    };

    /// <summary>The symbolic name of <paramref name="errno"/> (positive or negative), e.g. <c>EPERM</c>.</summary>
    public static string Name(int errno) => Names.TryGetValue(Math.Abs(errno), out var name) ? name : $"errno {Math.Abs(errno)}";
}

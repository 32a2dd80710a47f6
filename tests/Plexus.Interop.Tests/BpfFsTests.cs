using Plexus.Interop.Bpf;

namespace Plexus.Interop.Tests;

[Trait("Category", "Privileged")]
public sealed class BpfFsTests
{
    [Fact]
    public void The_default_bpffs_is_mounted_after_EnsureMounted()
    {
        BpfFs.EnsureMounted();

        Assert.True(BpfFs.IsMounted());
        Assert.False(BpfFs.EnsureMounted());
    }

    [Fact]
    public void A_fresh_directory_gets_its_own_bpffs_mount()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plxt-bpffs-{Guid.NewGuid():N}");
        try
        {
            Assert.False(BpfFs.IsMounted(path));

            Assert.True(BpfFs.EnsureMounted(path));
            Assert.True(BpfFs.IsMounted(path));
            Assert.False(BpfFs.EnsureMounted(path));
        }
        finally
        {
            if (BpfFs.IsMounted(path))
            {
                BpfShell.Run("umount", path);
            }

            Directory.Delete(path);
        }
    }
}

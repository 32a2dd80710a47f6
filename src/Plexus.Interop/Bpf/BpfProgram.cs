using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>A program of a <see cref="BpfObject"/>: its name and type, and after load its fd and kernel id.</summary>
public sealed unsafe partial class BpfProgram
{
    private readonly BpfObjectHandle _owner;
    private readonly nint _program;
    private int _fd = -1;

    internal BpfProgram(BpfObjectHandle owner, nint program)
    {
        _owner = owner;
        _program = program;
        Name = BpfErrors.String(Libbpf.ProgramName(program));
        SectionName = BpfErrors.String(Libbpf.ProgramSectionName(program));
        Type = (BpfProgramType)Libbpf.ProgramType(program);
    }

    /// <summary>The C function name.</summary>
    public string Name { get; }

    /// <summary>The ELF section (<c>SEC("tc")</c>), which determines the type.</summary>
    public string SectionName { get; }

    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>The kernel's program id (0 before load); what tc queries report.</summary>
    public uint Id { get; private set; }

    /// <summary>True once the owning object is loaded.</summary>
    public bool IsLoaded => _fd >= 0;

    /// <summary>The program fd, owned by the object; throws before load.</summary>
    public int Fd => _fd >= 0 ? _fd : throw new InvalidOperationException($"program '{Name}' is not loaded");

    internal BpfObjectHandle Owner => _owner;

    internal void OnLoaded()
    {
        var fd = BpfErrors.Check(Libbpf.ProgramFd(_program), $"bpf_program__fd({Name})");
        Libbpf.ProgramInfo info = default;
        var length = (uint)sizeof(Libbpf.ProgramInfo);
        BpfErrors.Check(Libbpf.ObjGetInfoByFd(fd, &info, &length), $"bpf_obj_get_info_by_fd({Name})");
        Id = info.Id;
        _fd = fd;
    }
}

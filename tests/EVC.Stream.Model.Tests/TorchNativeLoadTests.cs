using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using EVC.Stream.Model;
using TorchSharp;

namespace EVC.Stream.Model.Tests;

/// <summary>
/// TorchSharp's native bridge must load from the build output and compute. On Debian 12 (libstdc++ without
/// GLIBCXX_3.4.32) that needs the patch applied by build/TorchSharpNativeFix.targets.
/// </summary>
public class TorchNativeLoadTests
{
    private const string ShimName = "libevc_glibcxx_shim.so";
    private const string Version = "GLIBCXX_3.4.32";

    [Fact]
    public void Conv2d_runs_and_gives_the_known_result()
    {
        // 3x3 image 1..9, 2x2 kernel of ones, bias 0.5: each output is the sum of a 2x2 window plus 0.5.
        using var input = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new long[] { 1, 1, 3, 3 });
        using var weight = torch.ones(1, 1, 2, 2);
        using var bias = torch.tensor(new float[] { 0.5f });

        using var output = torch.nn.functional.conv2d(input, weight, bias);

        Assert.Equal(new long[] { 1, 1, 2, 2 }, output.shape);
        Assert.Equal(new float[] { 12.5f, 16.5f, 24.5f, 28.5f }, output.data<float>().ToArray());
    }

    [Fact]
    public void NNPACK_is_switched_off_through_libtorchs_exported_context()
    {
        // The symbols are looked up by name in libtorch_cpu: a libtorch that renamed them would bring the warnings back.
        Assert.True(TorchRuntime.DisableNnpack());
    }

    [Fact]
    public void Describe_reports_the_loaded_runtime()
    {
        string description = TorchRuntime.Describe();

        Assert.StartsWith("TorchSharp ", description, StringComparison.Ordinal);
        Assert.Contains("libtorch 2.", description, StringComparison.Ordinal);
        Assert.Contains("threads ", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_libLibTorchSharp_needs_no_fix_or_carries_the_shim()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            return;

        string[] libraries = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(libraries);
        bool hostHasVersion = HostLibStdCxxHasVersion();

        foreach (string library in libraries)
        {
            var elf = NeededInfo.Read(File.ReadAllBytes(library));
            if (elf.Needed.Contains(ShimName))
            {
                // Patched: the shim resolves via RUNPATH $ORIGIN, and the version requirement must not be fatal.
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(library)!, ShimName)), $"{ShimName} missing next to {library}");
                Assert.True(!elf.HasVersion || elf.VersionWeak, $"{Version} is still a hard requirement of {library}");
            }
            else
            {
                // Unpatched: only fine where the host libstdc++ provides the version (or it is not needed).
                Assert.True(hostHasVersion || !elf.HasVersion || elf.VersionWeak,
                    $"{library} needs {Version}, which this system's libstdc++ lacks, and was not patched");
            }
        }
    }

    private static bool HostLibStdCxxHasVersion()
    {
        string[] candidates =
        {
            "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6",
        };
        string? path = candidates.FirstOrDefault(File.Exists);
        return path is not null && File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(Version + "\0")) >= 0;
    }

    /// <summary>DT_NEEDED entries and the GLIBCXX_3.4.32 Vernaux flags of an ELF64 little-endian library.</summary>
    private sealed class NeededInfo
    {
        public List<string> Needed { get; } = new();
        public bool HasVersion { get; private set; }
        public bool VersionWeak { get; private set; }

        public static NeededInfo Read(byte[] b)
        {
            Assert.True(b.Length > 64 && b[0] == 0x7f && b[1] == 'E' && b[4] == 2 && b[5] == 1, "not an ELF64 LE file");
            ulong U64(long o) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan((int)o));
            uint U32(long o) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)o));
            ushort U16(long o) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)o));
            string Str(long o) => Encoding.ASCII.GetString(b, (int)o, Array.IndexOf(b, (byte)0, (int)o) - (int)o);

            var loads = new List<(ulong Vaddr, ulong Offset, ulong Size)>();
            long dyn = -1, dynSize = 0;
            for (int i = 0; i < U16(0x38); i++)
            {
                long ph = (long)U64(0x20) + i * U16(0x36);
                if (U32(ph) == 1) loads.Add((U64(ph + 16), U64(ph + 8), U64(ph + 32)));
                if (U32(ph) == 2) (dyn, dynSize) = ((long)U64(ph + 8), (long)U64(ph + 32));
            }
            long ToOffset(ulong vaddr)
            {
                var l = loads.First(l => vaddr >= l.Vaddr && vaddr < l.Vaddr + l.Size);
                return (long)(vaddr - l.Vaddr + l.Offset);
            }

            ulong strtab = 0, verneed = 0, verneedNum = 0;
            var needed = new List<ulong>();
            for (long d = dyn; d < dyn + dynSize && U64(d) != 0; d += 16)
            {
                switch (U64(d))
                {
                    case 1: needed.Add(U64(d + 8)); break;
                    case 5: strtab = U64(d + 8); break;
                    case 0x6ffffffe: verneed = U64(d + 8); break;
                    case 0x6fffffff: verneedNum = U64(d + 8); break;
                }
            }

            var info = new NeededInfo();
            long str = ToOffset(strtab);
            info.Needed.AddRange(needed.Select(n => Str(str + (long)n)));
            long vn = verneed == 0 ? 0 : ToOffset(verneed);
            for (ulong i = 0; i < verneedNum; i++, vn += U32(vn + 12))
            {
                long aux = vn + U32(vn + 8);
                for (int j = 0; j < U16(vn + 2); j++, aux += U32(aux + 12))
                {
                    if (Str(str + U32(aux + 8)) == Version)
                    {
                        info.HasVersion = true;
                        info.VersionWeak = (U16(aux + 4) & 0x2) != 0;
                    }
                }
            }
            return info;
        }
    }
}

using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;

namespace EVC.Stream.Training;

/// <summary>
/// Mask decay (EVC, ICLR 2023, section 3): a trained teacher (e.g. EVC_LL) is turned into a smaller official
/// architecture (e.g. EVC_SS) by putting masks on the channels the student does not have and decaying them to exactly
/// zero while the RD loss keeps training everything else; then those channels are cut out (<see cref="ExportStudent"/>)
/// and the student is fine-tuned.
/// <para>
/// <b>Where the masks sit.</b> Every width that differs between teacher and student: the residual stream of each stage
/// (the output of every top-level block of <c>enc</c>/<c>dec</c> and of the DepthConv inside each DepthConvBlock:
/// residual additions tie all producers of a stream channel together, so one mask per output that joins the stream),
/// and inside blocks the DepthConv width (after <c>depth_conv</c>, so
/// its bias is masked too), the ConvFFN expansion (after its first activation), the strided residual block's inner width
/// (after <c>conv1</c>) and the upsampling block's inner width (after <c>subpel_conv</c>). The student keeps the first
/// channels of every width, so the export is a prefix slice of each parameter and the student's parameter shapes are
/// exactly the official smaller architecture's. Kept channels have no mask (a fixed 1), which makes the exported
/// student compute exactly what the masked teacher computes.
/// </para>
/// The masks are applied with forward hooks: the module tree and parameter names of the teacher stay official.
/// </summary>
public sealed class MaskDecay : IDisposable
{
    private static readonly Regex s_sitePattern = new(
        @"^(enc|dec)\.\d+$|^(enc|dec)\.\d+\.block\.0$|^(enc|dec)\.\d+\.block\.0\.depth_conv$|^(enc|dec)\.\d+\.block\.1\.conv\.1$|^enc\.\d+\.conv1$|^dec\.\d+\.subpel_conv$",
        RegexOptions.CultureInvariant);

    private readonly List<Action> _hookRemovers = [];
    private readonly SparsityLoss _sparsity;

    private MaskDecay(EvcModel teacher, EvcArchitecture student, IReadOnlyList<MaskSite> sites, SparsityLoss sparsity)
    {
        Teacher = teacher;
        Student = student;
        Sites = sites;
        _sparsity = sparsity;
        var modules = teacher.named_modules().ToDictionary(m => m.name, m => m.module);
        foreach (MaskSite site in sites)
        {
            var module = (nn.Module<Tensor, Tensor>)modules[site.Module];
            var remover = module.register_forward_hook((_, _, output) => site.Apply(output));
            _hookRemovers.Add(remover.remove);
        }
    }

    /// <summary>
    /// Puts masks on <paramref name="teacher"/> for every channel <paramref name="student"/> lacks. Every width of the
    /// student must be at most the teacher's (e.g. EVC_LL → EVC_MM or EVC_SS, EVC_MM → EVC_SS, EVC_SL → EVC_SS).
    /// </summary>
    public static MaskDecay Attach(EvcModel teacher, EvcArchitecture student, SparsityLoss sparsity)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(sparsity);
        if (teacher.Architecture.ScalableEncoders != 0 || student.ScalableEncoders != 0)
            throw new NotSupportedException("mask decay works on single-encoder architectures (see ResidualRepresentationLearning for scalable ones)");
        Dictionary<string, long> teacherWidths = Widths(teacher);
        using var studentModel = new EvcModel(student);
        Dictionary<string, long> studentWidths = Widths(studentModel);
        Device device = teacher.QBasic.device;
        var sites = new List<MaskSite>();
        foreach ((string name, long total) in teacherWidths)
        {
            long kept = studentWidths[name];
            if (kept > total)
                throw new ArgumentException($"{student.Name} is wider than {teacher.Architecture.Name} at {name} ({kept} > {total} channels): a student must be smaller");
            if (kept < total)
                sites.Add(new MaskSite(name, kept, total, device));
        }
        if (sites.Count == 0)
            throw new ArgumentException($"{student.Name} has the same widths as {teacher.Architecture.Name}: nothing to decay");
        return new MaskDecay(teacher, student, sites, sparsity);
    }

    /// <summary>Output channels of every candidate site, found with one small forward pass.</summary>
    private static Dictionary<string, long> Widths(EvcModel model)
    {
        var widths = new Dictionary<string, long>(StringComparer.Ordinal);
        var hooks = new List<Action>();
        foreach (var (name, module) in model.named_modules())
        {
            if (s_sitePattern.IsMatch(name) && module is nn.Module<Tensor, Tensor> layer)
            {
                string site = name;
                var remover = layer.register_forward_hook((_, _, output) => { widths[site] = output.shape[1]; return output; });
                hooks.Add(remover.remove);
            }
        }
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor x = zeros(1, 3, 64, 64, device: model.QBasic.device);
            model.Decoder.forward(model.Analyse(x));
        }
        finally
        {
            foreach (Action remove in hooks)
                remove();
        }
        return widths;
    }

    /// <summary>The masked teacher.</summary>
    public EvcModel Teacher { get; }

    /// <summary>The architecture the teacher decays into.</summary>
    public EvcArchitecture Student { get; }

    /// <summary>Every masked width.</summary>
    public IReadOnlyList<MaskSite> Sites { get; }

    /// <summary>The decaying mask values (one parameter per site), for the optimizer.</summary>
    public IEnumerable<Parameter> Parameters => Sites.Select(s => s.Mask);

    /// <summary>Masked channels in all.</summary>
    public long MaskedChannels => Sites.Sum(s => s.Total - s.Kept);

    /// <summary>The sparsity term to add to the RD loss at <paramref name="step"/> (zero for the paper's decay, which acts after the step).</summary>
    public Tensor Loss(long step) => _sparsity.Loss(Sites.Select(s => s.Mask), step);

    /// <summary>After the optimizer's step: the decay of the paper's regularisation (nothing for L1/L2).</summary>
    public void AfterStep(long step)
    {
        using var noGrad = no_grad();
        foreach (MaskSite site in Sites)
            _sparsity.AfterStep(site.Mask, step);
    }

    /// <summary>Masks exactly zero, the largest |mask| left, and how many are below 1e-3.</summary>
    public (long ExactlyZero, double LargestMagnitude, long BelowThreshold) Statistics()
    {
        long zero = 0, small = 0;
        double largest = 0;
        using var noGrad = no_grad();
        foreach (MaskSite site in Sites)
        {
            using Tensor values = site.Mask.detach().cpu().abs();
            foreach (float v in values.data<float>())
            {
                zero += v == 0 ? 1 : 0;
                small += v < 1e-3f ? 1 : 0;
                largest = Math.Max(largest, v);
            }
        }
        return (zero, largest, small);
    }

    /// <summary>Sets every mask to exactly zero (what pruning does to whatever is left); returns how many were not zero yet.</summary>
    public long ForceZero()
    {
        long changed = MaskedChannels - Statistics().ExactlyZero;
        using var noGrad = no_grad();
        foreach (MaskSite site in Sites)
            site.Mask.zero_();
        return changed;
    }

    /// <summary>
    /// Cuts the masked channels out: a new model of the student architecture whose every parameter is the prefix slice of
    /// the teacher's (shapes exactly the official smaller architecture's). With all masks at zero it computes what the
    /// masked teacher computes. Throws if a mask is not zero yet (call <see cref="ForceZero"/> to prune anyway).
    /// </summary>
    public EvcModel ExportStudent()
    {
        long notZero = MaskedChannels - Statistics().ExactlyZero;
        if (notZero > 0)
            throw new InvalidOperationException($"{notZero} masked channel(s) are not zero yet: decay longer or force them to zero");
        var student = new EvcModel(Student);
        Dictionary<string, Tensor> source = Teacher.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in student.named_parameters())
            parameter.copy_(LeadingChannels(source[name], parameter.shape).cpu());
        student.to(Teacher.QBasic.device);
        student.DetachFromDisposeScopes();
        return student;
    }

    /// <summary>
    /// The inverse of <see cref="ExportStudent"/>, for a teacher when only a smaller model is trained: a model of the
    /// wider <paramref name="teacher"/> architecture whose leading channels hold <paramref name="student"/>'s parameters
    /// and whose extra channels start silent — every weight that reads an extra input channel is zero, so the grown
    /// model computes exactly what the student computes, while the extra channels (fresh default initialisation on their
    /// output side) receive gradients from the first step and learn what the student could not hold.
    /// </summary>
    /// <exception cref="ArgumentException">A width of <paramref name="teacher"/> is narrower than the student's.</exception>
    public static EvcModel GrowTeacher(EvcModel student, EvcArchitecture teacher)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        var grown = new EvcModel(teacher);
        Dictionary<string, Tensor> source = student.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in grown.named_parameters())
        {
            Tensor small = source[name].to(parameter.device);
            if (parameter.dim() != small.dim())
                throw new ArgumentException($"{name}: {student.Architecture.Name} and {teacher.Name} differ in rank");
            for (int dim = 0; dim < parameter.dim(); dim++)
                if (small.shape[dim] > parameter.shape[dim])
                    throw new ArgumentException($"{teacher.Name} is narrower than {student.Architecture.Name} at {name}: grow into a wider architecture");
            // Convolution weights (out, in, kh, kw): silence the extra inputs. Depthwise weights have in = 1 in both.
            if (parameter.dim() == 4 && parameter.shape[1] > small.shape[1])
                parameter.narrow(1, small.shape[1], parameter.shape[1] - small.shape[1]).zero_();
            LeadingChannels(parameter, small.shape).copy_(small);
        }
        grown.DetachFromDisposeScopes();
        return grown;
    }

    /// <summary>The view of <paramref name="wide"/> holding its first <paramref name="shape"/> entries in every dimension (the kept channels).</summary>
    private static Tensor LeadingChannels(Tensor wide, long[] shape)
    {
        Tensor slice = wide;
        for (int dim = 0; dim < shape.Length; dim++)
            if (slice.shape[dim] != shape[dim])
                slice = slice.narrow(dim, 0, shape[dim]);
        return slice;
    }

    /// <summary>Removes the hooks: the teacher computes unmasked again.</summary>
    public void Dispose()
    {
        foreach (Action remove in _hookRemovers)
            remove();
        _hookRemovers.Clear();
        foreach (MaskSite site in Sites)
            site.Dispose();
    }
}

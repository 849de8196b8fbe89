using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using EVC.Stream.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EVC.Stream.Training.Tests;

[Collection(SharedTorchState.Name)]
public class MaskDecayTests(ITestOutputHelper output)
{
    private static string TrainFolder => TestPaths.TrainingImages;

    private static TrainingOptions Options(SparsityKind kind) => new()
    {
        BatchSize = 1, CropSize = 64, TotalSteps = 100, Seed = 4, LearningRate = 1e-4,
        Student = "EVC_SS", Sparsity = kind, SparsityWeight = 1e-2, DecaySteps = 6,
    };

    private static EvcModel Teacher()
    {
        set_num_threads(1);
        manual_seed(21);
        return new EvcModel(EvcArchitecture.Get("EVC_MM"));  // a small teacher: EVC_MM → EVC_SS
    }

    [Fact]
    public void A_grown_teacher_computes_what_the_student_computes_and_decays_back_to_it()
    {
        set_num_threads(1);
        manual_seed(6);
        using var student = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        using EvcModel grown = MaskDecay.GrowTeacher(student, EvcArchitecture.Get("EVC_MM"));
        Assert.Equal("EVC_MM", grown.Architecture.Name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        student.eval();
        grown.eval();
        Tensor x = rand(1, 3, 64, 64);
        Tensor y = student.Analyse(x), yGrown = grown.Analyse(x);
        double latent = (y - yGrown).abs().max().item<float>();
        double image = (student.Decoder.call(y) - grown.Decoder.call(y)).abs().max().item<float>();
        output.WriteLine($"grown EVC_MM vs EVC_SS: max |Δy| {latent:E1}, max |Δx̂| {image:E1}");
        Assert.True(latent < 1e-4 && image < 1e-4, $"the extra channels must start silent (|Δy| {latent}, |Δx̂| {image})");
        using var fresh = new EvcModel(EvcArchitecture.Get("EVC_MM"));
        Assert.True((fresh.Analyse(x) - yGrown).abs().max().item<float>() > 1e-2, "a fresh EVC_MM computes something else: the test can fail");

        // Masks on exactly the grown channels: forcing them to zero and exporting gives the student back, bit for bit.
        using var masks = MaskDecay.Attach(grown, EvcArchitecture.Get("EVC_SS"), new SparsityLoss(SparsityKind.Paper, 0, 1));
        masks.ForceZero();
        using EvcModel back = masks.ExportStudent();
        foreach (var (name, parameter) in student.named_parameters())
            Assert.True(parameter.eq(back.state_dict()[name]).all().item<bool>(), name);
        Assert.Throws<ArgumentException>(() => MaskDecay.GrowTeacher(grown, EvcArchitecture.Get("EVC_SS")));
    }

    [Fact]
    public async Task Paper_rule_decays_every_mask_to_exactly_zero_and_the_exported_student_is_the_masked_teacher()
    {
        EvcModel teacher = Teacher();
        await using RdTrainer trainer = RdTrainer.Start(teacher, Options(SparsityKind.Paper), TrainFolder);
        MaskDecay masks = trainer.MaskDecay!;
        Assert.Contains(masks.Sites, s => s.Module == "enc.0" && s.Kept == 64 && s.Total == 128);          // stage stream
        Assert.Contains(masks.Sites, s => s.Module == "enc.1.block.1.conv.1" && s.Kept == 256 && s.Total == 512);  // ConvFFN width
        Assert.Contains(masks.Sites, s => s.Module == "dec.5.subpel_conv" && s.Kept == 64);                 // upsampling block width
        Assert.DoesNotContain(masks.Sites, s => s.Module.StartsWith("hyper", StringComparison.Ordinal));     // priors are shared

        var largest = new List<double>();
        for (int step = 0; step < 6; step++)
        {
            await trainer.StepAsync();
            var (zero, max, _) = masks.Statistics();
            largest.Add(max);
            output.WriteLine($"step {step + 1}: {zero} of {masks.MaskedChannels} masks exactly zero, largest {max:G4}");
        }
        Assert.True(largest[2] < 1 && largest[2] > 0, "masks are decaying but not yet zero mid-way");
        Assert.Equal(0, largest[4]);  // zero by the decay itself, one step before the deadline would force it
        Assert.Equal(masks.MaskedChannels, masks.Statistics().ExactlyZero);

        // The student has the official smaller architecture's shapes and computes what the masked teacher computes.
        teacher.eval();
        using EvcModel student = masks.ExportStudent();
        string path = Path.Combine(Path.GetTempPath(), $"student-{Guid.NewGuid():N}.safetensors");
        try
        {
            WeightsFile.Save(student, path);
            using EvcModel reloaded = WeightsFile.Load(path, "EVC_SS");
            using var reference = new EvcModel(EvcArchitecture.Get("EVC_SS"));
            Assert.Equal(reference.parameters().Sum(p => p.numel()), reloaded.parameters().Sum(p => p.numel()));

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor x = rand(1, 3, 64, 128, generator: new Generator(5));
            Tensor yTeacher = teacher.Analyse(x), yStudent = reloaded.Analyse(x);
            Tensor xTeacher = teacher.Decoder.forward(yTeacher), xStudent = reloaded.Decoder.forward(yTeacher);
            double yDifference = (yTeacher - yStudent).abs().max().item<float>(), xDifference = (xTeacher - xStudent).abs().max().item<float>();
            output.WriteLine($"student vs masked teacher: max |Δy| {yDifference:E2}, max |Δx̂| {xDifference:E2}");
            Assert.True(yDifference < 1e-4 && xDifference < 1e-4);

            // Without the masks the teacher is a different function: the comparison above can fail.
            masks.Dispose();
            double unmasked = (teacher.Analyse(x) - yStudent).abs().max().item<float>();
            Assert.True(unmasked > 1e-3, $"unmasked teacher differs by only {unmasked:E2}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(SparsityKind.Paper)]
    [InlineData(SparsityKind.L1)]
    public async Task Resuming_a_mask_decay_run_reproduces_the_uninterrupted_run(SparsityKind kind)
    {
        TrainingOptions options = Options(kind) with { DecaySteps = 8 };
        string folder = Directory.CreateTempSubdirectory("evc-md-").FullName;
        try
        {
            string expectedWeights;
            float[] expectedMasks;
            await using (RdTrainer straight = RdTrainer.Start(Teacher(), options, TrainFolder))
            {
                for (int i = 0; i < 4; i++)
                    (await straight.StepAsync()).Loss.Dispose();
                expectedWeights = WeightsFile.Hash(straight.Model);
                expectedMasks = Masks(straight.MaskDecay!);
            }
            await using (RdTrainer first = RdTrainer.Start(Teacher(), options, TrainFolder))
            {
                for (int i = 0; i < 2; i++)
                    (await first.StepAsync()).Loss.Dispose();
                first.Save(folder);
            }
            manual_seed(999);
            await using RdTrainer resumed = RdTrainer.Resume(folder, TrainFolder);
            for (int i = 0; i < 2; i++)
                (await resumed.StepAsync()).Loss.Dispose();
            Assert.Equal(expectedWeights, WeightsFile.Hash(resumed.Model));
            Assert.Equal(expectedMasks, Masks(resumed.MaskDecay!));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float[] Masks(MaskDecay masks) =>
        [.. masks.Sites.SelectMany(s => s.Mask.detach().cpu().data<float>().ToArray())];

    [Theory]
    [InlineData(SparsityKind.L1)]
    [InlineData(SparsityKind.L2)]
    public async Task Lp_baselines_shrink_masks_but_do_not_zero_them(SparsityKind kind)
    {
        EvcModel teacher = Teacher();
        await using RdTrainer trainer = RdTrainer.Start(teacher, Options(kind), TrainFolder);
        MaskDecay masks = trainer.MaskDecay!;
        for (int step = 0; step < 6; step++)
            await trainer.StepAsync();
        var (zero, max, _) = masks.Statistics();
        output.WriteLine($"{kind}: {zero} of {masks.MaskedChannels} masks exactly zero after 6 steps, largest {max:G4}");
        Assert.True(zero < masks.MaskedChannels / 100, "L_p penalties do not make masks exactly zero");
        Assert.Throws<InvalidOperationException>(() => masks.ExportStudent());
        Assert.True(masks.ForceZero() > 0);
    }
}

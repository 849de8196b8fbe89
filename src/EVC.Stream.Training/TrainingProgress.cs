using System.Diagnostics;

namespace EVC.Stream.Training;

/// <summary>
/// Runs training steps and keeps what a progress bar shows: loss, bpp and PSNR smoothed over about 20 steps, steps
/// per second since the run (re)started, and a mask-decay run's mask statistics, refreshed every 10 steps.
/// </summary>
public sealed class TrainingProgress(RdTrainer trainer)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly long _startStep = trainer.Step;
    private double _loss, _bpp, _psnr;
    private MaskStatus? _masks;

    /// <summary>Trains one step (on this thread, the one that built the model: see <see cref="RdTrainer.TrainStep"/>).</summary>
    public TrainingProgressReport Step()
    {
        VariableRateRdObjective.Result result = trainer.TrainStep(CancellationToken.None);
        double value = result.Loss.item<float>();
        result.Loss.Dispose();
        long done = trainer.Step - _startStep;
        double k = done <= 1 ? 1 : 0.05;  // exponential moving average over ~20 steps
        _loss += k * (value - _loss);
        _bpp += k * (result.Bpp - _bpp);
        _psnr += k * (result.Psnr - _psnr);
        double rate = done / Stopwatch.GetElapsedTime(_start).TotalSeconds;
        if (trainer.MaskDecay is not null && (trainer.Step % 10 == 0 || trainer.Step <= 1))
        {
            var (zero, largest, _) = trainer.MaskDecay.Statistics();
            _masks = new MaskStatus(zero, trainer.MaskDecay.MaskedChannels, largest);
        }
        return new TrainingProgressReport(trainer.Step, _loss, _bpp, _psnr, rate, _masks);
    }
}

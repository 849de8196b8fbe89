namespace EVC.Stream.Training;

/// <summary>How a run's learning rate falls after its warm-up.</summary>
public enum LearningRateSchedule
{
    /// <summary>×0.1 after 80 % of the steps, ×0.01 after 95 %.</summary>
    Step,

    /// <summary>Halved whenever a validation does not improve the validation RD cost (<see cref="LearningRatePlateau"/>).</summary>
    Plateau,
}

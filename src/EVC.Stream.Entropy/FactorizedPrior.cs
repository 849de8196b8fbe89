namespace EVC.Stream.Entropy;

/// <summary>
/// The factorised ("bit estimator") prior of z: per channel a learned CDF
/// <c>F(x) = sigmoid(f4(f3(f2(f1(x)))))</c> with <c>f_k(x) = x·softplus(h_k) + b_k (+ tanh(x)·tanh(a_k))</c>, tabulated
/// over its integer support and quantised with the official quantiser. Evaluated in float32 exactly as PyTorch 1.13
/// evaluates it on the CPU, so the table equals the official one for the same weights on any machine.
/// </summary>
public static class FactorizedPrior
{
    /// <summary>Builds the z CDF table (one row per channel) from a model's bit-estimator parameters.</summary>
    /// <exception cref="EntropyCodingException">The parameters do not describe a valid table.</exception>
    public static CdfTable BuildTable(IFactorizedPriorParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new FactorizedParameters(
            parameters.GetParameter("f1.h"), parameters.GetParameter("f1.b"), parameters.GetParameter("f1.a"),
            parameters.GetParameter("f2.h"), parameters.GetParameter("f2.b"), parameters.GetParameter("f2.a"),
            parameters.GetParameter("f3.h"), parameters.GetParameter("f3.b"), parameters.GetParameter("f3.a"),
            parameters.GetParameter("f4.h"), parameters.GetParameter("f4.b"));
        (float[][] pmfs, float[] tails, int[] offsets) = FactorizedPmf.Build(values).ToQuantizerInputs();
        return CdfTable.FromPmfs(pmfs, tails, offsets);
    }
}

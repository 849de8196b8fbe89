using System.Runtime.CompilerServices;

namespace EVC.Stream.Entropy;

/// <summary>
/// Bit-exact scalar ports of the float32 CPU kernels that the official EVC code runs when it builds
/// its entropy tables and scale indexes (PyTorch 1.13 on an AVX2/FMA machine, no MKL, one thread).
/// </summary>
/// <remarks>
/// <para>
/// The ATen AVX2 kernels route every element of a contiguous float tensor through
/// <c>Vectorized&lt;float&gt;</c> (aten/src/ATen/cpu/vec/vec256/vec256_float.h), whose transcendental
/// functions call SLEEF 3.5 (<c>Sleef_expf8_u10</c>, <c>Sleef_logf8_u10</c>, <c>Sleef_log1pf8_u10</c>,
/// <c>Sleef_tanhf8_u10</c>, and in torch 1.13 also <c>Sleef_erff8_u10</c> for erf; the
/// Abramowitz-Stegun polynomial erf only arrived in later torch versions and does not match the
/// reference tables). The AVX2 build of SLEEF uses fused multiply-adds for <c>vmla</c> and for
/// its double-float helpers and is compiled with <c>-ffp-contract=off</c>, so every other operation
/// rounds on its own. Each method below repeats the lane-wise operation sequence of one of those
/// routines with <see cref="MathF.FusedMultiplyAdd"/> exactly where the vector code uses an FMA.
/// </para>
/// <para>
/// Plain tensor arithmetic (+, -, *, / by a tensor or by a Python scalar cast to float32) is IEEE
/// float32 and is written inline by the callers, one rounding per torch operation.
/// </para>
/// </remarks>
internal static class TorchFloat32
{
    // SLEEF misc.h constants (float literals there carry an f suffix).
    private const float RLn2F = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private const float L2UF = 0.693145751953125f;
    private const float L2LF = 1.428606765330187045e-06f;

    // ln 2 as a double-float pair, as used by SLEEF's logf_u1 / log1pf.
    private const float Ln2Hi = 0.69314718246459960938f;
    private const float Ln2Lo = -1.904654323148236017e-09f;

    /// <summary>FLT_MIN, the smallest normal float.</summary>
    private const float FltMin = 1.17549435e-38f;

    // 1.0f / 0.75f, folded by the C compiler in float.
    private const float FourThirds = 1.0f / 0.75f;

    /// <summary><c>(float)math.sqrt(2)</c>: the divisor in torch.distributions.Normal.cdf.</summary>
    private const float Sqrt2 = (float)1.4142135623730951;

    /// <summary>
    /// <c>Vectorized&lt;float&gt;::exp()</c> = SLEEF <c>xexpf</c> (<c>Sleef_expf8_u10</c>, AVX2+FMA).
    /// </summary>
    public static float Exp(float d)
    {
        int q = Rint(d * RLn2F);
        float qf = q;

        float s = Fma(qf, -L2UF, d);
        s = Fma(qf, -L2LF, s);

        // Coefficients are double literals in sleefsimdsp.c, converted to float by vcast_vf_f.
        float u = (float)0.000198527617612853646278381;
        u = Fma(u, s, (float)0.00139304355252534151077271);
        u = Fma(u, s, (float)0.00833336077630519866943359);
        u = Fma(u, s, (float)0.0416664853692054748535156);
        u = Fma(u, s, (float)0.166666671633720397949219);
        u = Fma(u, s, 0.5f);

        u = 1.0f + Fma(s * s, u, s);
        u = Ldexp2(u, q);

        if (d < -104f)
        {
            u = 0f;
        }

        if (100f < d)
        {
            u = float.PositiveInfinity;
        }

        return u;
    }

    /// <summary>
    /// <c>Vectorized&lt;float&gt;::log()</c> = SLEEF <c>xlogf_u1</c> (<c>Sleef_logf8_u10</c>, AVX2+FMA).
    /// </summary>
    public static float Log(float d)
    {
        bool tiny = d < FltMin;
        float dd = tiny ? d * (4294967296f * 4294967296f) : d;
        int e = Ilogb2k(dd * FourThirds);
        float m = Ldexp3(dd, -e);
        if (tiny)
        {
            e -= 64;
        }

        Df s = MulDfF(new Df(Ln2Hi, Ln2Lo), e);

        Df x = DivDf(Add2FF(-1f, m), Add2FF(1f, m));
        float x2 = x.X * x.X;

        float t = 0.3027294874f;
        t = Fma(t, x2, 0.3996108174f);
        t = Fma(t, x2, 0.6666694880f);

        s = AddDfDf(s, Scale(x, 2f));
        s = AddDfF(s, x2 * x.X * t);

        float r = s.X + s.Y;

        if (float.IsPositiveInfinity(dd))
        {
            r = float.PositiveInfinity;
        }

        if (dd < 0f || float.IsNaN(dd))
        {
            r = float.NaN;
        }

        if (dd == 0f)
        {
            r = float.NegativeInfinity;
        }

        return r;
    }

    /// <summary>
    /// <c>Vectorized&lt;float&gt;::log1p()</c> = SLEEF <c>xlog1pf</c> (<c>Sleef_log1pf8_u10</c>, AVX2+FMA).
    /// </summary>
    public static float Log1p(float d)
    {
        float dp1 = d + 1f;
        bool tiny = dp1 < FltMin;
        if (tiny)
        {
            dp1 *= 4294967296f * 4294967296f;
        }

        int e = Ilogb2k(dp1 * FourThirds);
        float t = Ldexp3(1f, -e);
        float m = Fma(d, t, t - 1f);
        if (tiny)
        {
            e -= 64;
        }

        Df s = MulDfF(new Df(Ln2Hi, Ln2Lo), e);

        Df x = DivDf(new Df(m, 0f), AddFF(2f, m));
        float x2 = x.X * x.X;

        t = 0.3027294874f;
        t = Fma(t, x2, 0.3996108174f);
        t = Fma(t, x2, 0.6666694880f);

        s = AddDfDf(s, Scale(x, 2f));
        s = AddDfF(s, x2 * x.X * t);

        float r = s.X + s.Y;

        if (d > 1e+38f)
        {
            r = float.PositiveInfinity;
        }

        if (-1f > d)
        {
            r = float.NaN;
        }

        if (d == -1f)
        {
            r = float.NegativeInfinity;
        }

        if (BitConverter.SingleToInt32Bits(d) == unchecked((int)0x80000000))
        {
            r = -0.0f;
        }

        return r;
    }

    /// <summary>
    /// <c>Vectorized&lt;float&gt;::tanh()</c> = SLEEF <c>xtanhf</c> (<c>Sleef_tanhf8_u10</c>, AVX2+FMA).
    /// </summary>
    public static float Tanh(float x)
    {
        float y = MathF.Abs(x);
        Df d = Expk2(new Df(y, 0f));
        Df e = RecDf(d);
        d = DivDf(AddDfDf(d, new Df(-e.X, -e.Y)), AddDfDf(d, e));
        y = d.X + d.Y;

        if (MathF.Abs(x) > 8.664339742f || float.IsNaN(y))
        {
            y = 1f;
        }

        y = MulSign(y, x);
        if (float.IsNaN(x))
        {
            y = float.NaN;
        }

        return y;
    }

    /// <summary>
    /// <c>Vectorized&lt;float&gt;::erf()</c> in torch 1.13 = SLEEF <c>xerff_u1</c> (<c>Sleef_erff8_u10</c>,
    /// AVX2+FMA). torch.erf maps every element of a float tensor through it (vml::verf).
    /// </summary>
    public static float Erf(float x)
    {
        float a = MathF.Abs(x);
        bool o0 = a < (float)1.1;
        bool o1 = a < (float)2.4;
        bool o2 = a < (float)4.0;
        float u = o0 ? a * a : a;

        float t = o0 ? +0.7089292194e-4f : o1 ? -0.1792667899e-4f : -0.9495757695e-5f;
        t = Fma(t, u, o0 ? -0.7768311189e-3f : o1 ? +0.3937633010e-3f : +0.2481465926e-3f);
        t = Fma(t, u, o0 ? +0.5159463733e-2f : o1 ? -0.3949181177e-2f : -0.2918176819e-2f);
        t = Fma(t, u, o0 ? -0.2683781274e-1f : o1 ? +0.2445474640e-1f : +0.2059706673e-1f);
        t = Fma(t, u, o0 ? +0.1128318012e+0f : o1 ? -0.1070996150e+0f : -0.9901899844e-1f);

        Df d = MulFF(t, u);
        d = Add2DfDf(d, CastDf(o0 ? -0.376125876000657465175213237214e+0 : o1 ? -0.634588905908410389971210809210e+0 : -0.643598050547891613081201721633e+0));
        d = MulDfF(d, u);
        d = Add2DfDf(d, CastDf(o0 ? +0.112837916021059138255978217023e+1 : o1 ? -0.112879855826694507209862753992e+1 : -0.112461487742845562801052956293e+1));
        d = MulDfF(d, a);
        if (!o0)
        {
            Df e = Expk2(d);
            d = AddFDf(1f, new Df(-e.X, -e.Y));
        }

        float r = MulSign(o2 ? d.X + d.Y : 1f, x);
        return float.IsNaN(a) ? float.NaN : r;
    }

    /// <summary>
    /// torch.sigmoid (UnaryOpsKernel.cpp, vector path): <c>reciprocal(1 + exp(0 - a))</c>.
    /// </summary>
    public static float Sigmoid(float a)
    {
        float v = 0f - a;
        v = Exp(v);
        v = 1f + v;
        return 1f / v;
    }

    /// <summary>
    /// F.softplus with beta 1 and threshold 20 (Activation.cpp, vector path):
    /// <c>a * beta &gt; threshold ? a : log1p(exp(a * beta)) / beta</c>.
    /// </summary>
    public static float Softplus(float a)
    {
        // beta = 1: the multiply and the divide by beta are exact.
        return a > 20f ? a : Log1p(Exp(a));
    }

    /// <summary>torch.reciprocal: <c>1 / a</c> (<c>_mm256_div_ps</c>).</summary>
    public static float Reciprocal(float a) => 1f / a;

    /// <summary>
    /// torch.distributions.Normal(0, scale).cdf(value) as torch 1.13 evaluates it in float32:
    /// <c>0.5 * (1 + erf((value - loc) * scale.reciprocal() / math.sqrt(2)))</c>.
    /// </summary>
    public static float NormalCdf(float value, float scale)
    {
        float z = (value - 0f) * Reciprocal(scale);
        z /= Sqrt2;
        return 0.5f * (1f + Erf(z));
    }

    // ---- SLEEF helpers (helperavx2.h, sleefsimdsp.c, df.h with ENABLE_FMA_SP) ----

    private readonly struct Df
    {
        public Df(float x, float y)
        {
            X = x;
            Y = y;
        }

        public float X { get; }

        public float Y { get; }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary><c>_mm256_cvtps_epi32</c>: round to nearest even; out of range gives int.MinValue.</summary>
    private static int Rint(float f)
    {
        if (!(f >= -2147483648f && f < 2147483648f))
        {
            return int.MinValue;
        }

        return (int)MathF.Round(f, MidpointRounding.ToEven);
    }

    /// <summary>vpow2i_vf_vi2: the float whose bits are <c>(q + 0x7f) &lt;&lt; 23</c>.</summary>
    private static float Pow2i(int q) => BitConverter.Int32BitsToSingle(unchecked((q + 0x7f) << 23));

    /// <summary>vldexp2_vf_vf_vi2.</summary>
    private static float Ldexp2(float d, int e) => d * Pow2i(e >> 1) * Pow2i(e - (e >> 1));

    /// <summary>vldexp3_vf_vf_vi2: adds <c>q</c> to the exponent field.</summary>
    private static float Ldexp3(float d, int q) =>
        BitConverter.Int32BitsToSingle(unchecked(BitConverter.SingleToInt32Bits(d) + (q << 23)));

    /// <summary>vilogb2k_vi2_vf.</summary>
    private static int Ilogb2k(float d) =>
        (int)((BitConverter.SingleToUInt32Bits(d) >> 23) & 0xff) - 0x7f;

    /// <summary>vmulsign_vf_vf_vf.</summary>
    private static float MulSign(float x, float y) =>
        BitConverter.Int32BitsToSingle(
            BitConverter.SingleToInt32Bits(x) ^ (BitConverter.SingleToInt32Bits(y) & unchecked((int)0x80000000)));

    /// <summary>vcast_vf2_d: a double constant split into a float pair.</summary>
    private static Df CastDf(double d) => new((float)d, (float)(d - (float)d));

    /// <summary>dfmul_vf2_vf_vf (FMA variant).</summary>
    private static Df MulFF(float x, float y)
    {
        float s = x * y;
        return new Df(s, Fma(x, y, -s));
    }

    /// <summary>dfadd_vf2_vf_vf.</summary>
    private static Df AddFF(float x, float y)
    {
        float s = x + y;
        return new Df(s, x - s + y);
    }

    /// <summary>dfadd2_vf2_vf_vf.</summary>
    private static Df Add2FF(float x, float y)
    {
        float s = x + y;
        float v = s - x;
        return new Df(s, (x - (s - v)) + (y - v));
    }

    /// <summary>dfadd_vf2_vf2_vf.</summary>
    private static Df AddDfF(Df x, float y)
    {
        float s = x.X + y;
        return new Df(s, x.X - s + y + x.Y);
    }

    /// <summary>dfadd_vf_vf2 (dfadd_vf2_vf_vf2).</summary>
    private static Df AddFDf(float x, Df y)
    {
        float s = x + y.X;
        return new Df(s, x - s + y.X + y.Y);
    }

    /// <summary>dfadd2_vf2_vf2_vf.</summary>
    private static Df Add2DfF(Df x, float y)
    {
        float s = x.X + y;
        float v = s - x.X;
        float t = (x.X - (s - v)) + (y - v);
        return new Df(s, t + x.Y);
    }

    /// <summary>dfadd_vf2_vf2_vf2 (assumes |x| &gt;= |y|).</summary>
    private static Df AddDfDf(Df x, Df y)
    {
        float s = x.X + y.X;
        return new Df(s, x.X - s + y.X + x.Y + y.Y);
    }

    /// <summary>dfadd2_vf2_vf2_vf2.</summary>
    private static Df Add2DfDf(Df x, Df y)
    {
        float s = x.X + y.X;
        float v = s - x.X;
        float t = (x.X - (s - v)) + (y.X - v);
        return new Df(s, t + (x.Y + y.Y));
    }

    /// <summary>dfscale_vf2_vf2_vf.</summary>
    private static Df Scale(Df d, float s) => new(d.X * s, d.Y * s);

    /// <summary>dfmul_vf2_vf2_vf (FMA variant); the int operand is converted like vcast_vf_vi2.</summary>
    private static Df MulDfF(Df x, int yi)
    {
        float y = yi;
        return MulDfF(x, y);
    }

    /// <summary>dfmul_vf2_vf2_vf (FMA variant).</summary>
    private static Df MulDfF(Df x, float y)
    {
        float s = x.X * y;
        return new Df(s, Fma(x.Y, y, Fma(x.X, y, -s)));
    }

    /// <summary>dfmul_vf2_vf2_vf2 (FMA variant).</summary>
    private static Df MulDfDf(Df x, Df y)
    {
        float s = x.X * y.X;
        return new Df(s, Fma(x.X, y.Y, Fma(x.Y, y.X, Fma(x.X, y.X, -s))));
    }

    /// <summary>dfsqu_vf2_vf2 (FMA variant).</summary>
    private static Df SquDf(Df x)
    {
        float s = x.X * x.X;
        return new Df(s, Fma(x.X + x.X, x.Y, Fma(x.X, x.X, -s)));
    }

    /// <summary>dfdiv_vf2_vf2_vf2 (FMA variant).</summary>
    private static Df DivDf(Df n, Df d)
    {
        float t = 1f / d.X;
        float s = n.X * t;
        float u = Fma(t, n.X, -s);
        float v = Fma(-d.Y, t, Fma(-d.X, t, 1f));
        return new Df(s, Fma(s, v, Fma(n.Y, t, u)));
    }

    /// <summary>dfrec_vf2_vf2 (FMA variant).</summary>
    private static Df RecDf(Df d)
    {
        float s = 1f / d.X;
        return new Df(s, s * Fma(-d.Y, s, Fma(-d.X, s, 1f)));
    }

    /// <summary>expk2f: exp of a double-float, used by SLEEF's tanhf.</summary>
    private static Df Expk2(Df d)
    {
        float u = (d.X + d.Y) * RLn2F;
        int q = Rint(u);
        float qf = q;

        Df s = Add2DfF(d, qf * -L2UF);
        s = Add2DfF(s, qf * -L2LF);

        u = 0.1980960224e-3f;
        u = Fma(u, s.X, 0.1394256484e-2f);
        u = Fma(u, s.X, 0.8333456703e-2f);
        u = Fma(u, s.X, 0.4166637361e-1f);

        Df t = Add2DfF(MulDfF(s, u), 0.166666659414234244790680580464e+0f);
        t = Add2DfF(MulDfDf(s, t), 0.5f);
        t = Add2DfDf(s, MulDfDf(SquDf(s), t));

        t = AddFDf(1f, t);

        float tx = Ldexp2(t.X, q);
        float ty = Ldexp2(t.Y, q);
        if (d.X < -104f)
        {
            tx = 0f;
            ty = 0f;
        }

        return new Df(tx, ty);
    }
}

// Per-core peak multiply-add rates of the x86 instructions an exact entropy-parameter kernel could use, for
// docs/benchmarks.md ("Entropy parameters: the share target"): float32 FMA (vfmadd231ps zmm, 16 MACs),
// int16 dot products into int32 (AVX512-VNNI vpdpwssd zmm, 32 MACs) and bf16 dot products into float32
// (AVX512-BF16 vdpbf16ps zmm, 32 MACs). Twelve independent accumulators per loop hide the latencies.
// Build and run: tools/cpu-peaks.sh (gcc; .NET 10 exposes neither 512-bit VNNI nor BF16 dot products).
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void)
{
    const long iterations = 100000000;
    __m512i a = _mm512_set1_epi16(3), b = _mm512_set1_epi16(5), ints[12];
    __m512 fa = _mm512_set1_ps(1.0001f), fb = _mm512_set1_ps(0.9999f), floats[12];
    __m512bh ba = (__m512bh)_mm512_set1_epi16(0x3f80), bb = (__m512bh)_mm512_set1_epi16(0x3f80);

    for (int k = 0; k < 12; k++) floats[k] = _mm512_setzero_ps();
    double t = now();
    for (long i = 0; i < iterations; i++) {
        for (int k = 0; k < 12; k++) floats[k] = _mm512_fmadd_ps(fa, fb, floats[k]);
        __asm__ volatile("" : "+v"(fa));
    }
    t = now() - t;
    float fsum = 0;
    for (int k = 0; k < 12; k++) fsum += _mm512_reduce_add_ps(floats[k]);
    printf("fp32_fma %.1f\n", iterations * 12.0 * 16 / t / 1e9);

    for (int k = 0; k < 12; k++) ints[k] = _mm512_setzero_si512();
    t = now();
    for (long i = 0; i < iterations; i++) {
        for (int k = 0; k < 12; k++) ints[k] = _mm512_dpwssd_epi32(ints[k], a, b);
        __asm__ volatile("" : "+v"(a));
    }
    t = now() - t;
    int isum = 0;
    for (int k = 0; k < 12; k++) isum += _mm512_reduce_add_epi32(ints[k]);
    printf("int16_vnni %.1f\n", iterations * 12.0 * 32 / t / 1e9);

    for (int k = 0; k < 12; k++) floats[k] = _mm512_setzero_ps();
    t = now();
    for (long i = 0; i < iterations; i++) {
        for (int k = 0; k < 12; k++) floats[k] = _mm512_dpbf16_ps(floats[k], ba, bb);
        __asm__ volatile("" : "+v"(ba));
    }
    t = now() - t;
    for (int k = 0; k < 12; k++) fsum += _mm512_reduce_add_ps(floats[k]);
    printf("bf16_dot %.1f\n", iterations * 12.0 * 32 / t / 1e9);
    return (fsum == 1.0f && isum == 1) ? 1 : 0;  // keeps the sums alive
}

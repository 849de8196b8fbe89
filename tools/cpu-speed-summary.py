#!/usr/bin/env python3
"""Medians over the rounds of tools/cpu-speed-bench.sh: per size and variant, each stage's p50 and the fps (markdown)."""
import glob, json, os, statistics, sys

out = sys.argv[1] if len(sys.argv) > 1 else "docs/results/cpu-speed"
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*-*-*.json"))):
    size, variant, _ = os.path.basename(path)[:-5].split("-")
    with open(path) as f:
        d = json.load(f)
    rows.setdefault((size, variant), []).append(d)
stages = ["encoder network", "hyperprior and priors", "entropy decoding and priors", "decoder network"]
print("| frame | variant | precision | " + " | ".join(stages) + " | entropy params share (enc / dec) | encode fps | decode fps |")
print("|---|---|---|" + "---|" * len(stages) + "---|---|---|")
order = {"before": 0, "after": 1, "official": 2}
for (size, variant), runs in sorted(rows.items(), key=lambda kv: (int(kv[0][0].split("x")[0]), order[kv[0][1]])):
    med = {s: statistics.median(next(x["p50_ms"] for x in r["stages"] if x["stage"] == s) for r in runs) for s in stages}
    enc = statistics.median(r["encode_fps"] for r in runs)
    dec = statistics.median(r["decode_fps"] for r in runs)
    share_enc = med["hyperprior and priors"] / (med["encoder network"] + med["hyperprior and priors"])
    share_dec = med["entropy decoding and priors"] / (med["entropy decoding and priors"] + med["decoder network"])
    print(f"| {size} | {variant} ({runs[0]['mode']}) | {runs[0].get('precision', 'fp32')} | " + " | ".join(f"{med[s]:.0f} ms" for s in stages)
          + f" | {share_enc:.0%} / {share_dec:.0%} | {enc:.2f} | {dec:.2f} |")
peaks = [r["peak"] for runs in rows.values() for r in runs if r.get("peak")]
if peaks:
    p = peaks[0]
    print(f"\npeak (2 threads): float32 matmul {p['float32_gemm_gmac_per_s']:.1f}, bf16 matmul {p['bf16_gemm_gmac_per_s']:.1f}, "
          f"float32 FMA loop {p.get('float32_fma_loop_gmac_per_s') or 0:.1f} GMAC/s\n")
    print("| frame | variant | network | GMAC/frame | GMAC/s (median) | of float32 FMA peak | of bf16 matmul peak |")
    print("|---|---|---|---|---|---|---|")
    for (size, variant), runs in sorted(rows.items(), key=lambda kv: (int(kv[0][0].split("x")[0]), order[kv[0][1]])):
        for s in ["encoder network", "decoder network"]:
            rate = statistics.median(next(x["gmac_per_s"] for x in r["stages"] if x["stage"] == s) for r in runs)
            gmac = next(x["gmac_per_frame"] for x in runs[0]["stages"] if x["stage"] == s)
            print(f"| {size} | {variant} | {s} | {gmac:.2f} | {rate:.1f} | {rate / (p.get('float32_fma_loop_gmac_per_s') or p['float32_gemm_gmac_per_s']):.0%} | {rate / p['bf16_gemm_gmac_per_s']:.0%} |")

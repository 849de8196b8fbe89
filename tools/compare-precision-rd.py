#!/usr/bin/env python3
"""Compares two `bench rd` result folders of EVC (fp32 and bf16 transforms) per rate point: mean bpp and RGB PSNR over
the images both coded, and the differences. Usage: tools/compare-precision-rd.py FP32_DIR BF16_DIR > table.md"""
import json, sys, collections

def load(folder):
    rows = {}
    for line in open(f"{folder}/results.jsonl"):
        r = json.loads(line)
        rows[(r["image"], r["setting"])] = r
    return rows

fp32, bf16 = load(sys.argv[1]), load(sys.argv[2])
common = set(fp32) & set(bf16)
settings = {k[1] for k in common}
complete = {image for image, _ in common if all((image, s) in common for s in settings)}  # images coded at every rate by both
keys = sorted(k for k in common if k[0] in complete)
by_rate = collections.defaultdict(list)
for k in keys:
    by_rate[k[1]].append(k)
images = sorted({k[0] for k in keys})
print(f"{len(images)} images ({images[0]} … {images[-1]}), EVC deterministic mode, shipped model\n")
print("| rate | bpp fp32 | bpp bf16 | Δ bpp | Δ bpp % | PSNR fp32 | PSNR bf16 | Δ PSNR dB | worst image Δ PSNR | enc s fp32 | enc s bf16 | dec s fp32 | dec s bf16 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for rate in sorted(by_rate):
    ks = by_rate[rate]
    mean = lambda rows, f: sum(rows[k][f] for k in ks) / len(ks)
    b32, b16 = mean(fp32, "bpp"), mean(bf16, "bpp")
    p32, p16 = mean(fp32, "rgb_psnr"), mean(bf16, "rgb_psnr")
    worst = min(bf16[k]["rgb_psnr"] - fp32[k]["rgb_psnr"] for k in ks)
    def t(rows, f):
        return mean(rows, f) if f in rows[ks[0]] else float("nan")
    print(f"| {rate} | {b32:.4f} | {b16:.4f} | {b16 - b32:+.4f} | {100 * (b16 - b32) / b32:+.2f} | {p32:.3f} | {p16:.3f} | {p16 - p32:+.3f} | {worst:+.3f} "
          f"| {t(fp32, 'encode_seconds'):.2f} | {t(bf16, 'encode_seconds'):.2f} | {t(fp32, 'decode_seconds'):.2f} | {t(bf16, 'decode_seconds'):.2f} |")

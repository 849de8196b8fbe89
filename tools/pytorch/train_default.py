"""Train the default EVC_SS model on a GPU in PyTorch, with the objective of `evcstream train`, and export our weights.

For the GPU machine that is sometimes lent to a task (CUDA and PyTorch, no .NET; docs/training.md, "On a GPU"). The
model is the official EVC module tree (microsoft/DCVC, DCVC-family/EVC, MIT licence), so our safetensors and the
official checkpoints load into it by name; the loss is src/EVC.Stream.Training/VariableRateRdObjective.cs: each
sample draws a rate anchor i, curr_q = max(q_basic, 1/2) * q_scale[i], uniform noise for the rate terms,
straight-through rounding for what the decoder sees, loss = mean(lambda_i * 255^2 * MSE + bpp); Adam, gradient
clipping at 1, bf16 autocast for the networks with float32 rate terms and a float32 last synthesis layer (as
`train --precision bf16`). Crops with the eight dihedral transforms (`--augment dihedral`).

The run is paced by wall time, not steps (the device's minutes are few): linear warm-up, then the learning rate
steps down at fixed fractions of --budget. Validation on --val images estimates each anchor's bpp (rounded latents,
the coder's Gaussian and factorized models) and PSNR; the weights with the best validation RD cost and the last ones
are written as float16 safetensors, split in two files each (the device returns files of at most 16 MiB);
`tools/pytorch/merge_safetensors.py` joins them, `evcstream models import --arch EVC_SS --fp16` stamps them.

    python3 tools/pytorch/train_default.py --init models/default.safetensors --data DIR --val DIR --out DIR --budget 450
    python3 tools/pytorch/train_default.py --check ../shared/reference/evc-official   # the model against official tensors

Only the Python standard library, torch and Pillow are needed; safetensors are read and written here.
"""
import argparse, glob, json, math, os, random, struct, sys, time
import torch
from torch import nn
import torch.nn.functional as F

# ---------------------------------------------------------------- model: the official module tree, EVC_SS widths


class DepthConv(nn.Module):  # layers.py variant (analysis/synthesis transforms)
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(c, c, 1), nn.LeakyReLU(0.01))
        self.depth_conv = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, groups=c), nn.LeakyReLU(0.01))
        self.conv2 = nn.Sequential(nn.Conv2d(c, c, 1), nn.LeakyReLU(0.01))

    def forward(self, x):
        return self.conv2(self.depth_conv(self.conv1(x))) + x


class ConvFFN(nn.Module):
    def __init__(self, c, inner, slope):
        super().__init__()
        act = (lambda: nn.ReLU()) if slope is None else (lambda: nn.LeakyReLU(slope))
        self.conv = nn.Sequential(nn.Conv2d(c, inner, 1), act(), nn.Conv2d(inner, c, 1), act())

    def forward(self, x):
        return x + self.conv(x)


class DepthConvBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block = nn.Sequential(DepthConv(c), ConvFFN(c, 4 * c, None))

    def forward(self, x):
        return self.block(x)


class PriorDepthConv(nn.Module):  # hyperprior.py variant
    def __init__(self, i, o):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(i, i, 1), nn.LeakyReLU(0.01))
        self.depth_conv = nn.Conv2d(i, i, 3, padding=1, groups=i)
        self.conv2 = nn.Conv2d(i, o, 1)
        self.adaptor = nn.Conv2d(i, o, 1) if i != o else None

    def forward(self, x):
        identity = x if self.adaptor is None else self.adaptor(x)
        return self.conv2(self.depth_conv(self.conv1(x))) + identity


class PriorBlock(nn.Module):
    def __init__(self, i, o, upsample=False):
        super().__init__()
        layers = [PriorDepthConv(i, o), ConvFFN(o, max(min(o * 4, 1024), o * 2), 0.1)]
        if upsample:
            layers += [nn.Conv2d(o, o * 4, 1), nn.PixelShuffle(2)]
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        return self.block(x)


class ResidualBlockWithStride(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(o, o, 3, padding=1)
        self.downsample = nn.Conv2d(i, o, 1, stride=2)

    def forward(self, x):
        out = F.leaky_relu(self.conv1(x), 0.01)
        out = F.leaky_relu(self.conv2(out), 0.1)
        return out + self.downsample(x)


class ResidualBlockUpsample(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.subpel_conv = nn.Sequential(nn.Conv2d(i, o * 4, 1), nn.PixelShuffle(2))
        self.conv = nn.Conv2d(o, o, 3, padding=1)
        self.upsample = nn.Sequential(nn.Conv2d(i, o * 4, 1), nn.PixelShuffle(2))

    def forward(self, x):
        out = F.leaky_relu(self.subpel_conv(x), 0.01)
        out = F.leaky_relu(self.conv(out), 0.1)
        return out + self.upsample(x)


class Bitparm(nn.Module):
    def __init__(self, c, final=False):
        super().__init__()
        self.h = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.b = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.a = None if final else nn.Parameter(torch.zeros(1, c, 1, 1))

    def forward(self, x):
        x = x * F.softplus(self.h) + self.b
        return x if self.a is None else x + torch.tanh(x) * torch.tanh(self.a)


class BitEstimator(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.f1, self.f2, self.f3, self.f4 = Bitparm(c), Bitparm(c), Bitparm(c), Bitparm(c, True)

    def forward(self, x):  # the CDF
        return torch.sigmoid(self.f4(self.f3(self.f2(self.f1(x)))))


class EvcSS(nn.Module):
    def __init__(self, n=192, c=(64, 64, 128, 192)):
        super().__init__()
        self.enc = nn.Sequential(ResidualBlockWithStride(3, c[0]), DepthConvBlock(c[0]), ResidualBlockWithStride(c[0], c[1]),
                                 DepthConvBlock(c[1]), ResidualBlockWithStride(c[1], c[2]), DepthConvBlock(c[2]),
                                 nn.Conv2d(c[2], c[3], 3, stride=2, padding=1))
        self.dec = nn.Sequential(DepthConvBlock(c[3]), ResidualBlockUpsample(c[3], c[2]), DepthConvBlock(c[2]),
                                 ResidualBlockUpsample(c[2], c[1]), DepthConvBlock(c[1]), ResidualBlockUpsample(c[1], c[0]),
                                 DepthConvBlock(c[0]), nn.Sequential(nn.Conv2d(c[0], 12, 1), nn.PixelShuffle(2)))
        self.hyper_enc = nn.Sequential(PriorBlock(n, n), nn.Conv2d(n, n, 3, stride=2, padding=1), nn.LeakyReLU(0.01),
                                       nn.Conv2d(n, n, 3, stride=2, padding=1))
        self.hyper_dec = nn.Sequential(PriorBlock(n, n, True), PriorBlock(n, n, True), PriorBlock(n, n))
        self.y_prior_fusion = nn.Sequential(PriorBlock(n, 2 * n), PriorBlock(2 * n, 3 * n))
        self.y_spatial_prior = nn.Sequential(PriorBlock(4 * n, 3 * n), PriorBlock(3 * n, 2 * n), PriorBlock(2 * n, 2 * n))
        self.bit_estimator_z = BitEstimator(n)
        self.q_basic = nn.Parameter(torch.ones(1, n, 1, 1))
        self.q_scale = nn.Parameter(torch.tensor([1.6, 1.15, 0.8, 0.55]).view(4, 1, 1, 1))


LAMBDAS = [0.0022, 0.0050, 0.012, 0.027]

# ---------------------------------------------------------------- safetensors, standard library + torch only

DTYPES = {"F32": torch.float32, "F16": torch.float16, "I32": torch.int32, "U8": torch.uint8, "I64": torch.int64}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = memoryview(data)[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(body[start:end]), dtype=DTYPES[entry["dtype"]]) if end > start \
            else torch.zeros(0, dtype=DTYPES[entry["dtype"]])
        out[name] = flat.reshape(entry["shape"]).clone()
    return out


def save_safetensors(tensors, path):
    from merge_safetensors import write
    names = {v: k for k, v in DTYPES.items()}
    entries = []
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        entries.append((name, names[t.dtype], t.shape, t.numpy().tobytes()))
    write(path, entries)


def save_half_split(model, stem):
    """float16 weights in two safetensors files, each under the device's 16 MiB limit."""
    state = {k: v.detach().float().half() for k, v in model.state_dict().items()}
    names = sorted(state)
    total, acc, cut = sum(state[k].numel() for k in names), 0, len(names)
    for i, k in enumerate(names):
        acc += state[k].numel()
        if acc >= total / 2:
            cut = i + 1
            break
    save_safetensors({k: state[k] for k in names[:cut]}, stem + "-1.safetensors")
    save_safetensors({k: state[k] for k in names[cut:]}, stem + "-2.safetensors")


# ---------------------------------------------------------------- the objective (VariableRateRdObjective.cs)


def phi(x):
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


def round_ste(x):
    return x + (x.round() - x).detach()


def masks(h, w, device):
    m0 = torch.tensor([[1.0, 0.0], [0.0, 1.0]], device=device).repeat(h // 2, w // 2)[None, None]
    return m0, 1 - m0


class Nets:
    """Runs a network in bf16 autocast (when enabled) and gives float32 back, like Bf16Shadow + Network()."""

    def __init__(self, bf16, device_type):
        self.bf16, self.device_type = bf16, device_type

    def __call__(self, fn, x):
        if not self.bf16:
            return fn(x)
        with torch.autocast(self.device_type, dtype=torch.bfloat16):
            return fn(x).float()

    def synthesise(self, m, latent):
        if not self.bf16:
            return m.dec(latent)
        with torch.autocast(self.device_type, dtype=torch.bfloat16):
            h = latent
            for layer in list(m.dec.children())[:-1]:
                h = layer(h)
        return m.dec[-1](h.float())  # the last layer in float32, as Bf16Shadow does


def gaussian_bits(y, scales, means, mask, training):
    residual = (y - means) * mask
    if training:
        hat = (round_ste(residual) + means) * mask
        coded = residual + (torch.rand_like(residual) - 0.5) * mask
    else:
        coded = residual.round()
        hat = (coded + means) * mask
    sigma = scales.clamp_min(0.11)
    p = phi((coded + 0.5) / sigma) - phi((coded - 0.5) / sigma)
    return hat, (-(p + 1e-9).log2() * mask).sum((1, 2, 3))


def rd_forward(m, x, rates, nets, training=True):
    """Returns (loss, bpp per sample, mse per sample, x_hat)."""
    curr_q = m.q_basic.clamp_min(0.5) * m.q_scale[rates]                 # (B, N, 1, 1)
    y = nets(m.enc, x) / curr_q
    z = nets(m.hyper_enc, y)
    z_coded = z + (torch.rand_like(z) - 0.5) if training else z.round()
    pz = m.bit_estimator_z(z_coded + 0.5) - m.bit_estimator_z(z_coded - 0.5)
    z_bits = (-(pz + 1e-9).log2()).sum((1, 2, 3))
    z_hat = round_ste(z) if training else z.round()
    q_step, scales, means = nets(lambda t: m.y_prior_fusion(m.hyper_dec(t)), z_hat).chunk(3, 1)
    m0, m1 = masks(y.shape[2], y.shape[3], y.device)
    step = q_step.clamp_min(0.5)
    y0, y1 = (y / step).chunk(2, 1)
    s0, s1 = scales.chunk(2, 1)
    u0, u1 = means.chunk(2, 1)
    h00, b00 = gaussian_bits(y0, s0, u0, m0, training)
    h11, b11 = gaussian_bits(y1, s1, u1, m1, training)
    p = nets(m.y_spatial_prior, torch.cat((h00, h11, means, scales, step), 1)).chunk(4, 1)
    h01, b01 = gaussian_bits(y0, p[0], p[1], m1, training)
    h10, b10 = gaussian_bits(y1, p[2], p[3], m0, training)
    y_hat = torch.cat((h00 + h01, h11 + h10), 1) * step
    x_hat = nets.synthesise(m, y_hat * curr_q)
    bpp = (z_bits + b00 + b11 + b01 + b10) / (x.shape[2] * x.shape[3])
    mse = (x_hat - x).square().mean((1, 2, 3))
    lam = torch.tensor([LAMBDAS[r] * 255 * 255 for r in rates.tolist()], device=x.device)
    return (lam * mse + bpp).mean(), bpp, mse, x_hat


# ---------------------------------------------------------------- data


def read_rgb(path):
    """An image file as a (3, H, W) uint8 tensor."""
    from PIL import Image
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        t = torch.frombuffer(bytearray(rgb.tobytes()), dtype=torch.uint8).reshape(rgb.height, rgb.width, 3)
    return t.permute(2, 0, 1).contiguous()


def load_images(folder, device):
    files = sorted(f for f in glob.glob(os.path.join(folder, "*")) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    return files, [read_rgb(f).to(device) for f in files]


def sample_batch(images, batch, crop):
    """Random crops with a random one of the 8 dihedral transforms each, float32 in [0, 1]."""
    out = []
    for _ in range(batch):
        img = images[random.randrange(len(images))]
        _, h, w = img.shape
        top, left = random.randint(0, h - crop), random.randint(0, w - crop)
        t = img[:, top:top + crop, left:left + crop]
        k = random.randrange(8)
        if k & 4:
            t = t.transpose(1, 2)
        if k & 2:
            t = t.flip(1)
        if k & 1:
            t = t.flip(2)
        out.append(t)
    return torch.stack(out).float().div_(255)


# ---------------------------------------------------------------- validation


@torch.no_grad()
def validate(m, images, device):
    """Per anchor: mean estimated bpp and PSNR over the images, rounded latents, float32 networks."""
    m.eval()
    nets = Nets(False, device.type)
    rows = []
    for r in range(4):
        bpps, psnrs = [], []
        for img in images:
            x = img[None].float().div(255)
            _, _, h, w = x.shape
            ph, pw = (-h) % 64, (-w) % 64
            xp = F.pad(x, (0, pw, 0, ph))
            _, bpp, _, x_hat = rd_forward(m, xp, torch.tensor([r], device=device), nets, training=False)
            x_hat = x_hat[:, :, :h, :w].clamp(0, 1)
            mse = (torch.round(x_hat * 255) / 255 - x).square().mean().item()
            bpps.append(bpp.item() * (h + ph) * (w + pw) / (h * w))
            psnrs.append(10 * math.log10(1 / max(mse, 1e-12)))
        rows.append({"anchor": r, "bpp": sum(bpps) / len(bpps), "psnr": sum(psnrs) / len(psnrs),
                     "cost": LAMBDAS[r] * 255 * 255 * sum(10 ** (-p / 10) for p in psnrs) / len(psnrs) + sum(bpps) / len(bpps)})
    m.train()
    return rows


# ---------------------------------------------------------------- conformance check against the official tensors


@torch.no_grad()
def check(reference):
    m = EvcSS()
    state = torch.load(os.path.join(reference, "checkpoints", "EVC_SS.pth.tar"), map_location="cpu")
    m.load_state_dict(state, strict=True)
    m.eval()
    with open(os.path.join(reference, "manifest.json")) as f:
        manifest = json.load(f)
    worst = 0.0
    for case in ("ss_kodim01_r0", "ss_kodim05crop250x166_r1"):
        t = load_safetensors(os.path.join(reference, "tensors", case + ".safetensors"))
        entry = next(c for c in manifest["cases"] if c["name"] == case)
        img = read_rgb(os.path.join(reference, entry["input"]))
        x = img[None].float() / 255
        h, w = x.shape[2:]
        x = F.pad(x, (0, (-w) % 64, 0, (-h) % 64))
        curr_q = m.q_basic.clamp_min(0.5) * t["q_scale"].item()
        y = m.enc(x) / curr_q
        z = m.hyper_enc(y)
        q_step, scales, means = m.y_prior_fusion(m.hyper_dec(z.round())).chunk(3, 1)
        checks = {"curr_q": (curr_q, t["curr_q"]), "y": (y, t["y"]), "z": (z, t["z"]),
                  "prior_q_step": (q_step, t["prior_q_step"]), "prior_scales": (scales, t["prior_scales"]),
                  "prior_means": (means, t["prior_means"])}
        if "hyper_dec_out" in t:
            checks["hyper_dec_out"] = (m.hyper_dec(z.round()), t["hyper_dec_out"])
        for name, (ours, theirs) in checks.items():
            rel = ((ours - theirs).abs().max() / theirs.abs().max().clamp_min(1e-12)).item()
            worst = max(worst, rel)
            print(f"{case} {name}: max relative difference {rel:.2e}")
        # The whole rounded path (the one validation uses) against the official y_hat, reconstruction and size.
        m.q_scale.data[entry["rate_idx"]] = entry["q_scale_used"]
        captured = {}
        dec = m.dec
        m.dec = nn.Sequential(*dec.children())
        m.dec.register_forward_pre_hook(lambda _, inputs: captured.__setitem__("y_hat", inputs[0]))
        _, bpp, _, x_hat = rd_forward(m, x, torch.tensor([entry["rate_idx"]]), Nets(False, "cpu"), training=False)
        m.dec = dec
        rel = ((captured["y_hat"] - t["y_hat"]).abs().max() / t["y_hat"].abs().max()).item()
        worst = max(worst, rel)
        print(f"{case} y_hat: max relative difference {rel:.2e}")
        recon = x_hat.clamp(0, 1)[:, :, :img.shape[1], :img.shape[2]]
        ref = read_rgb(os.path.join(reference, entry["recon"]))[None]
        differ = (torch.round(recon * 255).int() - ref.int()).abs()
        print(f"{case} recon: {int((differ > 0).sum())} of {differ.numel()} samples differ, max {int(differ.max())}")
        if int(differ.max()) > 1:
            worst = max(worst, 1.0)
        estimate = bpp.item() * x.shape[2] * x.shape[3] / (img.shape[1] * img.shape[2])
        print(f"{case} bpp: estimated {estimate:.4f}, official .bin {entry['bpp']:.4f}")
        if abs(estimate / entry["bpp"] - 1) > 0.05:
            worst = max(worst, 1.0)
    ok = worst < 1e-3
    print("check:", "passed" if ok else "FAILED", f"(worst relative difference {worst:.2e})")
    return 0 if ok else 1


# ---------------------------------------------------------------- training


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", metavar="REFERENCE_DIR")
    p.add_argument("--init", help="our .safetensors (or an official .pth.tar) to start from")
    p.add_argument("--data", help="training images (PNG/JPEG)")
    p.add_argument("--val", help="validation images")
    p.add_argument("--out", default="out")
    p.add_argument("--budget", type=float, default=450, help="seconds, all included")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--decay", default="0.7:0.25,0.9:0.05", help="fraction-of-budget:lr-factor steps")
    p.add_argument("--val-every", type=float, default=90, help="seconds")
    p.add_argument("--fp32", action="store_true", help="no bf16 autocast")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--max-steps", type=int, default=None, help="stop after N steps (tests; 0: export the start)")
    a = p.parse_args()
    if a.check:
        return check(a.check)
    if not (a.init and a.data and a.val):
        p.error("--init, --data and --val are required to train")
    start = time.time()
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, "log.jsonl"), "a")

    def emit(row):
        row["t"] = round(time.time() - start, 1)
        line = json.dumps(row)
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    random.seed(a.seed)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    m = EvcSS()
    state = load_safetensors(a.init) if a.init.endswith(".safetensors") else torch.load(a.init, map_location="cpu")
    m.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    m.to(device)
    if device.type == "cuda":
        m.to(memory_format=torch.channels_last)
    _, train_images = load_images(a.data, device)
    val_files, val_images = load_images(a.val, device)
    emit({"event": "start", "torch": torch.__version__, "device": str(device),
          "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None, "train_images": len(train_images),
          "val_images": [os.path.basename(f) for f in val_files], "args": vars(a)})
    best = validate(m, val_images, device)
    best_cost = sum(r["cost"] for r in best)
    emit({"event": "val", "step": 0, "rows": best, "cost": best_cost})
    try:
        opt = torch.optim.Adam(m.parameters(), lr=a.lr, fused=device.type == "cuda")
    except (TypeError, RuntimeError):
        opt = torch.optim.Adam(m.parameters(), lr=a.lr)
    decay = [(float(f), float(k)) for f, k in (s.split(":") for s in a.decay.split(",") if s)]
    nets = Nets(not a.fp32, device.type)
    reserve = 25.0                          # final validation and the two saves
    train_start = time.time()
    train_seconds = a.budget - reserve - (train_start - start)
    step, last_val, last_report, sums = 0, time.time(), time.time(), [0.0, 0.0, 0.0, 0]
    while True:
        now = time.time()
        fraction = (now - train_start) / train_seconds
        if fraction >= 1 or (a.max_steps is not None and step >= a.max_steps):
            break
        factor = min(1.0, (step + 1) / a.warmup)
        for f, k in decay:
            if fraction >= f:
                factor = min(factor, k)
        for g in opt.param_groups:
            g["lr"] = a.lr * factor
        x = sample_batch(train_images, a.batch, a.crop)
        if device.type == "cuda":
            x = x.contiguous(memory_format=torch.channels_last)
        rates = torch.tensor([i % 4 for i in range(a.batch)], device=device)[torch.randperm(a.batch, device=device)]
        loss, bpp, mse, _ = rd_forward(m, x, rates, nets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 10 == 0:  # a host sync every tenth step only
            sums[0] += loss.item(); sums[1] += bpp.mean().item(); sums[2] += mse.mean().item(); sums[3] += 1
        if sums[3] and time.time() - last_report >= 20:
            last_report = time.time()
            emit({"event": "train", "step": step, "lr": a.lr * factor, "loss": sums[0] / sums[3], "bpp": sums[1] / sums[3],
                  "psnr": 10 * math.log10(1 / (sums[2] / sums[3])), "it_s": step / (time.time() - train_start)})
            sums = [0.0, 0.0, 0.0, 0]
        if time.time() - last_val >= a.val_every:
            last_val = time.time()
            rows = validate(m, val_images, device)
            cost = sum(r["cost"] for r in rows)
            emit({"event": "val", "step": step, "rows": rows, "cost": cost})
            save_half_split(m, os.path.join(a.out, "last"))
            if cost < best_cost:
                best_cost = cost
                save_half_split(m, os.path.join(a.out, "best"))
    rows = validate(m, val_images, device)
    cost = sum(r["cost"] for r in rows)
    emit({"event": "val", "step": step, "rows": rows, "cost": cost, "final": True})
    save_half_split(m, os.path.join(a.out, "last"))
    if cost < best_cost:
        save_half_split(m, os.path.join(a.out, "best"))
    emit({"event": "end", "step": step, "seconds": round(time.time() - start, 1),
          "crops": step * a.batch, "best_cost": min(best_cost, cost)})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""PyTorch reference for `evcstream bench train`: the same EVC training step, timed side by side.

A compact re-statement of the official EVC architecture (microsoft/DCVC, DCVC-family/EVC, MIT licence; same module
tree and shapes, EVC_SS widths) and of our variable-rate RD objective (src/EVC.Stream.Training/
VariableRateRdObjective.cs): uniform noise for the rates, straight-through rounding for what the decoder sees,
lambda*255^2*MSE + bpp, Adam, gradient clipping at 1. Prints one JSON line: {"median_s": ..., "steps": ...}.

    python3 tools/pytorch/train_step_bench.py [--threads 2] [--batch 4] [--crop 128] [--steps 20]
"""
import argparse, json, math, time
import torch
from torch import nn


class DepthConv(nn.Module):  # layers.py variant (transforms)
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(c, c, 1), nn.LeakyReLU())
        self.depth_conv = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, groups=c), nn.LeakyReLU())
        self.conv2 = nn.Sequential(nn.Conv2d(c, c, 1), nn.LeakyReLU())

    def forward(self, x):
        return self.conv2(self.depth_conv(self.conv1(x))) + x


class ConvFFN(nn.Module):
    def __init__(self, c, inner, act):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(c, inner, 1), act(), nn.Conv2d(inner, c, 1), act())

    def forward(self, x):
        return x + self.conv(x)


class DepthConvBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block = nn.Sequential(DepthConv(c), ConvFFN(c, 4 * c, nn.ReLU))

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
        layers = [PriorDepthConv(i, o), ConvFFN(o, max(min(o * 4, 1024), o * 2), lambda: nn.LeakyReLU(0.1))]
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
        out = nn.functional.leaky_relu(self.conv1(x), 0.01)
        out = nn.functional.leaky_relu(self.conv2(out), 0.1)
        return out + self.downsample(x)


class ResidualBlockUpsample(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.subpel_conv = nn.Sequential(nn.Conv2d(i, o * 4, 1), nn.PixelShuffle(2))
        self.conv = nn.Conv2d(o, o, 3, padding=1)
        self.upsample = nn.Sequential(nn.Conv2d(i, o * 4, 1), nn.PixelShuffle(2))

    def forward(self, x):
        out = nn.functional.leaky_relu(self.subpel_conv(x), 0.01)
        out = nn.functional.leaky_relu(self.conv(out), 0.1)
        return out + self.upsample(x)


class Bitparm(nn.Module):
    def __init__(self, c, final=False):
        super().__init__()
        self.h = nn.Parameter(torch.randn(1, c, 1, 1) * 0.01)
        self.b = nn.Parameter(torch.randn(1, c, 1, 1) * 0.01)
        self.a = None if final else nn.Parameter(torch.randn(1, c, 1, 1) * 0.01)

    def forward(self, x):
        x = x * nn.functional.softplus(self.h) + self.b
        return x if self.a is None else x + torch.tanh(x) * torch.tanh(self.a)


class EvcSS(nn.Module):
    def __init__(self, n=192, c=(64, 64, 128, 192)):
        super().__init__()
        self.enc = nn.Sequential(ResidualBlockWithStride(3, c[0]), DepthConvBlock(c[0]), ResidualBlockWithStride(c[0], c[1]),
                                 DepthConvBlock(c[1]), ResidualBlockWithStride(c[1], c[2]), DepthConvBlock(c[2]),
                                 nn.Conv2d(c[2], c[3], 3, stride=2, padding=1))
        self.dec = nn.Sequential(DepthConvBlock(c[3]), ResidualBlockUpsample(c[3], c[2]), DepthConvBlock(c[2]),
                                 ResidualBlockUpsample(c[2], c[1]), DepthConvBlock(c[1]), ResidualBlockUpsample(c[1], c[0]),
                                 DepthConvBlock(c[0]), nn.Sequential(nn.Conv2d(c[0], 12, 1), nn.PixelShuffle(2)))
        self.hyper_enc = nn.Sequential(PriorBlock(n, n), nn.Conv2d(n, n, 3, stride=2, padding=1), nn.LeakyReLU(),
                                       nn.Conv2d(n, n, 3, stride=2, padding=1))
        self.hyper_dec = nn.Sequential(PriorBlock(n, n, True), PriorBlock(n, n, True), PriorBlock(n, n))
        self.y_prior_fusion = nn.Sequential(PriorBlock(n, 2 * n), PriorBlock(2 * n, 3 * n))
        self.y_spatial_prior = nn.Sequential(PriorBlock(4 * n, 3 * n), PriorBlock(3 * n, 2 * n), PriorBlock(2 * n, 2 * n))
        self.bit_estimator_z = nn.Sequential(Bitparm(n), Bitparm(n), Bitparm(n), Bitparm(n, True))
        self.q_basic = nn.Parameter(torch.ones(1, n, 1, 1))
        self.q_scale = nn.Parameter(torch.tensor([1.6, 1.15, 0.8, 0.55]).view(4, 1, 1, 1))


LAMBDAS = [0.0022, 0.0050, 0.012, 0.027]


def phi(x):
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


def ste(x):
    return x + (x.round() - x).detach()


def noise(x):
    return torch.rand_like(x) - 0.5


def rd_pass(y, scales, means, mask):
    residual = (y - means) * mask
    hat = (ste(residual) + means) * mask
    noisy = residual + noise(residual) * mask
    sigma = scales.clamp_min(0.11)
    p = phi((noisy + 0.5) / sigma) - phi((noisy - 0.5) / sigma)
    return hat, (-(p + 1e-9).log2() * mask).sum((1, 2, 3))


def loss_of(m, x, rates):
    q = m.q_basic.clamp_min(0.5) * m.q_scale[rates]
    y = m.enc(x) / q
    z = m.hyper_enc(y)
    zn = z + noise(z)
    pz = torch.sigmoid(m.bit_estimator_z(zn + 0.5)) - torch.sigmoid(m.bit_estimator_z(zn - 0.5))
    z_bits = (-(pz + 1e-9).log2()).sum((1, 2, 3))
    q_step, scales, means = m.y_prior_fusion(m.hyper_dec(ste(z))).chunk(3, 1)
    _, _, h, w = y.shape
    mask0 = torch.tensor([[1.0, 0.0], [0.0, 1.0]]).repeat(h // 2, w // 2)[None, None]
    mask1 = 1 - mask0
    step = q_step.clamp_min(0.5)
    y0, y1 = (y / step).chunk(2, 1)
    s0, s1 = scales.chunk(2, 1)
    u0, u1 = means.chunk(2, 1)
    h00, b00 = rd_pass(y0, s0, u0, mask0)
    h11, b11 = rd_pass(y1, s1, u1, mask1)
    p = m.y_spatial_prior(torch.cat((h00, h11, means, scales, step), 1)).chunk(4, 1)
    h01, b01 = rd_pass(y0, p[0], p[1], mask1)
    h10, b10 = rd_pass(y1, p[2], p[3], mask0)
    x_hat = m.dec(torch.cat((h00 + h01, h11 + h10), 1) * step * q)
    bpp = (z_bits + b00 + b11 + b01 + b10) / (x.shape[2] * x.shape[3])
    mse = (x_hat - x).square().mean((1, 2, 3))
    lam = torch.tensor([LAMBDAS[r] * 255 * 255 for r in rates.tolist()])
    return (lam * mse + bpp).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--crop", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = EvcSS()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    times = []
    for step in range(args.steps + 3):
        x = torch.rand(args.batch, 3, args.crop, args.crop)
        rates = torch.randint(0, 4, (args.batch,))
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_of(model, x, rates)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step >= 3:
            times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps({"median_s": times[len(times) // 2], "steps": len(times), "torch": torch.__version__,
                      "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()

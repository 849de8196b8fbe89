"""PyTorch reference for `evcstream bench train`: the same EVC training step, timed side by side.

The official EVC architecture (EVC_SS widths) and our variable-rate RD objective (src/EVC.Stream.Training/
VariableRateRdObjective.cs) as tools/pytorch/train_default.py states them (its --check matches the official tensors):
uniform noise for the rates, straight-through rounding for what the decoder sees, lambda*255^2*MSE + bpp, Adam,
gradient clipping at 1. Prints one JSON line: {"median_s": ..., "steps": ...}.

    python3 tools/pytorch/train_step_bench.py [--threads 2] [--batch 4] [--crop 128] [--steps 20]
"""
import argparse, json, time
import torch

from train_default import EvcSS, Nets, rd_forward  # the same model and objective as the GPU trainer


def loss_of(m, x, rates):
    return rd_forward(m, x, rates, Nets(False, "cpu"))[0]


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

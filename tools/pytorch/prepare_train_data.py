"""Prepare the data that travels to a lent GPU machine for tools/pytorch/train_default.py, and check it fits.

The device tool sends the working tree plus the carried folders, 64 MiB in all; the training PNGs alone are 67 MB. So
the training images go as JPEG (quality 97, 4:4:4 chroma: 28.7 MB for the 518 images; the BSDS500 ones were JPEG
q~92 before they were scaled) and the first four Kodak images, the validation set, as PNG. Standard library + Pillow.

    python3 tools/pytorch/prepare_train_data.py            # -> .gpu/train-data/{train,val}, then prints the budget
    # device tool: run(command="python3 tools/pytorch/train_default.py --init models/default.safetensors
    #   --data .gpu/train-data/train --val .gpu/train-data/val --out $OUT --budget 470", carry=[".gpu/train-data"])
"""
import argparse, glob, os, shutil, subprocess, sys
from PIL import Image

LIMIT = 64 << 20


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    shared = os.path.join(os.path.dirname(root), "shared", "datasets")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", default=os.path.join(shared, "train"))
    p.add_argument("--val", default=os.path.join(shared, "kodak"))
    p.add_argument("--val-count", type=int, default=4)
    p.add_argument("--quality", type=int, default=97)
    p.add_argument("--out", default=os.path.join(root, ".gpu", "train-data"))
    a = p.parse_args()
    train_out, val_out = os.path.join(a.out, "train"), os.path.join(a.out, "val")
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(train_out)
    os.makedirs(val_out)
    sources = sorted(glob.glob(os.path.join(a.train, "*.png")))
    if not sources:
        sys.exit(f"no PNG images in {a.train}")
    for i, path in enumerate(sources):
        with Image.open(path) as im:
            im.convert("RGB").save(os.path.join(train_out, os.path.basename(path)[:-4] + ".jpg"), quality=a.quality, subsampling=0)
        if (i + 1) % 100 == 0:
            print(f"{i + 1} of {len(sources)} images", flush=True)
    for path in sorted(glob.glob(os.path.join(a.val, "*.png")))[:a.val_count]:
        shutil.copy(path, val_out)
    data = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.out) for f in fs)
    # What else travels: tracked files and untracked files git does not ignore.
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True, check=True).stdout.split(b"\0")
    tree = sum(os.path.getsize(os.path.join(root, f.decode())) for f in listed if f and os.path.isfile(os.path.join(root, f.decode())))
    total = data + tree
    print(f"{a.out}: {len(sources)} training images, {a.val_count} validation images, {data / 2**20:.1f} MiB; "
          f"working tree {tree / 2**20:.1f} MiB; {total / 2**20:.1f} of {LIMIT / 2**20:.0f} MiB")
    if total > LIMIT:
        sys.exit("over the device tool's limit: lower --quality")


if __name__ == "__main__":
    main()

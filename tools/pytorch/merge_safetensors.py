"""Join safetensors files (e.g. the halves `train_default.py` writes) into one; standard library only.

    python3 tools/pytorch/merge_safetensors.py best-1.safetensors best-2.safetensors -o best.safetensors
"""
import argparse, json, os, struct


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    return header, data[8 + n:]


def write(path, entries):
    """Writes (name, dtype, shape, bytes) entries as one safetensors file, in the order given (atomically)."""
    header, offset = {}, 0
    for name, dtype, shape, blob in entries:
        if name in header:
            raise SystemExit(f"{path}: {name} is given twice")
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for _, _, _, blob in entries:
            f.write(blob)
    os.replace(tmp, path)
    return len(header), offset


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("parts", nargs="+")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    entries = []
    for path in a.parts:
        h, body = read(path)
        for name in sorted(h, key=lambda k: h[k]["data_offsets"][0]):
            start, end = h[name]["data_offsets"]
            entries.append((name, h[name]["dtype"], h[name]["shape"], body[start:end]))
    count, size = write(a.output, entries)
    print(f"{a.output}: {count} tensors, {size} bytes of data")


if __name__ == "__main__":
    main()

"""Join safetensors files (e.g. the halves `train_default.py` writes) into one; standard library only.

    python3 tools/pytorch/merge_safetensors.py best-1.safetensors best-2.safetensors -o best.safetensors
"""
import argparse, json, struct


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    return header, data[8 + n:]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("parts", nargs="+")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    header, blobs, offset = {}, [], 0
    for path in a.parts:
        h, body = read(path)
        for name in sorted(h, key=lambda k: h[k]["data_offsets"][0]):
            if name in header:
                raise SystemExit(f"{path}: {name} is in more than one part")
            start, end = h[name]["data_offsets"]
            header[name] = {"dtype": h[name]["dtype"], "shape": h[name]["shape"], "data_offsets": [offset, offset + end - start]}
            blobs.append(body[start:end])
            offset += end - start
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(a.output, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for blob in blobs:
            f.write(blob)
    print(f"{a.output}: {len(header)} tensors, {offset} bytes of data")


if __name__ == "__main__":
    main()

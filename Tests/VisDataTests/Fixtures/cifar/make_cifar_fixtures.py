"""Writes small CIFAR-10 Python-version batches for PickleTests: the layout torchvision
reads (root/cifar-10-batches-py/test_batch, a pickled dict with b"data", a uint8 numpy
array [N, 3072], and b"labels"), pickled by Python 3 with protocol 2 (numpy's data as
_codecs.encode(text, "latin1")) and protocol 4 (data as BINBYTES). The real files were
written by Python 2 (data as BINSTRING); PickleTests builds that form byte by byte.
Also a CIFAR-100 test batch and meta (p2/cifar-100-python). Writes expected.txt: torchvision.datasets.CIFAR10(...).data[k] and targets as read back.

Run: python make_cifar_fixtures.py (numpy).
"""
import os
import pickle
import numpy as np


HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(17)
data = rng.integers(0, 256, size=(3, 3072), dtype=np.uint8)
labels = [3, 9, 0]
for proto in (2, 4):
    root = os.path.join(HERE, f"p{proto}", "cifar-10-batches-py")
    os.makedirs(root, exist_ok=True)
    d = {b"batch_label": b"testing batch 1 of 1", b"labels": labels, b"data": data, b"filenames": [b"a.png", b"b.png", b"c.png"]}
    with open(os.path.join(root, "test_batch"), "wb") as f:
        pickle.dump(d, f, protocol=proto)
# CIFAR-100's Python version: fine_labels, and the class names in meta.
root = os.path.join(HERE, "p2", "cifar-100-python")
os.makedirs(root, exist_ok=True)
with open(os.path.join(root, "test"), "wb") as f:
    pickle.dump({b"data": data[:2], b"fine_labels": [42, 99], b"coarse_labels": [1, 2], b"filenames": [b"a", b"b"]}, f, protocol=2)
with open(os.path.join(root, "meta"), "wb") as f:
    pickle.dump({b"fine_label_names": [f"class{k}".encode() for k in range(100)], b"coarse_label_names": [b"c"] * 20}, f, protocol=2)
# torchvision's reading of it, as CIFAR10.__init__ does (vstack, reshape, HWC).
with open(os.path.join(HERE, "p2", "cifar-10-batches-py", "test_batch"), "rb") as f:
    entry = pickle.load(f, encoding="latin1")
hwc = np.vstack(entry[b"data"]).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
with open(os.path.join(HERE, "expected.txt"), "w") as f:
    f.write(" ".join(str(int(v)) for v in hwc.reshape(-1)[:12]) + "\n")
    f.write(" ".join(str(v) for v in entry[b"labels"]) + "\n")

# The main job's recipe in PyTorch, for comparing accuracy and seconds per epoch with
# `vis scripts/fashion_mnist.vis` on the same machine. Not used by vis or its tests;
# run it in a virtualenv with torch (pip install torch):
#   python scripts/reference/fashion_mnist_pytorch.py [--epochs 2]
# It reads the same Debian-installed IDX files and prints, per epoch, the test accuracy
# and the training seconds. It also checks that vis's checkpoint loads into the same
# architecture when fashion_cnn.safetensors exists (the README's "weights to PyTorch").
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = "/usr/share/datasets/fashion-mnist"

def idx(name):
    with gzip.open(os.path.join(ROOT, name), "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)

class SimpleCNN(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(3136, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, classes))

    def forward(self, x):
        return self.head(self.features(x))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(0)
    norm = lambda a: (torch.from_numpy(a.astype(np.float32) / 255).unsqueeze(1) - 0.2860) / 0.3530
    xtr, ytr = norm(idx("train-images-idx3-ubyte.gz")), torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    xte, yte = norm(idx("t10k-images-idx3-ubyte.gz")), torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
    train = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=64, shuffle=True,
                                        generator=torch.Generator().manual_seed(0))
    net = SimpleCNN()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        net.train()
        t0 = time.time()
        for x, y in train:
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()
        seconds = time.time() - t0
        net.eval()
        with torch.no_grad():
            acc = (net(xte).argmax(1) == yte).float().mean().item()
        print(f"epoch {epoch + 1}: test accuracy {acc:.4f}, {seconds:.1f} s", flush=True)
    if os.path.exists("fashion_cnn.safetensors"):
        from safetensors.torch import load_file
        other = SimpleCNN()
        other.load_state_dict(load_file("fashion_cnn.safetensors"))
        other.eval()
        with torch.no_grad():
            acc = (other(xte).argmax(1) == yte).float().mean().item()
        print(f"vis checkpoint loaded into PyTorch: test accuracy {acc:.4f}")

if __name__ == "__main__":
    main()

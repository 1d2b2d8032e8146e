# Writes a safetensors file with PyTorch itself (safetensors.torch.save_file), holding a
# small CNN's state dict with PyTorch's key names and dtypes, plus the expected values
# as .npy, so SafeTensorsTests can check that vis reads what PyTorch writes.
#   /work/torchenv/bin/python Tests/VisNNTests/Fixtures/make_safetensors_reference.py
import os

import numpy as np
import torch
from safetensors.torch import save_file

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "safetensors")
os.makedirs(here, exist_ok=True)
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                          torch.nn.Flatten(), torch.nn.Linear(4 * 5 * 5, 3))
net(torch.randn(2, 1, 5, 5))  # one training step's running statistics
state = {k: v.contiguous() for k, v in net.state_dict().items()}
save_file(state, os.path.join(here, "torch_cnn.safetensors"), metadata={"format": "pt"})
for k, v in state.items():
    np.save(os.path.join(here, k + ".npy"), v.numpy())
with open(os.path.join(here, "keys.txt"), "w") as f:
    f.write("\n".join(state.keys()) + "\n")

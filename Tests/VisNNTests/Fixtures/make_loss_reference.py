"""Reference values for the VisNN losses, computed with PyTorch.

Run from the repository root with a Python that has torch and numpy:

    /work/torchenv/bin/python Tests/VisNNTests/Fixtures/make_loss_reference.py

It writes, under Tests/VisNNTests/Fixtures/loss/:
  in<k>.npy           the distinct inputs (float32 / int64, exactly as the Swift test
                      feeds them), each stored once and shared by the cases using it
  <case>.<role>.npy   per case: grad_output (the upstream gradient given to backward),
                      loss, grad_input, grad_target (the expected results)
and cases.json, the list of cases: name, op, params, the input file of each role
(input, target, weight, pos_weight, same) and the roles whose gradients are checked.

Inputs are float32 (what vis computes in); the expected values are computed by torch
in float64 from those same float32 inputs and stored as float32, so they are the
exact answers rounded once, not torch's float32 rounding errors.

Dice and contrastive losses have no torch.nn.functional form: they are written the
way the seed tutorials write them (seed 002's dice_loss, the classic siamese
ContrastiveLoss with F.pairwise_distance), see dice_tutorial / contrastive_tutorial.
"""
import hashlib
import json
import os
import warnings

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss")
os.makedirs(OUT, exist_ok=True)
for stale in os.listdir(OUT):  # a case renamed or dropped leaves no file behind
    if stale.endswith(".npy") or stale == "cases.json":
        os.remove(os.path.join(OUT, stale))
rng = np.random.RandomState(20240611)
cases = []
stored_inputs = {}  # content hash -> file stem
warnings.filterwarnings("ignore", message="reduction: 'mean' divides")  # kl_div's default, tested on purpose
warnings.filterwarnings("ignore", message="Using a target size")  # broadcast targets, tested on purpose


def f32(shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


def softmax_np(x, axis=1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def save(name, role, array):
    np.save(os.path.join(OUT, f"{name}.{role}.npy"), np.asarray(array, order="C"))


def save_input(array):
    array = np.asarray(array, order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
    key = hashlib.sha1(array.dtype.str.encode() + str(array.shape).encode() + array.tobytes()).hexdigest()
    if key not in stored_inputs:
        stored_inputs[key] = f"in{len(stored_inputs)}"
        np.save(os.path.join(OUT, stored_inputs[key] + ".npy"), array)
    return stored_inputs[key]


def add(name, op, fn, inputs, params=None, grads=("input",)):
    """inputs: role -> numpy array (float32 or int64). fn(tensors) -> loss tensor,
    called with float64 tensors (int64 ones unchanged); grads: the roles whose
    gradients are recorded."""
    name = name.replace(".", "p").replace("-", "m")  # file names without extra dots
    tensors = {}
    files = {}
    for role, a in inputs.items():
        t = torch.from_numpy(a.astype(np.float64) if a.dtype == np.float32 else a)
        if role in grads:
            t.requires_grad_(True)
        tensors[role] = t
        files[role] = save_input(a)
    loss = fn(tensors)
    grad_output = np.asarray(0.75 if loss.dim() == 0 else rng.uniform(0.5, 1.5, size=tuple(loss.shape)),
                             dtype=np.float32)
    loss.backward(torch.from_numpy(grad_output.astype(np.float64)))
    save(name, "grad_output", grad_output)
    save(name, "loss", loss.detach().numpy().astype(np.float32))
    for role in grads:
        save(name, "grad_" + role, tensors[role].grad.numpy().astype(np.float32))
    cases.append({"name": name, "op": op, "params": params or {},
                  "inputs": files, "grads": list(grads)})


# ---------------------------------------------------------------- cross_entropy
def ce(p):
    def fn(t):
        return F.cross_entropy(t["input"], t["target"], weight=t.get("weight"),
                               ignore_index=p.get("ignore_index", -100),
                               label_smoothing=p.get("label_smoothing", 0.0),
                               reduction=p.get("reduction", "mean"))
    return fn


logits = f32((6, 5), -3, 3)
labels = np.array([0, 4, 2, 2, 1, 3], dtype=np.int64)
labels_ignored = np.array([0, -100, 2, 2, -100, 3], dtype=np.int64)
labels_ignore1 = np.array([0, 1, 2, 4, 1, 3], dtype=np.int64)
class_weight = np.array([0.2, 1.0, 2.5, 0.7, 1.3], dtype=np.float32)
for red in ["mean", "sum", "none"]:
    for ls in [0.0, 0.1]:
        tag = f"ls{ls}_{red}"
        p = {"reduction": red, "label_smoothing": ls}
        add(f"ce_{tag}", "cross_entropy", ce(p), {"input": logits, "target": labels}, p)
        add(f"ce_weight_{tag}", "cross_entropy", ce(p),
            {"input": logits, "target": labels, "weight": class_weight}, p)
        add(f"ce_ignore_{tag}", "cross_entropy", ce(p), {"input": logits, "target": labels_ignored}, p)
        add(f"ce_weight_ignore_{tag}", "cross_entropy", ce(p),
            {"input": logits, "target": labels_ignored, "weight": class_weight}, p)
p = {"reduction": "mean", "ignore_index": 1, "label_smoothing": 0.2}
add("ce_ignore_index1", "cross_entropy", ce(p),
    {"input": logits, "target": labels_ignore1, "weight": class_weight}, p)
p = {"reduction": "mean", "label_smoothing": 1.0}
add("ce_ls1", "cross_entropy", ce(p), {"input": logits, "target": labels}, p)
p = {"reduction": "mean"}
add("ce_large_logits", "cross_entropy", ce(p), {"input": logits * 40, "target": labels}, p)

# per-pixel (segmentation): [N, C, H, W] with [N, H, W]; and a 1-D sequence [N, C, L]
seg = f32((2, 3, 4, 5), -3, 3)
seg_labels = rng.randint(0, 3, size=(2, 4, 5)).astype(np.int64)
seg_ignored = seg_labels.copy()
seg_ignored[0, 1, :3] = 255
seg_weight = np.array([0.3, 1.0, 2.0], dtype=np.float32)
for red in ["mean", "sum", "none"]:
    p = {"reduction": red}
    add(f"ce_pixel_{red}", "cross_entropy", ce(p), {"input": seg, "target": seg_labels}, p)
    p = {"reduction": red, "ignore_index": 255, "label_smoothing": 0.1}
    add(f"ce_pixel_weight_ignore_ls_{red}", "cross_entropy", ce(p),
        {"input": seg, "target": seg_ignored, "weight": seg_weight}, p)
p = {"reduction": "mean", "label_smoothing": 0.05}
add("ce_sequence", "cross_entropy", ce(p),
    {"input": f32((2, 3, 4)), "target": rng.randint(0, 3, size=(2, 4)).astype(np.int64)}, p)
# unbatched [C] with a 0-d target
for red in ["mean", "none"]:
    p = {"reduction": red, "label_smoothing": 0.1}
    add(f"ce_unbatched_{red}", "cross_entropy", ce(p),
        {"input": f32((5,)), "target": np.array(3, dtype=np.int64), "weight": class_weight}, p)

# class-probability targets (float target of the input's shape)
probs_target = softmax_np(f32((6, 5), -2, 2))
for red in ["mean", "sum", "none"]:
    p = {"reduction": red}
    add(f"ce_prob_{red}", "cross_entropy", ce(p), {"input": logits, "target": probs_target}, p,
        grads=("input", "target"))
    p = {"reduction": red, "label_smoothing": 0.15}
    add(f"ce_prob_weight_ls_{red}", "cross_entropy", ce(p),
        {"input": logits, "target": probs_target, "weight": class_weight}, p, grads=("input", "target"))
p = {"reduction": "mean", "label_smoothing": 0.1}
add("ce_prob_pixel", "cross_entropy", ce(p),
    {"input": seg, "target": softmax_np(f32((2, 3, 4, 5)))}, p, grads=("input", "target"))

# ---------------------------------------------------------------- nll_loss
def nll(p):
    def fn(t):
        return F.nll_loss(t["input"], t["target"], weight=t.get("weight"),
                          ignore_index=p.get("ignore_index", -100), reduction=p.get("reduction", "mean"))
    return fn


log_probs = np.log(softmax_np(logits)).astype(np.float32)
for red in ["mean", "sum", "none"]:
    p = {"reduction": red}
    add(f"nll_{red}", "nll_loss", nll(p), {"input": log_probs, "target": labels}, p)
    add(f"nll_weight_ignore_{red}", "nll_loss", nll(p),
        {"input": log_probs, "target": labels_ignored, "weight": class_weight}, p)
p = {"reduction": "mean", "ignore_index": 255}
add("nll_pixel_weight_ignore", "nll_loss", nll(p),
    {"input": np.log(softmax_np(seg)).astype(np.float32), "target": seg_ignored, "weight": seg_weight}, p)
p = {"reduction": "sum"}
add("nll_unbatched", "nll_loss", nll(p), {"input": log_probs[0], "target": np.array(2, dtype=np.int64)}, p)

# ---------------------------------------------------------------- regression
x_reg = f32((4, 5), -2, 2)
t_reg = f32((4, 5), -2, 2)
t_col = f32((4, 1), -2, 2)
for red in ["mean", "sum", "none"]:
    p = {"reduction": red}
    add(f"mse_{red}", "mse_loss", lambda t, r=red: F.mse_loss(t["input"], t["target"], reduction=r),
        {"input": x_reg, "target": t_reg}, p, grads=("input", "target"))
    add(f"l1_{red}", "l1_loss", lambda t, r=red: F.l1_loss(t["input"], t["target"], reduction=r),
        {"input": x_reg, "target": t_reg}, p, grads=("input", "target"))
# broadcast target [4, 1] against [4, 5] (PyTorch warns, computes it anyway)
p = {"reduction": "mean"}
add("mse_broadcast", "mse_loss", lambda t: F.mse_loss(t["input"], t["target"]),
    {"input": x_reg, "target": t_col}, p, grads=("input", "target"))
add("l1_broadcast", "l1_loss", lambda t: F.l1_loss(t["input"], t["target"], reduction="sum"),
    {"input": x_reg, "target": t_col}, {"reduction": "sum"}, grads=("input", "target"))
for beta, red in [(1.0, "mean"), (1.0, "none"), (0.5, "sum"), (2.0, "mean"), (0.0, "mean")]:
    p = {"reduction": red, "beta": beta}
    add(f"smooth_l1_beta{beta}_{red}", "smooth_l1_loss",
        lambda t, r=red, b=beta: F.smooth_l1_loss(t["input"], t["target"], reduction=r, beta=b),
        {"input": x_reg, "target": t_reg}, p, grads=("input", "target"))

# ---------------------------------------------------------------- binary cross-entropy
probs = f32((4, 3), 0.02, 0.98)
soft = f32((4, 3), 0.0, 1.0)
hard = rng.randint(0, 2, size=(4, 3)).astype(np.float32)
bin_weight = f32((3,), 0.2, 2.0)
for red in ["mean", "sum", "none"]:
    p = {"reduction": red}
    add(f"bce_{red}", "binary_cross_entropy",
        lambda t, r=red: F.binary_cross_entropy(t["input"], t["target"], reduction=r),
        {"input": probs, "target": soft}, p, grads=("input", "target"))
p = {"reduction": "mean"}
add("bce_weight", "binary_cross_entropy",
    lambda t: F.binary_cross_entropy(t["input"], t["target"], weight=t["weight"]),
    {"input": probs, "target": hard, "weight": bin_weight}, p, grads=("input", "target"))
# probabilities of exactly 0 and 1: the logs clamp at -100, the gradient stays finite
edge_p = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30], dtype=np.float32)
edge_t = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0], dtype=np.float32)
add("bce_edges", "binary_cross_entropy",
    lambda t: F.binary_cross_entropy(t["input"], t["target"], reduction="none"),
    {"input": edge_p, "target": edge_t}, {"reduction": "none"}, grads=("input", "target"))

scores = f32((4, 3), -4, 4)
pos_weight = np.array([3.0, 0.5, 1.0], dtype=np.float32)
for red in ["mean", "sum", "none"]:
    p = {"reduction": red}
    add(f"bcel_{red}", "binary_cross_entropy_with_logits",
        lambda t, r=red: F.binary_cross_entropy_with_logits(t["input"], t["target"], reduction=r),
        {"input": scores, "target": soft}, p, grads=("input", "target"))
    add(f"bcel_weight_pos_{red}", "binary_cross_entropy_with_logits",
        lambda t, r=red: F.binary_cross_entropy_with_logits(t["input"], t["target"], weight=t["weight"],
                                                           pos_weight=t["pos_weight"], reduction=r),
        {"input": scores, "target": hard, "weight": bin_weight, "pos_weight": pos_weight}, p,
        grads=("input", "target"))
p = {"reduction": "mean"}
add("bcel_pos", "binary_cross_entropy_with_logits",
    lambda t: F.binary_cross_entropy_with_logits(t["input"], t["target"], pos_weight=t["pos_weight"]),
    {"input": scores, "target": soft, "pos_weight": pos_weight}, p, grads=("input", "target"))
big = np.array([[-90.0, -20.0, 0.0], [20.0, 90.0, 1e-3]], dtype=np.float32)
add("bcel_large", "binary_cross_entropy_with_logits",
    lambda t: F.binary_cross_entropy_with_logits(t["input"], t["target"], pos_weight=t["pos_weight"],
                                                 reduction="none"),
    {"input": big, "target": np.array([[1, 0, 1], [0, 1, 1]], dtype=np.float32), "pos_weight": pos_weight},
    {"reduction": "none"}, grads=("input", "target"))

# ---------------------------------------------------------------- kl_div
log_q = np.log(softmax_np(f32((4, 5)))).astype(np.float32)
p_target = softmax_np(f32((4, 5)))
p_zeros = p_target.copy()
p_zeros[0, 1] = 0.0
p_zeros[2, :2] = 0.0
for red in ["mean", "batchmean", "sum", "none"]:
    p = {"reduction": red, "log_target": False}
    add(f"kl_{red}", "kl_div", lambda t, r=red: F.kl_div(t["input"], t["target"], reduction=r),
        {"input": log_q, "target": p_target}, p, grads=("input", "target"))
    p = {"reduction": red, "log_target": True}
    add(f"kl_logtarget_{red}", "kl_div",
        lambda t, r=red: F.kl_div(t["input"], t["target"], reduction=r, log_target=True),
        {"input": log_q, "target": np.log(p_target).astype(np.float32)}, p, grads=("input", "target"))
p = {"reduction": "batchmean", "log_target": False}
add("kl_zeros", "kl_div", lambda t: F.kl_div(t["input"], t["target"], reduction="batchmean"),
    {"input": log_q, "target": p_zeros}, p)
p = {"reduction": "sum", "log_target": False}
add("kl_broadcast", "kl_div", lambda t: F.kl_div(t["input"], t["target"], reduction="sum"),
    {"input": log_q, "target": p_target[1]}, p, grads=("input", "target"))


def distillation(t, temperature=2.0):
    # seed 002: nn.KLDivLoss()(torch.log(student_prob), teacher_prob) * temperature ** 2
    student_prob = torch.softmax(t["input"] / temperature, dim=1)
    teacher_prob = torch.softmax(t["target"] / temperature, dim=1)
    return torch.nn.KLDivLoss()(torch.log(student_prob), teacher_prob) * (temperature ** 2)


add("kl_distillation", "kl_distillation", distillation,
    {"input": f32((4, 5), -3, 3), "target": f32((4, 5), -3, 3)}, {"temperature": 2.0})


# ---------------------------------------------------------------- dice (seed 002)
def dice_tutorial(pred, target, smooth=1e-6):
    pred = pred.contiguous().view(-1)
    target = target.contiguous().view(-1)
    intersection = (pred * target).sum()
    return 1 - (2. * intersection + smooth) / (pred.sum() + target.sum() + smooth)


def dice_classes(probs, labels, smooth):
    # one-hot the labels and average the tutorial's dice over the classes
    c = probs.shape[1]
    return torch.stack([dice_tutorial(probs[:, k], (labels == k).double(), smooth) for k in range(c)]).mean()


mask_probs = f32((2, 1, 4, 4), 0.01, 0.99)
mask = rng.randint(0, 2, size=(2, 4, 4)).astype(np.float32)
class_probs = softmax_np(f32((2, 3, 4, 4), -2, 2))
class_labels = rng.randint(0, 3, size=(2, 4, 4)).astype(np.int64)
class_labels[1] = np.minimum(class_labels[1], 1)  # class 2 only in the first image
for smooth in [1.0, 1e-6]:
    p = {"smooth": smooth}
    add(f"dice_mask_smooth{smooth}", "dice_loss", lambda t, s=smooth: dice_tutorial(t["input"], t["target"], s),
        {"input": mask_probs, "target": mask}, p, grads=("input", "target"))
    add(f"dice_classes_smooth{smooth}", "dice_loss",
        lambda t, s=smooth: dice_classes(t["input"], t["target"], s),
        {"input": class_probs, "target": class_labels}, p)


# ---------------------------------------------------------------- contrastive
def contrastive_tutorial(output1, output2, label, margin):
    # the classic siamese tutorial: label = 1 for a *different* pair, [N, 1]
    euclidean_distance = F.pairwise_distance(output1, output2, keepdim=True)
    return torch.mean((1 - label) * torch.pow(euclidean_distance, 2) +
                      label * torch.pow(torch.clamp(margin - euclidean_distance, min=0.0), 2))


emb_a = f32((8, 4), -1, 1)
emb_b = f32((8, 4), -1, 1)
emb_b[3] = emb_a[3]  # an identical pair: d = pairwise_distance's eps
same = np.array([1, 0, 1, 0, 0, 1, 0, 0], dtype=np.float32)
for margin in [1.0, 2.0]:
    p = {"margin": margin}
    add(f"contrastive_margin{margin}", "contrastive_loss",
        lambda t, m=margin: contrastive_tutorial(t["input"], t["target"], 1 - t["same"].view(-1, 1), m),
        {"input": emb_a, "target": emb_b, "same": same}, p, grads=("input", "target"))

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(f"{len(cases)} cases, {sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))} bytes")

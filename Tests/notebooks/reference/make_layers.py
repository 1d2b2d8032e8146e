"""Writes layers.vis: the layers of issue 17 checked against PyTorch.

RNN, RNNCell, LSTMCell, GRUCell, Embedding (padding_idx, max_norm,
scale_grad_by_freq, from_pretrained, F.embedding), Bilinear, the padding layers and
F.pad in every mode, PixelShuffle / PixelUnshuffle / ChannelShuffle and Unflatten.
Each case builds the layer in vis with PyTorch's constructor, copies PyTorch's seeded
parameters in as literals (`no_grad { m.name.copy_(...) }`), runs fixed seeded inputs,
and checks the outputs, then backpropagates sum(output * fixed random weights) and
checks the gradients of every float input and every parameter. Run with PyTorch:
    /work/torchenv/bin/python Tests/notebooks/reference/make_layers.py

Tolerances: rtol 1e-5, atol 1e-5 for everything float. vis's matrix products sum in
another order than PyTorch's BLAS, the LSTM / GRU cells use vis's vectorised exp /
tanh (1-2 ulp from libm, see RecurrentMath.swift), and the recurrences compound a few
ulp over the steps; the shuffles and paddings are exact copies (and sums of copies in
the gradients) and pass far inside these bounds. Integer results are exact.
"""
import os
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchref import Notebook, lit

torch.manual_seed(17)
HERE = os.path.dirname(os.path.abspath(__file__))
nb = Notebook(os.path.join(HERE, "layers.vis"), "The layers of issue 17 against PyTorch (outputs and gradients)", "make_layers.py")
TOL = dict(rtol=1e-5, atol=1e-5)
nb.line("import torch")
nb.line("import torch.nn as nn")
nb.line("import torch.nn.functional as F")
counter = [0]


def flatten_outputs(out, expr):
    """(vis expression, tensor) for every tensor in a (nested) tuple result."""
    if isinstance(out, torch.Tensor):
        return [(expr, out)]
    items = []
    for i, o in enumerate(out):
        items += flatten_outputs(o, f"{expr}[{i}]")
    return items


def case(title, vis_ctor, module, args, vis_args=None, call=None):
    """Checks `module(*args)` (or `call(*args)`) and its gradients against vis.

    A functional case passes its keyword arguments in the Python `call`; the vis call
    line (`rK = F.x(args)`) gets the same keywords appended right after.

    vis_ctor: the vis constructor expression (None for a functional `call`);
    args: tensors (float ones get gradients) or other values given as vis source in
    `vis_args` (a list of the same length; None entries use the tensor literal)."""
    counter[0] += 1
    k = counter[0]
    nb.comment(title)
    names = []
    if module is not None:
        nb.line(f"m{k} = {vis_ctor}")
        params = list(module.named_parameters())
        if params:
            nb.line(f"no_grad {{ " + "; ".join(f"m{k}.{n}.copy_({lit(p)})" for n, p in params) + " }")
    tensors = []
    for i, a in enumerate(args):
        src = vis_args[i] if vis_args and vis_args[i] is not None else None
        if isinstance(a, torch.Tensor) and a.is_floating_point():
            a = a.detach().clone().requires_grad_(True)
            nb.line(f"x{k}_{i} = {lit(a, requires_grad=True)}")
            names.append(f"x{k}_{i}")
            tensors.append(a)
        elif isinstance(a, torch.Tensor):
            nb.line(f"x{k}_{i} = {lit(a)}")
            names.append(f"x{k}_{i}")
            tensors.append(a)
        else:
            names.append(src)
            tensors.append(a)
    fn = call if call is not None else module
    out = fn(*tensors)
    callee = f"m{k}" if module is not None else vis_ctor
    nb.line(f"r{k} = {callee}({', '.join(names)})")
    outs = flatten_outputs(out, f"r{k}")
    for expr, t in outs:
        nb.check(expr, t.detach(), **TOL)
    loss_terms = []
    total = 0
    for j, (expr, t) in enumerate(outs):
        if not t.is_floating_point() or not t.requires_grad:
            continue
        w = torch.randn(t.shape)
        total = total + (t * w).sum()
        loss_terms.append(f"({expr} * {lit(w)}).sum()")
    if not loss_terms:
        return
    total.backward()
    nb.line(f"({' + '.join(loss_terms)}).backward()")
    for name, a in zip(names, tensors):
        if isinstance(a, torch.Tensor) and a.is_floating_point():
            nb.check(f"{name}.grad", a.grad, **TOL)
    if module is not None:
        for n, p in module.named_parameters():
            if p.requires_grad:
                nb.check(f"m{k}.{n}.grad", p.grad, **TOL)


# Recurrent layers.
case("RNN tanh with h0", "nn.RNN(3, 4)", nn.RNN(3, 4), [torch.randn(5, 2, 3), torch.randn(1, 2, 4)])
case("RNN relu, 2 layers, batch_first, bidirectional", 'nn.RNN(3, 4, 2, nonlinearity="relu", batch_first=true, bidirectional=true)',
     nn.RNN(3, 4, 2, nonlinearity="relu", batch_first=True, bidirectional=True), [torch.randn(2, 5, 3)])
case("RNN without bias, unbatched, with h0", "nn.RNN(3, 4, bias=false, num_layers=2)", nn.RNN(3, 4, bias=False, num_layers=2),
     [torch.randn(6, 3), torch.randn(2, 4)])
case("RNNCell with hx", "nn.RNNCell(3, 4)", nn.RNNCell(3, 4), [torch.randn(2, 3), torch.randn(2, 4)])
case("RNNCell relu without bias, no hx", 'nn.RNNCell(3, 4, bias=false, nonlinearity="relu")', nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
     [torch.randn(5, 3)])
case("RNNCell unbatched", "nn.RNNCell(3, 4)", nn.RNNCell(3, 4), [torch.randn(3), torch.randn(4)])
lstm = nn.LSTMCell(3, 4)
h0, c0 = torch.randn(2, 4, requires_grad=True), torch.randn(2, 4, requires_grad=True)
counter[0] += 1
k = counter[0]
nb.comment("LSTMCell with (h, c)")
nb.line(f"m{k} = nn.LSTMCell(3, 4)")
nb.line("no_grad { " + "; ".join(f"m{k}.{n}.copy_({lit(p)})" for n, p in lstm.named_parameters()) + " }")
x = torch.randn(2, 3, requires_grad=True)
nb.line(f"x{k} = {lit(x, True)}; h{k} = {lit(h0, True)}; c{k} = {lit(c0, True)}")
hn, cn = lstm(x, (h0, c0))
nb.line(f"r{k} = m{k}(x{k}, (h{k}, c{k}))")
nb.check(f"r{k}[0]", hn.detach(), **TOL)
nb.check(f"r{k}[1]", cn.detach(), **TOL)
wh, wc = torch.randn(2, 4), torch.randn(2, 4)
((hn * wh).sum() + (cn * wc).sum()).backward()
nb.line(f"((r{k}[0] * {lit(wh)}).sum() + (r{k}[1] * {lit(wc)}).sum()).backward()")
for name, t in [(f"x{k}", x), (f"h{k}", h0), (f"c{k}", c0)]:
    nb.check(f"{name}.grad", t.grad, **TOL)
for n, p in lstm.named_parameters():
    nb.check(f"m{k}.{n}.grad", p.grad, **TOL)
case("LSTMCell without state, no bias", "nn.LSTMCell(3, 4, bias=false)", nn.LSTMCell(3, 4, bias=False), [torch.randn(3, 3)])
case("LSTMCell unbatched", "nn.LSTMCell(3, 5)", nn.LSTMCell(3, 5), [torch.randn(3)])
case("GRUCell with hx", "nn.GRUCell(3, 4)", nn.GRUCell(3, 4), [torch.randn(2, 3), torch.randn(2, 4)])
case("GRUCell without hx, no bias", "nn.GRUCell(3, 4, bias=false)", nn.GRUCell(3, 4, bias=False), [torch.randn(3, 3)])
case("GRUCell unbatched with hx", "nn.GRUCell(2, 9)", nn.GRUCell(2, 9), [torch.randn(2), torch.randn(9)])

# Embedding: repeated indices accumulate, padding_idx gets no gradient.
idx = torch.tensor([[1, 2, 1], [9, 0, 1]])
case("Embedding", "nn.Embedding(10, 3)", nn.Embedding(10, 3), [idx])
case("Embedding padding_idx=1", "nn.Embedding(10, 3, padding_idx=1)", nn.Embedding(10, 3, padding_idx=1), [idx])
case("Embedding padding_idx=-1", "nn.Embedding(10, 3, padding_idx=-1)", nn.Embedding(10, 3, padding_idx=-1), [idx])
case("Embedding scale_grad_by_freq", "nn.Embedding(10, 3, scale_grad_by_freq=true)", nn.Embedding(10, 3, scale_grad_by_freq=True), [idx])
case("Embedding 0-d and 3-d indices", "nn.Embedding(4, 2)", nn.Embedding(4, 2), [torch.randint(0, 4, (2, 2, 3))])
emb = nn.Embedding(10, 3, max_norm=1.0)
case("Embedding max_norm renormalises the rows it reads", "nn.Embedding(10, 3, max_norm=1.0)", emb, [idx])
nb.check(f"m{counter[0]}.weight", emb.weight.detach(), **TOL)
emb = nn.Embedding(10, 3, max_norm=0.5, norm_type=1.0)
case("Embedding max_norm with norm_type=1", "nn.Embedding(10, 3, max_norm=0.5, norm_type=1.0)", emb, [idx])
nb.check(f"m{counter[0]}.weight", emb.weight.detach(), **TOL)
table = torch.randn(5, 3)
case("F.embedding with padding_idx", "F.embedding", None, [torch.tensor([0, 4, 4, 2]), table],
     call=lambda i, w: F.embedding(i, w, padding_idx=4))
for j, l in enumerate(nb.lines):
    if l.startswith(f"r{counter[0]} = F.embedding("):
        nb.lines[j] = l[:-1] + ", padding_idx=4)"

# Bilinear.
case("Bilinear", "nn.Bilinear(2, 3, 4)", nn.Bilinear(2, 3, 4), [torch.randn(5, 2), torch.randn(5, 3)])
case("Bilinear without bias, leading dims", "nn.Bilinear(3, 2, 2, bias=false)", nn.Bilinear(3, 2, 2, bias=False),
     [torch.randn(2, 3, 3), torch.randn(2, 3, 2)])
case("F.bilinear", "F.bilinear", None, [torch.randn(4, 2), torch.randn(4, 3), torch.randn(5, 2, 3), torch.randn(5)],
     call=lambda a, b, w, bias: F.bilinear(a, b, w, bias))

# Padding layers and F.pad.
x3, x4 = torch.randn(2, 3, 5), torch.randn(2, 2, 4, 5)
case("ZeroPad1d", "nn.ZeroPad1d((2, 1))", nn.ZeroPad1d((2, 1)), [x3])
case("ZeroPad2d", "nn.ZeroPad2d((1, 2, 0, 3))", nn.ZeroPad2d((1, 2, 0, 3)), [x4])
case("ConstantPad1d", "nn.ConstantPad1d(2, 3.5)", nn.ConstantPad1d(2, 3.5), [x3])
case("ConstantPad2d with a negative (cropping) side", "nn.ConstantPad2d((-1, 2, 1, 0), 1.5)", nn.ConstantPad2d((-1, 2, 1, 0), 1.5), [x4])
case("ReflectionPad1d", "nn.ReflectionPad1d((3, 1))", nn.ReflectionPad1d((3, 1)), [x3])
case("ReflectionPad2d", "nn.ReflectionPad2d((1, 2, 3, 1))", nn.ReflectionPad2d((1, 2, 3, 1)), [x4])
case("ReflectionPad2d unbatched", "nn.ReflectionPad2d(2)", nn.ReflectionPad2d(2), [torch.randn(2, 3, 4)])
case("ReplicationPad1d", "nn.ReplicationPad1d((4, 1))", nn.ReplicationPad1d((4, 1)), [x3])
case("ReplicationPad2d", "nn.ReplicationPad2d((2, 0, 1, 3))", nn.ReplicationPad2d((2, 0, 1, 3)), [x4])
case("CircularPad2d", "nn.CircularPad2d((1, 2, 4, 0))", nn.CircularPad2d((1, 2, 4, 0)), [x4])
for mode in ["constant", "reflect", "replicate", "circular"]:
    case(f"F.pad {mode}, last three dimensions of a 5-D input", "F.pad", None, [torch.randn(1, 2, 3, 4, 3)],
         call=lambda t, mode=mode: F.pad(t, (1, 2, 2, 0, 1, 1), mode=mode))
    for j, l in enumerate(nb.lines):
        if l.startswith(f"r{counter[0]} = F.pad("):
            nb.lines[j] = l[:-1] + f', (1, 2, 2, 0, 1, 1), mode="{mode}")'
case("F.pad constant value, 1 dimension of a 2-D input", "F.pad", None, [torch.randn(3, 4)],
     call=lambda t: F.pad(t, (0, 3), value=-2.0))
for j, l in enumerate(nb.lines):
    if l.startswith(f"r{counter[0]} = F.pad("):
        nb.lines[j] = l[:-1] + ", (0, 3), value=-2.0)"

# Shuffles and Unflatten.
case("PixelShuffle", "nn.PixelShuffle(2)", nn.PixelShuffle(2), [torch.randn(2, 8, 2, 3)])
case("PixelUnshuffle", "nn.PixelUnshuffle(2)", nn.PixelUnshuffle(2), [torch.randn(1, 2, 4, 6)])
case("PixelShuffle unbatched, factor 3", "nn.PixelShuffle(3)", nn.PixelShuffle(3), [torch.randn(9, 1, 2)])
case("ChannelShuffle", "nn.ChannelShuffle(3)", nn.ChannelShuffle(3), [torch.randn(2, 6, 2, 2)])
case("Unflatten", "nn.Unflatten(1, (2, -1))", nn.Unflatten(1, (2, -1)), [torch.randn(3, 6)])

nb.write()

/// Stateless neural-network ops (PyTorch's torch.nn.functional): forward kernels with
/// their backward rules. Layers (modules) hold parameters and call these.
public enum Functional {}

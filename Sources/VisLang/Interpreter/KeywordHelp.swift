/// Help for the language's keywords and forms, keyed by spelling, for `:help for` and
/// `help("for")`. Every case of `Keyword` must have an entry (a test checks it), so a
/// new keyword comes with its help; entries for keywords other branches are adding
/// (`lambda`, `try`, `with` ...) are here already, keyed by spelling.
public enum KeywordHelp {
    /// Each keyword's text: what it does, then an example line.
    public static let entries: [String: String] = [
        "fn": """
        Defines a function: `fn name(a, b=2) { ... }` (defaults are evaluated once, when the
        `fn` runs), or an anonymous one: `fn(x) { return x * 2 }` / `fn(x) => x * 2`.
        Inside a model block, `fn` defines a method.
          fn square(x) { return x * x }
        """,
        "return": """
        Ends the function and gives its value (none when omitted or without `return`);
        `return a, b` returns a tuple. Outside a function it is a syntax error.
          fn half(x) { return x / 2 }
        """,
        "if": """
        Runs a block when a condition is true: `if c { } else if d { } else { }`. Also the
        conditional expression `a if cond else b`.
          if loss < best { best = loss }
        """,
        "else": """
        The branch of an `if` taken when no condition held (`else if` chains another
        test); required in the conditional expression `a if cond else b`.
          if x > 0 { print("pos") } else { print("not pos") }
        """,
        "for": """
        Loops over any iterable (list, range, tensor, dict keys, dataset, DataLoader);
        several targets unpack each element. The loop variables stay bound afterwards.
          for x, y in loader { loss = cross_entropy(net(x), y) }
        """,
        "in": """
        Separates a `for` loop's targets from the iterable; as an operator, `a in b` tests
        membership (list and tuple elements, substrings, dict keys, tensor values) and
        `not in` its negation.
          for i in range(3) { print(i) }
        """,
        "while": """
        Repeats a block while a condition is true (Ctrl-C stops even `while true { }`).
          while step < 10 { step += 1 }
        """,
        "break": """
        Leaves the innermost `for` or `while` loop at once.
          for x in xs { if x < 0 { break } }
        """,
        "continue": """
        Skips to the next iteration of the innermost loop.
          for x in xs { if x == none { continue }; total += x }
        """,
        "model": """
        Declares a model class like a PyTorch nn.Module: parameters become fields, every
        name the body assigns becomes a field (modules are registered as children, in
        order), every `fn` a method; calling an instance calls `forward`.
          model MLP(hidden=64) { fc = Linear(784, hidden); fn forward(x) { return fc(x) } }
        """,
        "true": """
        The bool true (Python's True).
          done = true
        """,
        "false": """
        The bool false (Python's False).
          net.train(false)
        """,
        "none": """
        The absent value (Python's None): what a function without `return` gives; a new
        axis when indexing a tensor.
          best = none
        """,
        "and": """
        Logical and: gives the first false operand, else the last one, and does not
        evaluate the right side when the left is false.
          if epoch > 0 and loss < best { best = loss }
        """,
        "or": """
        Logical or: gives the first true operand, else the last one, and does not evaluate
        the right side when the left is true.
          name = given or "default"
        """,
        "not": """
        Logical negation, giving a bool; `not in` tests that a value is absent.
          if not exists(path) { mkdir(path) }
        """,
        "global": """
        Lets a function assign module-level names: `global a, b` (at the top level it
        does nothing).
          fn bump() { global count; count += 1 }
        """,
        "no_grad": """
        Runs a block without recording gradients (PyTorch's `with torch.no_grad():`); the
        previous mode comes back however the block ends.
          no_grad { w -= lr * w.grad }
        """,
        "assert": """
        Stops with an error when the condition is false: `assert cond, message` (the
        message is evaluated only then); the error reads `assertion failed: message`.
          assert x.shape == [2, 3], "bad shape"
        """,
        // Keywords that other branches are adding, with Python's meaning.
        "lambda": """
        An anonymous function of one expression, as Python's: `lambda x: x * 2` is
        `fn(x) => x * 2`.
          sorted(pairs, key=lambda p: p[1])
        """,
        "is": """
        Identity test: `a is b` is true when both name the same object (`is not` negates);
        `x is none` tests for none.
          if scheduler is not none { scheduler.step() }
        """,
        "del": """
        Removes a name, a list element or slice, or a dict key: `del x`, `del xs[0]`,
        `del d["key"]`.
          del cache["old"]
        """,
        "pass": """
        A statement that does nothing, for an empty block.
          for x in loader { pass }
        """,
        "elif": """
        Python's spelling of `else if`: another condition tested when the earlier ones
        were false.
          if x > 0 { s = 1 } elif x < 0 { s = -1 } else { s = 0 }
        """,
        "with": """
        Runs a block inside a context manager (`with torch.no_grad():`, an open file):
        the manager is entered first and exited however the block ends; `as` names what
        entering gave.
          with no_grad() { y = net(x) }
        """,
        "as": """
        Names a value in `with EXPR as NAME`, `except Error as e` and
        `import module as name`.
          with open("log.txt", "w") as f { f.write("hi") }
        """,
        "try": """
        Runs a block and handles the errors it raises in `except` clauses; `finally` runs
        however the block ends.
          try { x = load_npy(path) } except { x = zeros(3) }
        """,
        "except": """
        A handler of a `try` block: `except { }` catches every error, `except Error as e { }`
        catches that kind and names the error.
          try { v = int(s) } except ValueError as e { print(e) }
        """,
        "finally": """
        The block of a `try` that always runs, whether the block succeeded, raised or
        returned.
          try { train() } finally { save(net, "last.safetensors") }
        """,
        "raise": """
        Raises an error: `raise ValueError("message")`; a bare `raise` inside `except`
        raises the caught error again.
          if lr <= 0 { raise ValueError(f"lr must be positive, got {lr}") }
        """,
        "import": """
        Imports a module, as Python's `import torch` (vis names the PyTorch modules'
        contents directly, so imports of torch, torch.nn and friends let ported code run).
          import torch.nn as nn
        """,
        "from": """
        Imports names from a module: `from torch import nn` (see `import`).
          from torch.utils.data import DataLoader
        """,
    ]
}

"""Student-style mini autodiff: ``Var``, ``Plus``, ``Mul``, ``Sin``, ``Logistic``, ``MatMul``.

The contract (graded together): an operation called on Vars returns a new Var whose creator it
is; ``evaluate()`` recomputes from the leaves every time and never changes a leaf;
``backward(s)`` adds ``s`` to ``grad`` and passes it down, each operation multiplying by its
derivative; ``zero_grad()`` resets every Var below; ``s`` is never changed.

The classes build each other, so a variant here is a notebook cell (see tests/corpus/__init__.py):
the body of each function below, after its docstring, defines some of ``GROUP`` under their
own names (the function is only its container, never called). A cell that redefines ``Var``
redefines ``Op`` and the operations too, since they build their results with the ``Var`` their
own cell sees; a cell that changes one operation leaves the rest of the notebook as it is.
"""

import math

import numpy as np
import torch

GROUP = ("Var", "Op", "Plus", "Mul", "Sin", "Logistic", "MatMul")

# --- correct -------------------------------------------------------------------------------


def correct_notebook_template():
    """The notebook's template filled in: evaluate stores val, the operations read their args' val."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad += s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            A, B = [arg.evaluate() for arg in self.args]
            return A + B

        def backward(self, s):
            A, B = self.args
            A.backward(s)
            B.backward(s)

    class Mul(Op):
        def evaluate(self):
            A, B = [arg.evaluate() for arg in self.args]
            return A * B

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.val)
            B.backward(s * A.val)

    class Sin(Op):
        def evaluate(self):
            (A,) = [arg.evaluate() for arg in self.args]
            return np.sin(A)

        def backward(self, s):
            (A,) = self.args
            A.backward(s * np.cos(A.val))

    class Logistic(Op):
        def evaluate(self):
            (A,) = [arg.evaluate() for arg in self.args]
            return logistic(A)

        def backward(self, s):
            (A,) = self.args
            y = logistic(A.val)
            A.backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            A, B = [arg.evaluate() for arg in self.args]
            return A @ B

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.val.T)
            B.backward(A.val.T @ s)


def correct_local_derivatives_in_the_base_class():
    """grad is None until zero_grad; each operation lists the derivatives it passes down, and
    the base class sends them to the args."""

    class Var:
        def __init__(self, val):
            self.val = np.asarray(val, dtype=float)
            self.grad = None
            self.creator = None

        def evaluate(self):
            if self.creator is not None:
                self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros(np.shape(self.val))
            if self.creator:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad = self.grad + s
            if self.creator:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            out = Var(self.evaluate())
            out.creator = self
            return out

        def backward(self, s):
            for arg, part in zip(self.args, self.parts(s)):
                arg.backward(part)

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def parts(self, s):
            return s, s

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def parts(self, s):
            return s * self.args[1].val, s * self.args[0].val

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def parts(self, s):
            return (s * np.cos(self.args[0].val),)

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def parts(self, s):
            y = 1 / (1 + np.exp(-self.args[0].val))
            return (s * y * (1 - y),)

    class MatMul(Op):
        def evaluate(self):
            return np.dot(self.args[0].evaluate(), self.args[1].evaluate())

        def parts(self, s):
            A, B = self.args
            return np.dot(s, B.val.T), np.dot(A.val.T, s)


def correct_recomputes_inputs_in_backward():
    """evaluate returns values without storing them; backward evaluates the args again."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            return self.val if self.creator is None else self.creator.evaluate()

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad = self.grad + s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def correct_torch_tensors_inside():
    """Values and gradients are float64 tensors; numpy arrays are converted on the way in."""

    class Var:
        def __init__(self, val):
            self.val = torch.as_tensor(val, dtype=torch.float64)
            self.grad = torch.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return torch.as_tensor(self.val, dtype=torch.float64)
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = torch.zeros(tuple(np.shape(self.val)), dtype=torch.float64)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad = self.grad + torch.as_tensor(s, dtype=torch.float64)
            if self.creator is not None:
                self.creator.backward(torch.as_tensor(s, dtype=torch.float64))

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return torch.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * torch.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return torch.sigmoid(self.args[0].evaluate())

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def correct_float32_values():
    """Every value and gradient kept in float32."""

    class Var:
        def __init__(self, val):
            self.val = np.asarray(val, dtype=np.float32)
            self.grad = np.zeros(self.val.shape, dtype=np.float32)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return np.asarray(self.val, dtype=np.float32)
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros(np.shape(self.val), dtype=np.float32)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            s = np.asarray(s, dtype=np.float32)
            self.grad = self.grad + s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result
    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def correct_stack_instead_of_recursion():
    """backward walks the graph with an explicit stack; each operation lists its derivatives."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros(self.val.shape)
            self.creator = None

        def evaluate(self):
            if self.creator is not None:
                self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            pending = [self]
            while pending:
                node = pending.pop()
                node.grad = np.zeros(np.shape(node.val))
                if node.creator is not None:
                    pending.extend(node.creator.args)

        def backward(self, s):
            pending = [(self, s)]
            while pending:
                node, g = pending.pop()
                node.grad = node.grad + g
                if node.creator is not None:
                    pending.extend(zip(node.creator.args, node.creator.derivatives(g)))

    class Op:
        def __call__(self, *args):
            self.args = args
            out = Var(self.evaluate())
            out.creator = self
            return out

        def backward(self, s):
            for arg, g in zip(self.args, self.derivatives(s)):
                arg.backward(g)

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def derivatives(self, s):
            return [s, s]

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def derivatives(self, s):
            return [s * self.args[1].val, s * self.args[0].val]

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def derivatives(self, s):
            return [s * np.cos(self.args[0].val)]

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def derivatives(self, s):
            y = 1 / (1 + np.exp(-self.args[0].val))
            return [s * y * (1 - y)]

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def derivatives(self, s):
            return [s @ self.args[1].val.T, self.args[0].val.T @ s]


def correct_logistic_by_scipy():
    """The notebook's Var, and a Logistic that calls scipy's expit and keeps its output."""

    class Logistic(Op):
        def evaluate(self):
            from scipy.special import expit

            self.y = expit(self.args[0].evaluate())
            return self.y

        def backward(self, s):
            self.args[0].backward(s * self.y * (1 - self.y))


# --- wrong ---------------------------------------------------------------------------------


def wrong_grad_overwritten():
    """backward replaces grad with s instead of adding s to it."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad = s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def wrong_grad_is_s_itself():
    """zero_grad leaves None, and the first backward keeps the very array s it receives."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = None
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            if self.grad is None:
                self.grad = s
            else:
                self.grad += s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def wrong_backward_stops_at_the_top():
    """backward never calls the creator."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad += s

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def wrong_zero_grad_only_here():
    """zero_grad resets this Var alone."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)

        def backward(self, s):
            self.grad += s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def wrong_evaluate_returns_the_stored_value():
    """evaluate returns the val the Var got when the graph was built."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            return self.val

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad += s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def wrong_operations_compute_once():
    """Each operation computes its value when it is called and returns that value ever after."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            self.val = self.creator.evaluate()
            return self.val

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad += s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            self.value = self.evaluate()
            self.evaluate = lambda: self.value
            result = Var(self.value)
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.evaluate())
            B.backward(s * A.evaluate())

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].evaluate()))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate().T @ s)


def wrong_backward_reads_stale_values():
    """evaluate recomputes the value without storing it in val, while backward reads val."""

    class Var:
        def __init__(self, val):
            self.val = np.array(val, dtype=float)
            self.grad = np.zeros_like(self.val)
            self.creator = None

        def evaluate(self):
            if self.creator is None:
                return self.val
            return self.creator.evaluate()

        def zero_grad(self):
            self.grad = np.zeros_like(self.val)
            if self.creator is not None:
                for arg in self.creator.args:
                    arg.zero_grad()

        def backward(self, s):
            self.grad = self.grad + s
            if self.creator is not None:
                self.creator.backward(s)

    class Op:
        def __call__(self, *args):
            self.args = args
            result = Var(self.evaluate())
            result.creator = self
            return result

    class Plus(Op):
        def evaluate(self):
            return self.args[0].evaluate() + self.args[1].evaluate()

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * B.val)
            B.backward(s * A.val)

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.cos(self.args[0].val))

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            y = 1 / (1 + np.exp(-self.args[0].val))
            self.args[0].backward(s * y * (1 - y))

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.val.T)
            B.backward(A.val.T @ s)


def wrong_sin_derivative_is_sin():
    """Sin passes s * sin(A) down."""

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(s * np.sin(self.args[0].evaluate()))


def wrong_sin_derivative_negative():
    """Sin passes -s * cos(A) down."""

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(-s * np.cos(self.args[0].evaluate()))


def wrong_sin_without_s():
    """Sin passes cos(A) down, forgetting the derivative from above."""

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            self.args[0].backward(np.cos(self.args[0].evaluate()))


def wrong_sin_changes_s():
    """Sin multiplies s in place before passing it on."""

    class Sin(Op):
        def evaluate(self):
            return np.sin(self.args[0].evaluate())

        def backward(self, s):
            s *= np.cos(self.args[0].evaluate())
            self.args[0].backward(s)


def wrong_logistic_derivative_at_the_input():
    """Logistic multiplies s by A (1 - A), not y (1 - y)."""

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(-self.args[0].evaluate()))

        def backward(self, s):
            A = self.args[0].evaluate()
            self.args[0].backward(s * A * (1 - A))


def wrong_logistic_sign():
    """Logistic computes 1 / (1 + exp(A))."""

    class Logistic(Op):
        def evaluate(self):
            return 1 / (1 + np.exp(self.args[0].evaluate()))

        def backward(self, s):
            y = self.evaluate()
            self.args[0].backward(s * y * (1 - y))


def wrong_mul_factors_swapped():
    """Mul sends s * A to A and s * B to B."""

    class Mul(Op):
        def evaluate(self):
            return self.args[0].evaluate() * self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s * A.evaluate())
            B.backward(s * B.evaluate())


def wrong_matmul_b_not_transposed_for_a():
    """MatMul sends s @ B to A."""

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate())
            B.backward(A.evaluate().T @ s)


def wrong_matmul_a_not_transposed_for_b():
    """MatMul sends A @ s to B."""

    class MatMul(Op):
        def evaluate(self):
            return self.args[0].evaluate() @ self.args[1].evaluate()

        def backward(self, s):
            A, B = self.args
            A.backward(s @ B.evaluate().T)
            B.backward(A.evaluate() @ s)


def wrong_plus_adds_into_its_first_argument():
    """Plus adds B into the array A evaluated to: a leaf's own val."""

    class Plus(Op):
        def evaluate(self):
            A = self.args[0].evaluate()
            A += self.args[1].evaluate()
            return A

        def backward(self, s):
            self.args[0].backward(s)
            self.args[1].backward(s)


EXPECTED_HINTS = {
    'wrong_grad_overwritten': 'replace grad instead of adding to it',
    'wrong_grad_is_s_itself': 'a Var whose grad is s itself',
    'wrong_backward_stops_at_the_top': 'does not reach the Vars below the top',
    'wrong_zero_grad_only_here': 'zero_grad left a nonzero grad below the top',
    'wrong_evaluate_returns_the_stored_value': 'from when the graph was built, not from the leaves',
    'wrong_operations_compute_once': 'from when the graph was built, not from the leaves',
    'wrong_backward_reads_stale_values': 'backward reads a val that evaluate never updated',
    'wrong_sin_derivative_is_sin': 'the derivative of sin is cos',
    'wrong_sin_derivative_negative': 'Sin passes -s * cos(A) down',
    'wrong_sin_without_s': 'without multiplying it by s',
    'wrong_sin_changes_s': 'backward changed the array s it was given',
    'wrong_logistic_derivative_at_the_input': 'Logistic passes s * A (1 - A) down',
    'wrong_logistic_sign': 'the logistic function is y = 1 / (1 + exp(-A))',
    'wrong_mul_factors_swapped': 'the factors look swapped',
    'wrong_matmul_b_not_transposed_for_a': 'misses a transpose',
    'wrong_matmul_a_not_transposed_for_b': 'misses a transpose',
    'wrong_plus_adds_into_its_first_argument': "evaluating changed a leaf's val",
}
EXPECTED_KEYS = {
    'wrong_grad_overwritten': 'grad_overwritten',
    'wrong_grad_is_s_itself': ('grad_is_the_array_s_itself', 's_modified_in_place'),
    'wrong_backward_stops_at_the_top': 'backward_stops_at_the_top',
    'wrong_zero_grad_only_here': 'zero_grad_does_not_reach_every_var',
    'wrong_evaluate_returns_the_stored_value': 'value_cached_when_built',
    'wrong_operations_compute_once': 'value_cached_when_built',
    'wrong_backward_reads_stale_values': 'backward_uses_stale_values',
    'wrong_sin_derivative_is_sin': 'sin_derivative_is_sin',
    'wrong_sin_derivative_negative': 'sin_derivative_sign',
    'wrong_sin_without_s': 's_not_multiplied',
    'wrong_sin_changes_s': 's_modified_in_place',
    'wrong_logistic_derivative_at_the_input': 'logistic_derivative_at_the_input',
    'wrong_logistic_sign': 'logistic_sign_flipped',
    'wrong_mul_factors_swapped': 'mul_gradients_swapped',
    'wrong_matmul_b_not_transposed_for_a': 'matmul_gradient_not_transposed',
    'wrong_matmul_a_not_transposed_for_b': 'matmul_gradient_not_transposed',
    'wrong_plus_adds_into_its_first_argument': 'evaluate_changed_a_leaf',
}

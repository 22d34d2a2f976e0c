# A complete submission in another style than the solution: masks and np.where, library
# calls where they give the same values (torch's softmax and losses), a flat view of a copy
# for the finite differences, keepdims bias gradients, and operations that cache their inputs.


def lif_firing_rate(v_in, tau_ref=0.002, tau_m=0.02):
    if np.ndim(v_in) == 0:
        if v_in <= 1:
            return 0.0
        return 1.0 / (tau_ref - tau_m * math.log(1.0 - 1.0 / v_in))
    v = np.asarray(v_in, dtype=float)
    safe = np.where(v > 1, v, 2.0)  # any input above 1 keeps the log finite where it is unused
    return np.where(v > 1, 1.0 / (tau_ref - tau_m * np.log1p(-1.0 / safe)), 0.0)


def softmax(z):
    return torch.softmax(torch.as_tensor(z), dim=-1)


def one_hot(z):
    z = np.asarray(z)
    return np.eye(z.shape[-1])[np.argmax(z, axis=-1)]


def mse_loss(y, t):
    d = y - t
    return 0.5 * np.einsum("nk,nk->", d, d) / y.shape[0]


def binary_cross_entropy(y, t):
    return torch.nn.functional.binary_cross_entropy(torch.as_tensor(y), torch.as_tensor(t))


def categorical_cross_entropy(y, t):
    labels = torch.as_tensor(t).argmax(dim=1)
    return torch.nn.functional.nll_loss(torch.log(torch.as_tensor(y)), labels)


def finite_difference_gradient(f, w, delta):
    work = np.array(w, dtype=float)
    flat = work.reshape(-1)  # a view: writing into it changes work, never w
    grad = np.empty(flat.size)
    for i in range(flat.size):
        kept = flat[i]
        flat[i] = kept + delta
        up = f(work)
        flat[i] = kept - delta
        down = f(work)
        flat[i] = kept
        grad[i] = (up - down) / (2.0 * delta)
    return grad.reshape(np.shape(w))


def backprop(X, T, W, a, M, b):
    h = 1.0 / (1.0 + np.exp(-(X @ W + a)))
    y = 1.0 / (1.0 + np.exp(-(h @ M + b)))
    delta_out = (y - T) * y * (1.0 - y) / len(X)
    delta_hidden = np.einsum("ny,hy->nh", delta_out, M) * h * (1.0 - h)
    return (np.einsum("nd,nh->dh", X, delta_hidden), delta_hidden.sum(axis=0, keepdims=True),
            np.einsum("nh,ny->hy", h, delta_out), delta_out.sum(axis=0, keepdims=True))


class Var:
    def __init__(self, val, creator=None):
        self.val = np.asarray(val, dtype=float)
        self.creator = creator
        self.grad = np.zeros(self.val.shape)

    def evaluate(self):
        return self.val if self.creator is None else self.creator.evaluate()

    def zero_grad(self):
        pending, seen = [self], set()
        while pending:
            node = pending.pop()
            if id(node) not in seen:
                seen.add(id(node))
                node.grad = np.zeros(np.shape(node.val))
                if node.creator is not None:
                    pending.extend(node.creator.args)

    def backward(self, s):
        self.grad = self.grad + s
        if self.creator is not None:
            self.creator.backward(s)


class Op:
    def __call__(self, *args):
        self.args = args
        return Var(self.evaluate(), creator=self)

    def inputs(self):
        self.cached = [arg.evaluate() for arg in self.args]  # what backward differentiates at
        return self.cached


class Plus(Op):
    def evaluate(self):
        A, B = self.inputs()
        return A + B

    def backward(self, s):
        for arg in self.args:
            arg.backward(s)


class Mul(Op):
    def evaluate(self):
        A, B = self.inputs()
        return A * B

    def backward(self, s):
        A, B = self.cached
        self.args[0].backward(s * B)
        self.args[1].backward(s * A)


class Sin(Op):
    def evaluate(self):
        return np.sin(self.inputs()[0])

    def backward(self, s):
        self.args[0].backward(s * np.cos(self.cached[0]))


class Logistic(Op):
    def evaluate(self):
        self.out = 1.0 / (1.0 + np.exp(-self.inputs()[0]))
        return self.out

    def backward(self, s):
        self.args[0].backward(s * self.out * (1.0 - self.out))


class MatMul(Op):
    def evaluate(self):
        A, B = self.inputs()
        return np.matmul(A, B)

    def backward(self, s):
        A, B = self.cached
        self.args[0].backward(np.matmul(s, B.T))
        self.args[1].backward(np.matmul(A.T, s))


def weight_decay_step(theta, grad, kappa, lam):
    return (1.0 - kappa * lam) * theta - kappa * grad

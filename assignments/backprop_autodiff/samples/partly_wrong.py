# Seven questions right, three with mistakes students often make: softmax normalised over the
# whole batch (right on a single vector), the hidden layer's sigma' taken at h instead of alpha,
# and a Var whose backward overwrites grad instead of adding to it.

# The questions this sample loses points on, and no other (the tests check it).
LOSES = ["q2_softmax", "q8_backprop", "q9_autodiff"]

# What the notebook's public checks tell this student, by question: each mistake shows on the
# notebook's own examples (the batch of two rows, the notes' network, the notes' expression).
PUBLIC_CHECKS_SAY = {
    "q2_softmax": "divided by one sum over the whole batch",
    "q8_backprop": "the hidden layer's sigma' looks evaluated at h",
    "q9_autodiff": "backward seems to replace grad instead of adding to it",
}


def lif_firing_rate(v_in, tau_ref=0.002, tau_m=0.02):
    v = np.asarray(v_in, dtype=float)
    rates = np.zeros(v.shape)
    firing = v > 1
    rates[firing] = 1 / (tau_ref - tau_m * np.log(1 - 1 / v[firing]))
    return float(rates) if v.ndim == 0 else rates


def softmax(z):
    exps = np.exp(z)
    return exps / np.sum(exps)


def one_hot(z):
    result = np.zeros(np.shape(z))
    np.put_along_axis(result, np.argmax(z, axis=-1)[..., None], 1.0, axis=-1)
    return result


def mse_loss(y, t):
    return np.mean(0.5 * np.sum((y - t) ** 2, axis=1))


def binary_cross_entropy(y, t):
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def categorical_cross_entropy(y, t):
    return -np.mean(np.sum(t * np.log(y), axis=1))


def finite_difference_gradient(f, w, delta):
    gradient = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        step = np.zeros(w.shape)
        step[index] = delta
        gradient[index] = (f(w + step) - f(w - step)) / (2 * delta)
    return gradient


def backprop(X, T, W, a, M, b):
    h = logistic(X @ W + a)
    y = logistic(h @ M + b)
    dE_dbeta = (y - T) * y * (1 - y) / X.shape[0]
    dE_dalpha = logistic(h) * (1 - logistic(h)) * (dE_dbeta @ M.T)
    return X.T @ dE_dalpha, dE_dalpha.sum(axis=0), h.T @ dE_dbeta, dE_dbeta.sum(axis=0)


class Var:
    def __init__(self, val):
        self.val = np.array(val, dtype=float)
        self.grad = np.zeros_like(self.val)
        self.creator = None

    def evaluate(self):
        if self.creator is not None:
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
        return logistic(self.args[0].evaluate())

    def backward(self, s):
        y = logistic(self.args[0].val)
        self.args[0].backward(s * y * (1 - y))


class MatMul(Op):
    def evaluate(self):
        return self.args[0].evaluate() @ self.args[1].evaluate()

    def backward(self, s):
        A, B = self.args
        A.backward(s @ B.val.T)
        B.backward(A.val.T @ s)


def weight_decay_step(theta, grad, kappa, lam):
    return theta - kappa * grad - kappa * lam * theta

# Three questions right (q1, q2, q5) and three with mistakes students often make: an extra
# sigmoid-derivative factor in the gradient (q3), losses recorded after each update (q4),
# and the chain-rule factor of exp(x^2) forgotten in the hand-derived derivative (q6).


# The questions this sample loses points on, and no other (the tests check it).
LOSES = ["q3_grad_loss_i", "q4_gradient_descent", "q6_derivative"]

# What the notebook's public checks tell this student, by question: the checks catch
# these mistakes on the tutorial's own examples (the others pass them; the hidden tests
# still catch every question of LOSES).
PUBLIC_CHECKS_SAY = {
    "q3_grad_loss_i": "there is an extra factor p(1 - p)",
    "q4_gradient_descent": "each loss is recorded after its update",
    "q6_derivative": "the chain-rule factor 2x is missing",
}


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def grad_sigmoid(x):
    return sigmoid(x) * (1 - sigmoid(x))


def loss_i(w, x_i, y_i):
    p = sigmoid(w @ x_i)
    return -(y_i * np.log(p) + (1 - y_i) * np.log(1 - p))


def grad_loss_i(w, x_i, y_i):
    p = sigmoid(w @ x_i)
    return -(y_i - p) * grad_sigmoid(w @ x_i) * x_i


def gradient_descent(X, y, eta, T):
    w = np.zeros(3)
    losses = []
    for t in range(T):
        p = sigmoid(X @ w)
        w = w - eta * X.T @ (p - y[:, 0])
        p = sigmoid(X @ w)
        losses.append(-np.sum(y[:, 0] * np.log(p) + (1 - y[:, 0]) * np.log(1 - p)))
    return w, losses


def minibatch_gradient_descent(X, y, eta, epochs, batch_size, seed):
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    w = np.zeros(3)
    losses = []
    for epoch in range(epochs):
        p = sigmoid(X @ w)
        losses.append(-np.sum(y[:, 0] * np.log(p) + (1 - y[:, 0]) * np.log(1 - p)))
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            B = order[start:start + batch_size]
            w = w - eta * X[B].T @ (sigmoid(X[B] @ w) - y[B, 0])
    return w, losses


def df_explicit(x):
    c = x**2 + np.exp(x**2)
    return (2 * x + np.exp(x**2)) * (1 / (2 * np.sqrt(c)) - np.sin(c))


def df_autograd(x):
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    c = x**2 + torch.exp(x**2)
    f = torch.sqrt(c) + torch.cos(c)
    f.backward()
    return x.grad.item()

# Two questions right, two with the mistakes students often make:
# the loss sums over the batch instead of averaging, and the test set is taken from the end.


# The questions this sample loses points on, and no other (the tests check it).
LOSES = ["q3_cross_entropy", "q4_shuffle_split"]

# What the notebook's public checks tell this student, by question: the checks catch
# these mistakes on the tutorial's own examples (the others pass them; the hidden tests
# still catch every question of LOSES).
PUBLIC_CHECKS_SAY = {
    "q3_cross_entropy": "the loss looks like the sum over the batch, not the mean",
}


def approximate_function(x_train, y_train):
    n_relus = x_train.shape[0] - 1
    x = torch.linspace(torch.min(x_train), torch.max(x_train), 1000)
    relu_acts = torch.zeros((n_relus, 1000))
    weights = torch.zeros(n_relus)
    previous = 0.0
    for i in range(n_relus):
        relu_acts[i] = torch.relu(x - x_train[i])
        slope = (y_train[i + 1] - y_train[i]) / (x_train[i + 1] - x_train[i])
        weights[i] = slope - previous
        previous = slope
    return weights @ relu_acts, relu_acts, x


class Net(nn.Module):
    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        width = input_feature_num
        for i, units in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(width, units))
            self.mlp.add_module(f"Activation_{i}", eval(f"nn.{actv}"))
            width = units
        self.mlp.add_module("Output_Linear", nn.Linear(width, output_feature_num))

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


def cross_entropy_loss(x, labels):
    losses = -x[torch.arange(len(labels)), labels] + torch.log(torch.exp(x).sum(dim=1))
    return losses.sum()


def shuffle_and_split_data(X, y, seed):
    torch.manual_seed(seed)
    order = torch.randperm(X.shape[0])
    test_size = int(0.2 * X.shape[0])
    X, y = X[order], y[order]
    cut = X.shape[0] - test_size
    return X[cut:], y[cut:], X[:cut], y[:cut]

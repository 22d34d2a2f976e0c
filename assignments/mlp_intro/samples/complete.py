# A complete submission in another style than the solution: vectorised, with library helpers.


def approximate_function(x_train, y_train):
    xs, ys = x_train.flatten(), y_train.flatten()
    x = torch.linspace(xs.min(), xs.max(), 1000)
    relu_acts = torch.clamp(x[None, :] - xs[:-1, None], min=0.0)
    slopes = torch.diff(ys) / torch.diff(xs)
    weights = torch.diff(slopes, prepend=torch.zeros(1))
    y_hat = (weights[:, None] * relu_acts).sum(dim=0)
    return y_hat, relu_acts, x


class Net(nn.Module):
    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.layers = nn.ModuleDict()
        sizes = [input_feature_num] + list(hidden_unit_nums)
        for i in range(len(hidden_unit_nums)):
            self.layers[f"Linear_{i}"] = nn.Linear(sizes[i], sizes[i + 1])
            self.layers[f"Activation_{i}"] = eval("nn." + actv)
        self.layers["Output_Linear"] = nn.Linear(sizes[-1], output_feature_num)

    def forward(self, x):
        x = x.reshape(x.shape[0] if x.dim() > 1 else 1, -1).reshape(-1, self.input_feature_num)
        for layer in self.layers.values():
            x = layer(x)
        return x


def cross_entropy_loss(x, labels):
    picked = x.gather(1, labels.view(-1, 1)).squeeze(1)
    return (torch.logsumexp(x, dim=1) - picked).mean()


def shuffle_and_split_data(X, y, seed):
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(X.shape[0], generator=generator)
    n_test = X.shape[0] // 5
    return X[order[:n_test]], y[order[:n_test]], X[order[n_test:]], y[order[n_test:]]

# A complete submission in another style than the solution: closed forms, comprehensions and
# library helpers, with a 0-dim tensor, float64 features and a float32 tensor as results.


def count_parameters(model):
    seen = set()
    total = 0
    for _, parameter in model.named_parameters(remove_duplicate=False):
        if parameter.requires_grad and id(parameter) not in seen:
            seen.add(id(parameter))
            total += parameter.numel()
    return torch.tensor(total)


def hidden_units_for_budget(max_par_count, n_hidden_layers, input_feature_num,
                            output_feature_num):
    def mlp_count(w):
        return ((input_feature_num + 1) * w + (n_hidden_layers - 1) * (w + 1) * w
                + (w + 1) * output_feature_num)

    width = 1
    while mlp_count(width) < max_par_count:
        width += 1
    return width


def make_poly_features(poly_degree, X):
    pairs = [(i, j) for i in range(poly_degree + 1) for j in range(poly_degree + 1)
             if 0 < i + j <= poly_degree]
    X = X.double()
    poly_X = torch.stack([X[:, 0] ** i * X[:, 1] ** j for i, j in pairs], dim=1)
    return poly_X, len(pairs)


def xavier_std(fan_in, fan_out, gain=1.0):
    return gain * torch.sqrt(torch.tensor(2.0 / (fan_in + fan_out), dtype=torch.float32))


def leaky_relu_gain(negative_slope):
    return nn.init.calculate_gain("leaky_relu", negative_slope)

# Three questions right, two with the mistakes students often make: the counter ignores
# requires_grad (frozen parameters are counted), and the polynomial loops are swapped.


# The questions this sample loses points on, and no other (the tests check it).
LOSES = ["q1_count_parameters", "q3_poly_features"]

# What the notebook's public checks tell this student, by question: the checks catch
# these mistakes on the tutorial's own examples (the others pass them; the hidden tests
# still catch every question of LOSES).
PUBLIC_CHECKS_SAY = {
    "q1_count_parameters": "Frozen parameters (requires_grad=False) are counted",
    "q3_poly_features": "as if the two loops (or the two inputs) were swapped",
}


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def hidden_units_for_budget(max_par_count, n_hidden_layers, input_feature_num,
                            output_feature_num):
    width = 1
    while True:
        net = Net("ReLU()", input_feature_num, [width] * n_hidden_layers, output_feature_num)
        if sum(p.numel() for p in net.parameters()) >= max_par_count:
            return width
        width += 1


def make_poly_features(poly_degree, X):
    num_features = (poly_degree + 1) * (poly_degree + 2) // 2 - 1
    poly_X = torch.zeros((X.shape[0], num_features))
    count = 0
    for j in range(poly_degree + 1):
        for i in range(poly_degree + 1):
            if 0 < i + j <= poly_degree:
                poly_X[:, count] = X[:, 0] ** i * X[:, 1] ** j
                count += 1
    return poly_X, num_features


def xavier_std(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(2 / (fan_in + fan_out))


def leaky_relu_gain(negative_slope):
    return (2 / (1 + negative_slope ** 2)) ** 0.5

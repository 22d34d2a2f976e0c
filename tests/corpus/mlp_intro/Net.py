"""Student-style ``Net(actv, input_feature_num, hidden_unit_nums, output_feature_num)``.

The contract: an ``nn.Module`` with one ``nn.Linear`` per hidden layer named ``Linear_{i}``,
each followed by the activation built from ``actv`` named ``Activation_{i}``, then
``Output_Linear``; ``forward`` flattens its input to ``(batch, input_feature_num)``.
Class variants keep the corpus's naming (see tests/corpus/__init__.py).
"""

import torch
from torch import nn

# --- correct ---------------------------------------------------------------------------------


class correct_tutorial_sequential(nn.Module):
    """The notebook's template filled in: nn.Sequential, add_module, eval of the actv string."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            layer = nn.Linear(in_num, out_num)
            self.mlp.add_module(f"Linear_{i}", layer)
            actv_layer = eval(f"nn.{actv}")
            self.mlp.add_module(f"Activation_{i}", actv_layer)
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))

    def forward(self, x):
        x = x.view(-1, self.input_feature_num)
        logits = self.mlp(x)
        return logits


class correct_module_dict(nn.Module):
    """Layers in an nn.ModuleDict, applied in insertion order."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.layers = nn.ModuleDict()
        sizes = [input_feature_num] + list(hidden_unit_nums)
        for i in range(len(hidden_unit_nums)):
            self.layers[f"Linear_{i}"] = nn.Linear(sizes[i], sizes[i + 1])
            self.layers[f"Activation_{i}"] = eval("nn." + actv)
        self.layers["Output_Linear"] = nn.Linear(sizes[-1], output_feature_num)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        for layer in self.layers.values():
            x = layer(x)
        return x


class correct_parsed_activation(nn.Module):
    """Parses 'LeakyReLU(0.1)' into a class name and arguments instead of calling eval."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        name, args = actv.rstrip(")").split("(")
        params = [float(a) for a in args.split(",") if a.strip()]
        self.mlp = nn.Sequential()
        width = input_feature_num
        for i, units in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(width, units))
            self.mlp.add_module(f"Activation_{i}", getattr(nn, name)(*params))
            width = units
        self.mlp.add_module("Output_Linear", nn.Linear(width, output_feature_num))

    def forward(self, x):
        return self.mlp(torch.flatten(x, start_dim=1))


class correct_attributes_built_in_reverse(nn.Module):
    """Registers the output layer first, straight on the module, and walks the names in forward."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.n_hidden = len(hidden_unit_nums)
        self.input_feature_num = input_feature_num
        widths = [input_feature_num, *hidden_unit_nums]
        self.add_module("Output_Linear", nn.Linear(widths[-1], output_feature_num))
        for i in reversed(range(self.n_hidden)):
            self.add_module(f"Activation_{i}", eval("nn." + actv))
            self.add_module(f"Linear_{i}", nn.Linear(widths[i], widths[i + 1]))

    def forward(self, x):
        x = x.reshape(-1, self.input_feature_num)
        for i in range(self.n_hidden):
            x = getattr(self, f"Activation_{i}")(getattr(self, f"Linear_{i}")(x))
        return self.Output_Linear(x)


class correct_double_precision(nn.Module):
    """Creates every layer in float64 and casts the input to match."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num, dtype=torch.float64))
            self.mlp.add_module(f"Activation_{i}", eval("nn." + actv))
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num, dtype=torch.float64))

    def forward(self, x):
        return self.mlp(x.double().view(-1, self.input_feature_num))


class correct_module_list_and_names(nn.Module):
    """A ModuleList walked in forward, each layer also registered under its contract name."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.steps = nn.ModuleList()
        width = input_feature_num
        for i, units in enumerate(hidden_unit_nums):
            linear, activation = nn.Linear(width, units), eval("nn." + actv)
            setattr(self, f"Linear_{i}", linear)
            setattr(self, f"Activation_{i}", activation)
            self.steps.extend([linear, activation])
            width = units
        self.Output_Linear = nn.Linear(width, output_feature_num)
        self.steps.append(self.Output_Linear)

    def forward(self, x):
        x = x.reshape(len(x), self.input_feature_num)
        for step in self.steps:
            x = step(x)
        return x


# --- wrong -----------------------------------------------------------------------------------


class wrong_no_flatten(nn.Module):
    """Forgets to flatten: a (batch, 2, 3) input reaches the first Linear as it is."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num))
            self.mlp.add_module(f"Activation_{i}", eval(f"nn.{actv}"))
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))

    def forward(self, x):
        return self.mlp(x)


class wrong_activation_after_output(nn.Module):
    """Puts an activation after Output_Linear too."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num))
            self.mlp.add_module(f"Activation_{i}", eval(f"nn.{actv}"))
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))
        self.mlp.add_module("Output_Activation", eval(f"nn.{actv}"))

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


class wrong_always_relu(nn.Module):
    """Ignores the actv string and always uses nn.ReLU()."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num))
            self.mlp.add_module(f"Activation_{i}", nn.ReLU())
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


class wrong_unnamed_layers(nn.Module):
    """Builds the right layers but lets nn.Sequential number them 0, 1, 2, ..."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        layers = []
        in_num = input_feature_num
        for out_num in hidden_unit_nums:
            layers += [nn.Linear(in_num, out_num), eval(f"nn.{actv}")]
            in_num = out_num
        layers.append(nn.Linear(in_num, output_feature_num))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


class wrong_activations_not_applied(nn.Module):
    """Registers the activations but forward only applies the Linear layers."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.n_hidden = len(hidden_unit_nums)
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            setattr(self, f"Linear_{i}", nn.Linear(in_num, out_num))
            setattr(self, f"Activation_{i}", eval(f"nn.{actv}"))
            in_num = out_num
        self.Output_Linear = nn.Linear(in_num, output_feature_num)

    def forward(self, x):
        x = x.view(-1, self.input_feature_num)
        for i in range(self.n_hidden):
            x = getattr(self, f"Linear_{i}")(x)
        return self.Output_Linear(x)


class wrong_activation_before_linear(nn.Module):
    """Applies each activation before its Linear layer instead of after it."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Activation_{i}", eval(f"nn.{actv}"))
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num))
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


class wrong_every_layer_from_the_input(nn.Module):
    """Forgets to carry the width forward: every hidden Linear takes input_feature_num features."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(input_feature_num, out_num))
            self.mlp.add_module(f"Activation_{i}", eval(f"nn.{actv}"))
        last = hidden_unit_nums[-1] if hidden_unit_nums else input_feature_num
        self.mlp.add_module("Output_Linear", nn.Linear(last, output_feature_num))

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


class wrong_activation_arguments_dropped(nn.Module):
    """Keeps only the class name of actv: 'LeakyReLU(0.1)' becomes nn.LeakyReLU()."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.input_feature_num = input_feature_num
        activation_class = getattr(nn, actv.split("(")[0])
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num))
            self.mlp.add_module(f"Activation_{i}", activation_class())
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))

    def forward(self, x):
        return self.mlp(x.view(-1, self.input_feature_num))


class wrong_squeezes_the_batch(nn.Module):
    """Flattens, then squeezes: a batch of one loses its batch dimension on the way."""

    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super().__init__()
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i, out_num in enumerate(hidden_unit_nums):
            self.mlp.add_module(f"Linear_{i}", nn.Linear(in_num, out_num))
            self.mlp.add_module(f"Activation_{i}", eval(f"nn.{actv}"))
            in_num = out_num
        self.mlp.add_module("Output_Linear", nn.Linear(in_num, output_feature_num))

    def forward(self, x):
        return self.mlp(x.reshape(x.shape[0], -1).squeeze())


EXPECTED_HINTS = {
    "wrong_no_flatten": "reshape its input to (batch, input_feature_num)",
    "wrong_activation_after_output": "after Output_Linear",
    "wrong_always_relu": "ReLU whatever actv says",
    "wrong_unnamed_layers": "no nn.Linear layer named Linear_0",
    "wrong_activations_not_applied": "activations are not applied",
    "wrong_activation_before_linear": "before its Linear",
    "wrong_every_layer_from_the_input": "map the previous layer's width to its own",
    "wrong_activation_arguments_dropped": "default arguments",
    "wrong_squeezes_the_batch": "keep the batch dimension",
}

EXPECTED_KEYS = {
    "wrong_no_flatten": "input_not_flattened",
    "wrong_activation_after_output": "activation_after_the_output_layer",
    "wrong_always_relu": "activation_is_always_relu",
    "wrong_unnamed_layers": "layer_not_registered_by_name",
    "wrong_activations_not_applied": "activations_not_applied",
    "wrong_activation_before_linear": "activation_before_its_linear_layer",
    "wrong_every_layer_from_the_input": "wrong_layer_sizes",
    "wrong_activation_arguments_dropped": "activation_arguments_dropped",
    "wrong_squeezes_the_batch": "batch_dimension_dropped",
}

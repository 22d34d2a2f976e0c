"""``count_parameters(model)``, written the ways students write it.

The number of trainable scalars of any ``nn.Module``: ``numel()`` summed over the parameters
with ``requires_grad`` set, a shared parameter counted once, buffers left out. An ``int`` is
asked for; any whole number, a 0-dim tensor included, is accepted.
"""

import numpy as np
import torch
from torch import nn

# --- correct ----------------------------------------------------------------------------------


def correct_skeleton_loop(model):
    """The notebook's skeleton, filled in: a running total over model.parameters()."""
    par_count = 0
    for p in model.parameters():
        if p.requires_grad:
            par_count = par_count + p.numel()
    return par_count


def correct_generator_sum(model):
    """One line: sum of numel() over the trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def correct_named_parameters_loop(model):
    """Walks named_parameters(), which lists a shared parameter once, and ignores the names."""
    total = 0
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        total += param.numel()
    return total


def correct_id_set_over_modules(model):
    """Each module's own parameters, with a set of ids so a shared one counts once."""
    seen = set()
    total = 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                total += p.numel()
    return total


def correct_state_dict_filtered_to_parameters(model):
    """Sizes from state_dict(), kept only for the names of trainable parameters."""
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    return sum(t.numel() for name, t in model.state_dict().items() if name in trainable)


def correct_zero_dim_tensor(model):
    """Adds the sizes as a tensor and returns the 0-dim tensor sum."""
    sizes = torch.tensor([p.numel() for p in model.parameters() if p.requires_grad],
                         dtype=torch.long)
    return sizes.sum()


def correct_numpy_shape_products(model):
    """The product of each shape with numpy, as a numpy integer."""
    return np.sum([np.prod(p.shape, dtype=np.int64) for p in model.parameters()
                   if p.requires_grad], dtype=np.int64)


def correct_recursion_over_children_with_seen_set(model):
    """Recurses through children() by hand, remembering the parameters already counted."""
    seen = set()

    def visit(module):
        count = 0
        for p in module.parameters(recurse=False):
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                count += p.numel()
        for child in module.children():
            count += visit(child)
        return count

    return visit(model)


def correct_float_total(model):
    """A float accumulator, so the answer is a whole-valued float."""
    total = 0.0
    for p in filter(lambda p: p.requires_grad, model.parameters()):
        total += float(p.numel())
    return total


def correct_float32_tensor_sum(model):
    """Sums the sizes as a float32 tensor: a whole-valued 0-dim float tensor."""
    sizes = [float(p.numel()) for p in model.parameters() if p.requires_grad]
    return torch.tensor(sizes, dtype=torch.float32).sum()


# --- wrong ------------------------------------------------------------------------------------


def wrong_counts_frozen_parameters(model):
    """Forgets the requires_grad test: frozen parameters count too."""
    return sum(p.numel() for p in model.parameters())


def wrong_counts_buffers_too(model):
    """Adds the buffers (BatchNorm's running statistics) as if they were parameters."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable + sum(b.numel() for b in model.buffers())


def wrong_size_of_state_dict(model):
    """Counts everything in state_dict(): buffers, frozen parameters, shared ones per name."""
    return sum(t.numel() for t in model.state_dict().values())


def wrong_shared_counted_twice_remove_duplicate_false(model):
    """named_parameters(remove_duplicate=False): a shared parameter once per place it is used."""
    return sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False)
               if p.requires_grad)


def wrong_walks_each_modules_parameter_dict(model):
    """Each module's _parameters: a weight tied between two layers is counted in both."""
    total = 0
    for module in model.modules():
        for p in module._parameters.values():
            if p is not None and p.requires_grad:
                total += p.numel()
    return total


def wrong_counts_tensors_not_scalars(model):
    """The number of parameter tensors, not of the scalars in them."""
    return len([p for p in model.parameters() if p.requires_grad])


def wrong_len_not_numel(model):
    """len(p) is the first dimension of a tensor only (a weight's rows)."""
    return sum(len(p) for p in model.parameters() if p.requires_grad)


def wrong_weights_only(model):
    """Counts the weight matrices and leaves out the biases."""
    return sum(p.numel() for name, p in model.named_parameters()
               if p.requires_grad and "weight" in name)


def wrong_linear_layers_only(model):
    """Counts the parameters of nn.Linear layers only; anything else with parameters is missed."""
    total = 0
    for module in model.modules():
        if isinstance(module, nn.Linear):
            total += sum(p.numel() for p in module.parameters() if p.requires_grad)
    return total


def wrong_top_level_only(model):
    """parameters(recurse=False): only what is registered on the model itself."""
    return sum(p.numel() for p in model.parameters(recurse=False) if p.requires_grad)


def wrong_direct_children_only(model):
    """The weight and bias of each direct child: layers nested inside a container are missed."""
    total = 0
    for layer in model.children():
        for p in (getattr(layer, "weight", None), getattr(layer, "bias", None)):
            if p is not None and p.requires_grad:
                total += p.numel()
    return total


def wrong_starts_at_one(model):
    """Off by one: the running total starts at 1."""
    par_count = 1
    for p in model.parameters():
        if p.requires_grad:
            par_count += p.numel()
    return par_count


def wrong_not_accumulated(model):
    """Fills the skeleton's blank with p.numel() alone: the size of the last parameter."""
    par_count = 0
    for p in model.parameters():
        if p.requires_grad:
            par_count = p.numel()
    return par_count


def wrong_tests_grad_not_requires_grad(model):
    """Tests p.grad, which stays None until a backward pass: nothing is counted."""
    return sum(p.numel() for p in model.parameters() if p.grad is not None)


def wrong_public_example_constant(model):
    """Returns the count of the public example, Linear(2, 3) then Linear(3, 5), whatever the model."""
    return 29


def wrong_counts_every_module_recursively(model):
    """Adds model.parameters of every module of model.modules: a nested parameter is counted
    once for each module that holds it, however deep (a mistake the grader does not name)."""
    return sum(p.numel() for module in model.modules() for p in module.parameters()
               if p.requires_grad)


EXPECTED_HINTS = {
    "wrong_counts_frozen_parameters": "frozen parameters",
    "wrong_counts_buffers_too": "buffers",
    "wrong_size_of_state_dict": "the state dict",
    "wrong_shared_counted_twice_remove_duplicate_false": "a shared parameter is counted once per place",
    "wrong_walks_each_modules_parameter_dict": "a shared parameter is counted once per place",
    "wrong_counts_tensors_not_scalars": "number of parameter tensors",
    "wrong_len_not_numel": "len(p)",
    "wrong_weights_only": "biases",
    "wrong_linear_layers_only": "nn.Linear",
    "wrong_top_level_only": "nested",
    "wrong_direct_children_only": "nested",
    "wrong_starts_at_one": "one too many",
    "wrong_not_accumulated": "the last parameter",
    "wrong_tests_grad_not_requires_grad": "the count is 0",
    "wrong_public_example_constant": "public example",
    "wrong_counts_every_module_recursively": "differs from the reference",
}
# The mistake each wrong variant makes, by the key its feedback must name (None: one the
# grader does not know, whose feedback must then name no cause).
EXPECTED_KEYS = {
    "wrong_counts_frozen_parameters": "frozen_parameters_counted",
    "wrong_counts_buffers_too": "buffers_counted",
    "wrong_size_of_state_dict": "size_of_the_state_dict",
    "wrong_shared_counted_twice_remove_duplicate_false": "shared_parameter_counted_twice",
    "wrong_walks_each_modules_parameter_dict": "shared_parameter_counted_twice",
    "wrong_counts_tensors_not_scalars": "tensors_counted_not_scalars",
    "wrong_len_not_numel": "len_instead_of_numel",
    "wrong_weights_only": "biases_left_out",
    "wrong_linear_layers_only": "only_linear_layers_counted",
    # parameters(recurse=False) on the model, or the weight and bias of its direct children:
    # nothing of a layer nested in a container, so nothing at all in the tutorial's Net
    "wrong_top_level_only": ("nested_layers_missed", "nothing_counted"),
    "wrong_direct_children_only": ("nested_layers_missed", "nothing_counted"),
    "wrong_starts_at_one": "count_one_too_many",
    "wrong_not_accumulated": "only_the_last_parameter",
    "wrong_tests_grad_not_requires_grad": "nothing_counted",
    "wrong_public_example_constant": "count_of_the_public_example",
    "wrong_counts_every_module_recursively": None,
}

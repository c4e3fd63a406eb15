"""training/average_weights.py: a weighted average of two state_dicts of one network."""

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from average_weights import average_state_dicts  # noqa: E402


def small_net(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(), torch.nn.LazyLinear(2))


def test_the_average_is_weighted_per_tensor_and_keeps_integer_buffers():
    a, b = small_net(1), small_net(2)
    x = torch.randn(1, 3, 6, 6)
    a(x), b(x)  # materialise the lazy layer
    b.train()(x)  # B's BatchNorm statistics and counter move
    sa, sb = a.state_dict(), b.state_dict()
    soup = average_state_dicts(sa, sb, 0.25)
    assert torch.allclose(soup["0.weight"], 0.75 * sa["0.weight"] + 0.25 * sb["0.weight"])
    assert torch.allclose(soup["1.running_mean"], 0.75 * sa["1.running_mean"] + 0.25 * sb["1.running_mean"])
    assert soup["1.num_batches_tracked"] == sa["1.num_batches_tracked"]
    # The ends are the two models themselves.
    assert all(torch.equal(average_state_dicts(sa, sb, 0.0)[k], sa[k]) for k in sa)
    assert all(torch.allclose(average_state_dicts(sa, sb, 1.0)[k].float(), sb[k].float()) for k in sa if sb[k].is_floating_point())


def test_different_networks_or_weights_outside_0_1_are_refused():
    a = small_net(1)
    a(torch.randn(1, 3, 6, 6))
    sa = a.state_dict()
    other = dict(sa)
    other["0.weight"] = torch.zeros(5, 3, 3, 3)
    with pytest.raises(ValueError, match="0.weight: shape"):
        average_state_dicts(sa, other, 0.5)
    with pytest.raises(ValueError, match="differ"):
        average_state_dicts(sa, {k: v for k, v in sa.items() if k != "3.bias"}, 0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        average_state_dicts(sa, sa, 1.5)

"""Shared fixtures for the exporter tests: small ResNets with non-trivial BatchNorm, exported once per session."""

import sys
from pathlib import Path

import pytest
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(2)

from lus_export import ModelDescription, build_resnet, export_tfjs  # noqa: E402


def randomise_batchnorm(model: nn.Module, seed: int = 0) -> nn.Module:
    """Non-identity BatchNorm statistics, so a wrong fold cannot pass unnoticed."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=g))
                m.running_mean.copy_(0.3 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=g))
    return model.eval()


def description(**overrides) -> ModelDescription:
    fields = dict(id="pytest-model", trained_on="random weights", licence="test", created_at="2026-01-01T00:00:00Z")
    fields.update(overrides)
    return ModelDescription(**fields)


@pytest.fixture(scope="session")
def resnet18():
    torch.manual_seed(0)
    return randomise_batchnorm(build_resnet("resnet18", 4))


@pytest.fixture(scope="session")
def exported18(resnet18, tmp_path_factory):
    """resnet18 at 64x64 with the feature outputs, float32."""
    out = tmp_path_factory.mktemp("exports") / "r18"
    result = export_tfjs(
        resnet18, out, architecture="resnet18", description=description(), input_size=64, features=True
    )
    return out, result

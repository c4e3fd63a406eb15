"""The one-machine CV driver's pieces: samples drawn in parallel are the samples drawn in order, the 8-bit weights that travel home, a packed set read back (training/cv.py, cv_gpu.py, pack_gpu_data.py)."""

import json
import lzma
import sys
from pathlib import Path

import numpy as np
import torch
import torchvision

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv  # noqa: E402
from cv_gpu import dequantise, quantise  # noqa: E402
from lus_train.data import FrameSet, balanced_weights  # noqa: E402


def frames(n: int, seed: int) -> FrameSet:
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 32, 32), np.uint8)
    images[:, 4:28, 6:26] = rng.integers(20, 220, size=(n, 24, 20), dtype=np.uint8)
    labels = np.arange(n) % 4
    clips = [f"c{i % 8}" for i in range(n)]
    return FrameSet(images=images, labels=labels, clips=clips, paths=[f"p{i}.png" for i in range(n)],
                    sources=[""] * n, roi_found=np.ones(n, bool))


def batches(samples, workers: int, first: int, count: int, batch: int):
    parallel = {"num_workers": workers, "prefetch_factor": 2} if workers else {}
    loader = torch.utils.data.DataLoader(samples, batch_size=batch, sampler=range(first, first + count), **parallel)
    return [(x.numpy(), t.numpy()) for x, t in loader]


def test_parallel_workers_draw_exactly_the_samples_the_training_process_draws():
    real, ph = frames(24, 1), frames(16, 2)
    s = cv.TrainingSamples(real, ph, balanced_weights(real.labels, real.clips), balanced_weights(ph.labels, ph.clips),
                           0.3, None, "scanner", seed=5)
    # Across a chunk boundary, as a resumed run starts mid-chunk.
    first = cv.CHUNK - 6
    one = batches(s, 0, first, 12, 4)
    two = batches(s, 2, first, 12, 4)
    assert len(one) == len(two) == 3
    for (x1, t1), (x2, t2) in zip(one, two):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(t1, t2)
    # A phantom share of 0.3 over a chunk: some targets come from each set, and samples differ from one another.
    assert len({a.tobytes() for x, _ in one for a in x}) == 12


def test_normalise_batch_is_to_input_arithmetic():
    from lus_train.augment import to_input

    imgs = np.random.default_rng(3).integers(0, 256, size=(3, 8, 8), dtype=np.uint8)
    got = cv.normalise_batch(torch.from_numpy(imgs), 0.16, 0.2).numpy()
    np.testing.assert_array_equal(got, to_input(imgs, 0.16, 0.2))


def test_per_frame_normalisation_reads_a_dim_frame_as_its_bright_copy():
    rng = np.random.default_rng(4)
    bright = rng.integers(40, 240, size=(1, 16, 16)).astype(np.uint8)
    # A dim, low-contrast scanner: the same picture at a third of the brightness, lifted by a grey floor.
    dim = (bright.astype(np.float64) / 3 + 10).round().astype(np.uint8)
    both = torch.from_numpy(np.concatenate([bright, dim]))
    fixed = cv.normalise_batch(both, 0.16, 0.2).numpy()
    per = cv.normalise_batch(both, 0.16, 0.2, per_frame=True).numpy()
    assert np.abs(fixed[0] - fixed[1]).max() > 1.0  # the fixed mean and std keep the two far apart
    np.testing.assert_allclose(per[0], per[1], atol=0.05)  # only the rounding to 8 bits parts them
    assert per.shape == (2, 3, 16, 16) and abs(float(per[0].mean())) < 1e-5
    np.testing.assert_allclose(per[:, 0], per[:, 2])  # grey, replicated to the three channels


def test_eight_bit_weights_round_trip_within_half_a_step_per_output_channel():
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=4)
    state = model.state_dict()
    blob, layout = quantise(state)
    back = dequantise(blob, json.loads(json.dumps(layout)))  # the layout travels as JSON
    assert set(back) == set(state)
    conv_bytes = sum(v.numel() for v in state.values() if v.ndim == 4)
    assert len(blob) < 1.1 * conv_bytes + 4 * sum(v.numel() for v in state.values() if v.ndim != 4)
    for name, v in state.items():
        if v.ndim == 4:
            step = v.reshape(v.shape[0], -1).abs().amax(1) / 127
            err = (back[name] - v).reshape(v.shape[0], -1).abs().amax(1)
            assert bool((err <= step / 2 + 1e-7).all()), name
        else:
            assert torch.equal(back[name].to(v.dtype), v), name


def test_a_packed_set_reads_back_without_its_pngs(tmp_path):
    fs = frames(10, 4)
    (tmp_path / "index.csv").write_text("path,class,clip,source,roi_found\n")
    (tmp_path / "images.u8.xz").write_bytes(lzma.compress(fs.images.tobytes()))
    np.savez_compressed(tmp_path / "frames-cache.npz", shape=np.asarray(fs.images.shape), labels=fs.labels,
                        clips=np.asarray(fs.clips), paths=np.asarray(fs.paths), sources=np.asarray(fs.sources),
                        roi_found=fs.roi_found)
    (tmp_path / "packed.json").write_text("{}\n")
    (tmp_path / "index.csv").touch()  # newer than the cache: a packed set is still read from it
    got = cv.cached_frames(str(tmp_path))
    np.testing.assert_array_equal(got.images, fs.images)
    assert got.clips == fs.clips and got.labels.tolist() == fs.labels.tolist()

r"""A scanning MLP is a stack of Conv1d layers: build the convolutional equivalent of an MLP
applied to every window of a time series.

The MLP. Given an input series x of shape (N, C, T), the MLP looks at windows of `window`
time steps, `stride` steps apart: window j is x[n, :, j*stride : j*stride + window], flattened
**time-major** into a vector of window * C numbers, entry k * C + c = x[n, c, j*stride + k]
(the homework's layout: the series is read as (T, C) rows). Its layers are Linear maps given
as (in, out) matrices W_l (the homework's layout; y = x W_l + b_l), with an activation
(ReLU by default) between layers and none after the last.

Weight re-layout, (in, out) Linear matrix -> (out, in, kernel) Conv1d weight: for a layer
that reads K time steps of C_in channels, row k * C_in + c of W feeds output o, so

    conv.weight[o, c, k] = W[k * C_in + c, o],  i.e.  W.T.reshape(C_out, K, C_in).transpose(0, 2, 1)

(1) Simple conversion (`mlp_to_conv1d`): the first layer becomes Conv1d(C, H_1,
kernel_size=window, stride=stride), every other layer a Conv1d(H_{l-1}, H_l, 1). Output
position j of the stack is the MLP's output on window j: out[n, :, j] = mlp(window j).

(2) Distributed conversion (`distributed_mlp_to_conv1d`): the MLP is itself made of small
weight-shared sub-networks. Layer l runs copies of one unit of C_l neurons, each reading
kernels[l] consecutive outputs (of C_{l-1} channels) of the layer below, strides[l] apart,
so with n_0 = window, n_l = (n_{l-1} - kernels[l]) / strides[l] + 1 copies fit in one window
and the MLP's layer l has n_l * C_l neurons (copy-major: neuron i * C_l + o is output o of
copy i). The conv stack keeps one copy per layer: Conv1d(C_{l-1}, C_l, kernels[l],
strides[l]), with weights sliced from the MLP: W_l[: kernels[l] * C_{l-1}, : C_l] (copy 0).
The plan must satisfy n_L = 1 (the receptive field, kernels[0] + sum_l (kernels[l] - 1)
prod_{i<l} strides[i], equals `window`) and prod(strides) = stride. Example from the
homework: window 8, stride 4, kernels (2, 2, 2), strides (2, 2, 1): n = 8, 4, 2, 1.
`distributed_mlp_weights` builds such an MLP from the shared units (the inverse direction).

Shape:
    input (N, C, T) -> output (N, H_L, T_out), T_out = floor((T - window) / stride) + 1.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import ShapeError
from .activation import ReLU
from .container import Sequential
from .conv import Conv1d
from .linear import Linear
from .module import Module

__all__ = ["linear_to_conv_weight", "mlp_to_conv1d", "distributed_mlp_to_conv1d", "distributed_mlp_weights"]

Activation = Callable[[], Module]


def _from_layers(weights: Sequence[Any], biases: Optional[Sequence[Any]]
                 ) -> Tuple[List[Any], Optional[List[Any]]]:
    """Linear modules -> their (in, out) matrices (weight.T) and biases; other entries unchanged."""
    if not any(isinstance(w, Linear) for w in weights):
        return list(weights), None if biases is None else list(biases)
    if biases is not None:
        raise ValueError("scanning: pass biases only with plain matrices; Linear layers bring their own")
    # Linear weights are (out, in) -> (in, out)
    mats = [w.weight.value.to_numpy().T if isinstance(w, Linear) else w for w in weights]
    return mats, [w.bias.value if isinstance(w, Linear) and w.bias is not None else None for w in weights]


def _array(value: Any) -> np.ndarray:
    value = getattr(value, "value", value)  # a Parameter's tensor
    array = np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value)
    return array if array.dtype in (np.float32, np.float64) else array.astype(np.float64)


def linear_to_conv_weight(matrix: Any, in_channels: int, kernel_size: int) -> np.ndarray:
    """(kernel_size * in_channels, out) Linear matrix -> (out, in_channels, kernel_size) Conv1d weight.

    conv[o, c, k] = matrix[k * in_channels + c, o] (time-major rows, see the module docstring).

    Example:
        >>> linear_to_conv_weight(np.zeros((6, 4)), in_channels=3, kernel_size=2).shape
        (4, 3, 2)
    """
    w = _array(matrix)
    if w.ndim != 2 or w.shape[0] != in_channels * kernel_size:
        raise ShapeError(
            f"linear_to_conv_weight: matrix of shape {w.shape} does not read {kernel_size} steps of "
            f"{in_channels} channels; expected ({kernel_size * in_channels}, out), the (in, out) layout"
        )
    # (in, out) -> (out, K, C_in) -> (out, C_in, K)
    return np.ascontiguousarray(w.T.reshape(w.shape[1], kernel_size, in_channels).transpose(0, 2, 1))


def _conv(weight: np.ndarray, bias: Optional[np.ndarray], stride: int) -> Conv1d:
    """A Conv1d holding `weight` (out, in, K) and `bias`."""
    out_channels, in_channels, kernel = weight.shape
    layer = Conv1d(in_channels, out_channels, kernel, stride=stride, bias=bias is not None, dtype=weight.dtype)
    layer.weight.value.to_numpy()[...] = weight
    if bias is not None:
        assert layer.bias is not None  # made with bias=True just above
        layer.bias.value.to_numpy()[...] = bias
    return layer


def _stack(layers: List[Conv1d], activation: Activation) -> Sequential:
    modules: List[Module] = []
    for i, layer in enumerate(layers):
        if i:
            modules.append(activation())
        modules.append(layer)
    return Sequential(*modules)


def _biases(weights: Sequence[np.ndarray], biases: Optional[Sequence[Any]]) -> List[Optional[np.ndarray]]:
    if biases is None:
        return [None] * len(weights)
    if len(biases) != len(weights):
        raise ShapeError(f"scanning: got {len(weights)} weight matrices but {len(biases)} biases")
    out = []
    for w, b in zip(weights, biases):
        b = None if b is None else _array(b).reshape(-1)  # (out,) or (1, out) -> (out,)
        if b is not None and b.shape != (w.shape[1],):
            raise ShapeError(f"scanning: bias of shape {b.shape} does not match a layer of {w.shape[1]} outputs")
        out.append(b)
    return out


def mlp_to_conv1d(weights: Sequence[Any], window: int, stride: int, biases: Optional[Sequence[Any]] = None,
                  activation: Activation = ReLU) -> Sequential:
    """The simple conversion: Conv1d(C, H_1, window, stride) then Conv1d(H_{l-1}, H_l, 1) layers.

    Args:
        weights: the MLP's (in, out) matrices (arrays or Tensors; the first has window * C rows),
            or its `Linear` layers (their (out, in) weights are transposed and their biases used).
        window: time steps per window.
        stride: steps between windows.
        biases: one (out,) vector per layer (None entries allowed), default None (no bias).
        activation: factory of the layer between MLP layers, default ReLU.

    Shape:
        (N, C, T) -> (N, H_L, T_out), T_out = floor((T - window) / stride) + 1.

    Example:
        >>> mats = [np.ones((8 * 24, 8)), np.ones((8, 16)), np.ones((16, 4))]
        >>> mlp_to_conv1d(mats, window=8, stride=4)(minitorch.rand((1, 24, 128))).shape
        (1, 4, 31)
    """
    weights, biases = _from_layers(weights, biases)
    mats = [_array(w) for w in weights]
    if not mats or mats[0].shape[0] % window:
        got = mats[0].shape if mats else None
        raise ShapeError(f"mlp_to_conv1d: the first matrix needs window * C = {window} * C rows, got {got}")
    channels = mats[0].shape[0] // window
    for i, w in enumerate(mats):
        if np.isnan(w).any():
            raise ValueError(
                f"mlp_to_conv1d: layer {i} matrix {w.shape} has NaN (not connected) entries: that is a "
                "distributed, weight-shared MLP; use distributed_mlp_to_conv1d with its kernels and strides"
            )
    layers = []
    for i, (w, b) in enumerate(zip(mats, _biases(mats, biases))):
        kernel, step, c_in = (window, stride, channels) if i == 0 else (1, 1, mats[i - 1].shape[1])
        layers.append(_conv(linear_to_conv_weight(w, c_in, kernel), b, step))
    return _stack(layers, activation)


def _copies(op: str, window: int, stride: int, kernels: Sequence[int], strides: Sequence[int]) -> List[int]:
    """n_0 = window, n_l = (n_{l-1} - k_l) / s_l + 1: copies of each layer's unit per window."""
    if len(kernels) != len(strides) or not kernels:
        raise ShapeError(f"{op}: kernels {tuple(kernels)} and strides {tuple(strides)} need one entry per layer")
    counts = [int(window)]
    for k, s in zip(kernels, strides):
        span = counts[-1] - k
        if k < 1 or s < 1 or span < 0 or span % s:
            raise ShapeError(
                f"{op}: kernel {k} with stride {s} does not tile {counts[-1]} positions exactly "
                f"(plan kernels={tuple(kernels)}, strides={tuple(strides)}, window={window})"
            )
        counts.append(span // s + 1)
    if counts[-1] != 1 or int(np.prod(strides)) != stride:
        raise ShapeError(
            f"{op}: the plan kernels={tuple(kernels)}, strides={tuple(strides)} covers {counts[:-1]} positions "
            f"per layer ending in {counts[-1]} unit(s) with total stride {int(np.prod(strides))}; it must end "
            f"in 1 unit (receptive field = window {window}) with total stride {stride}"
        )
    return counts


def distributed_mlp_weights(shared: Sequence[Any], window: int, kernels: Sequence[int], strides: Sequence[int],
                            shared_biases: Optional[Sequence[Any]] = None
                            ) -> Tuple[List[np.ndarray], List[Optional[np.ndarray]]]:
    """The full (in, out) MLP matrices (and biases) of a weight-shared network, from its units.

    Args:
        shared: per layer, the unit's (kernels[l] * C_{l-1}, C_l) matrix.
        window: time steps per window (n_0).
        kernels, strides: the plan (see the module docstring).
        shared_biases: per layer a (C_l,) vector or None; default None.

    Returns:
        (matrices, biases): matrix l is (n_{l-1} C_{l-1}, n_l C_l), zero outside the copies'
        blocks; bias l is the unit bias tiled n_l times (None where the unit has none).
    """
    units = [_array(w) for w in shared]
    counts = _copies("distributed_mlp_weights", window, int(np.prod(strides)), kernels, strides)
    matrices = []
    for l, unit in enumerate(units):
        c_in, c_out = unit.shape[0] // kernels[l], unit.shape[1]
        full = np.zeros((counts[l] * c_in, counts[l + 1] * c_out), dtype=unit.dtype)
        for i in range(counts[l + 1]):
            rows = slice(i * strides[l] * c_in, (i * strides[l] + kernels[l]) * c_in)
            full[rows, i * c_out : (i + 1) * c_out] = unit
        matrices.append(full)
    # (C_l,) unit bias -> (n_l * C_l,), copy-major
    biases = [None if b is None else np.tile(_array(b).reshape(-1), counts[l + 1])
              for l, b in enumerate(shared_biases or [None] * len(units))]
    return matrices, biases


def _sharing_problem(w: np.ndarray, unit: np.ndarray, bias: Optional[np.ndarray], unit_bias: Optional[np.ndarray],
                     copies: int, kernel: int, stride: int) -> Optional[str]:
    """Why the (in, out) matrix `w` is not `copies` copies of `unit` in the plan's blocks, or None.

    Inside each copy's block every entry is connected and must equal the unit; outside every
    block an entry must be 0 or NaN (the homework's "not connected").
    """
    c_out = unit.shape[1]
    c_in = unit.shape[0] // kernel
    connected = np.zeros(w.shape, dtype=bool)
    for i in range(copies):
        rows = slice(i * stride * c_in, (i * stride + kernel) * c_in)
        cols = slice(i * c_out, (i + 1) * c_out)
        where = f"copy {i}'s block (rows {rows.start}:{rows.stop}, columns {cols.start}:{cols.stop})"
        block = w[rows, cols]
        connected[rows, cols] = True
        if np.isnan(block).any():
            r, c = np.argwhere(np.isnan(block))[0]
            return f"{where} has a NaN (not connected) entry at ({rows.start + r}, {cols.start + c})"
        if not np.allclose(block, unit, rtol=1e-6, atol=1e-12):
            return f"{where} differs from copy 0's unit by up to {np.max(np.abs(block - unit)):.3g}"
        if bias is not None and unit_bias is not None and not np.allclose(bias[cols], unit_bias, rtol=1e-6, atol=1e-12):
            return f"the bias of copy {i} (entries {cols.start}:{cols.stop}) differs from copy 0's"
    stray = ~connected & ~np.isnan(w) & (np.abs(w) > 1e-12)
    if stray.any():
        r, c = np.argwhere(stray)[0]
        return f"entry ({r}, {c}) lies outside every copy's block but holds {w[r, c]:.3g} (expected 0 or NaN)"
    return None


def distributed_mlp_to_conv1d(weights: Sequence[Any], window: int, stride: int, kernels: Sequence[int],
                              strides: Sequence[int], biases: Optional[Sequence[Any]] = None,
                              activation: Activation = ReLU) -> Sequential:
    """The distributed conversion: one Conv1d(C_{l-1}, C_l, kernels[l], strides[l]) per layer,
    holding the shared unit sliced from the weight-shared MLP.

    Args:
        weights: the MLP's (in, out) matrices (layer l has n_{l-1} C_{l-1} rows, n_l C_l columns),
            or its `Linear` layers.
        window, stride: the MLP's window and window stride.
        kernels, strides: the per-layer plan, e.g. (2, 2, 2) and (2, 2, 1) for window 8, stride 4.
        biases: per layer (n_l C_l,) vectors or None, default None.
        activation: factory of the layer between MLP layers, default ReLU.

    Shape:
        (N, C, T) -> (N, C_L, T_out), T_out = floor((T - window) / stride) + 1.

    Raises:
        ShapeError: the plan does not tile the window, or a matrix does not fit the plan.
        ValueError: the MLP's weights are not shared in the plan's pattern (the conversion
            would not be exact); the message names the layer and the first mismatching block.

    Entries outside every copy's block are not connected: 0 or NaN (the homework's weight
    files mark them NaN); entries inside a block must be finite and equal copy 0's.
    """
    weights, biases = _from_layers(weights, biases)
    mats = [_array(w) for w in weights]
    if len(mats) != len(kernels):
        raise ShapeError(f"distributed_mlp_to_conv1d: {len(mats)} matrices but a plan of {len(kernels)} layers")
    counts = _copies("distributed_mlp_to_conv1d", window, stride, kernels, strides)
    full_biases = _biases(mats, biases)
    c_in = mats[0].shape[0] // window
    units, unit_biases = [], []
    for l, w in enumerate(mats):
        c_out = w.shape[1] // counts[l + 1]
        if w.shape != (counts[l] * c_in, counts[l + 1] * c_out):
            raise ShapeError(
                f"distributed_mlp_to_conv1d: layer {l} matrix {w.shape} does not fit {counts[l]} inputs of "
                f"{c_in} channels and {counts[l + 1]} copies of a unit"
            )
        units.append(w[: kernels[l] * c_in, :c_out])  # copy 0's unit: (k_l C_{l-1}, C_l)
        full_bias = full_biases[l]
        unit_biases.append(None if full_bias is None else full_bias[:c_out])
        c_in = c_out
    for l, (w, unit) in enumerate(zip(mats, units)):
        problem = _sharing_problem(w, unit, full_biases[l], unit_biases[l], counts[l + 1], kernels[l], strides[l])
        if problem:
            raise ValueError(
                f"distributed_mlp_to_conv1d: layer {l} of the MLP is not weight-shared in the pattern of "
                f"kernels={tuple(kernels)}, strides={tuple(strides)}: {problem}; use mlp_to_conv1d for a general MLP"
            )
    layers = []
    for l, (unit, b) in enumerate(zip(units, unit_biases)):
        c_prev = unit.shape[0] // kernels[l]
        layers.append(_conv(linear_to_conv_weight(unit, c_prev, kernels[l]), b, strides[l]))
    return _stack(layers, activation)

"""The arithmetic behind every unit of a layer, as the course writes it, from the recorded pass.

For a convolution unit (output channel o, position t) the course writes

    output[o, t] = weight[o, 0, 0] * input[0, t*s - p] + weight[o, 0, 1] * input[0, t*s - p + d] + ...
                   + bias[o]

`layer_tables(layer)` computes, for ALL units of one layer at once, the numbers a page needs to
show that sum: the products (kernel x patch, per input channel), the per-channel sums and the
total with the bias. The patch comes from the layer's recorded input (the previous layer's
output, zeros past the edge), the kernel and bias from the module: nothing is re-run, and the
total equals the unit's value from the forward pass up to float rounding (tests check it).
Pooling tables give the max's winner or the window's sum and count; linear tables give the
products input x weight per output unit.

Shape (n = 1 or 2 spatial dims, O = output positions, K = kernel, cg = C_in / groups):
    conv: products (C_out, *O, cg, *K), channel_sums (C_out, *O, cg), total (C_out, *O)
    maxpool: winner (C, *O) flat index into the window (*K)
    avgpool: sum, count (C, *O)
    linear: top (out, 8) indices of the largest |products| with top_products and top_weight,
            rest (out,) the sum of the other products, total (out,)
"""

from __future__ import annotations

from typing import Any, Dict, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minitorch.explain.layers import Layer, encode_array
from minitorch.explain.record import Step

__all__ = ["layer_tables", "windows", "EXPLAINED_KINDS"]

EXPLAINED_KINDS = ("conv", "maxpool", "avgpool", "linear")
TOP_PRODUCTS = 8  # a linear unit shows its largest products one by one, the rest as one sum


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float64)


def windows(x: np.ndarray, geometry: Dict[str, Sequence[int]], out_size: Sequence[int], fill: float) -> np.ndarray:
    """Every window of `x` (C, *S) for outputs of size `out_size`: (C, *O, *K), `fill` past the edges.

    The window of output position t starts at t * stride - padding and takes every
    dilation-th element (the conv/pooling formula in each spatial dim).
    """
    kernel, stride = geometry["kernel"], geometry["stride"]
    padding, dilation = geometry["padding"], geometry["dilation"]
    n = len(kernel)
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    # right padding: at least `padding`, more where ceil_mode makes a last partial window
    right = [max(p, (o - 1) * s + w - size - p) for p, o, s, w, size in zip(padding, out_size, stride, span, x.shape[1:])]
    padded = np.pad(x, [(0, 0)] + list(zip(padding, right)), constant_values=fill)
    view = sliding_window_view(padded, span, axis=tuple(range(1, n + 1)))  # (C, *positions, *span)
    picks = tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(out_size, stride))
    return view[(slice(None),) + picks + tuple(slice(None, None, d) for d in dilation)]


def _step(layer: Layer) -> Step:
    if layer.step is None:
        raise ValueError(f"explain: layer {layer.name!r} was not recorded from a module call; it has no arithmetic")
    return layer.step


def _conv(layer: Layer, with_products: bool) -> Dict[str, Any]:
    module, x = _step(layer).module, _step(layer).input.astype(np.float64)
    weight = _numpy(module.weight.value)  # (C_out, cg, *K)
    bias = _numpy(module.bias.value) if module.bias is not None else np.zeros(weight.shape[0])
    n = x.ndim - 1
    cols = windows(x, layer.info["geometry"], layer.values.shape[1:], 0.0)  # (C_in, *O, *K)
    cols = np.moveaxis(cols, 0, n)  # (*O, C_in, *K)
    groups, out_channels, group_in = module.groups, weight.shape[0], weight.shape[1]
    group_out = out_channels // groups
    parts = []
    for g in range(groups):
        w = weight[g * group_out:(g + 1) * group_out]  # (og, cg, *K)
        w = w.reshape(w.shape[:1] + (1,) * n + w.shape[1:])  # (og, 1.., cg, *K)
        parts.append(w * cols[(Ellipsis, slice(g * group_in, (g + 1) * group_in)) + (slice(None),) * n][None])
    products = np.concatenate(parts)  # (C_out, *O, cg, *K)
    channel_sums = products.sum(axis=tuple(range(-n, 0)))  # (C_out, *O, cg)
    total = channel_sums.sum(axis=-1) + bias.reshape((-1,) + (1,) * n)  # (C_out, *O)
    tables = {"channel_sums": encode_array(channel_sums), "total": encode_array(total, "f8"),
              "weight": encode_array(weight), "bias": encode_array(bias, "f8")}
    if with_products:
        tables["products"] = encode_array(products)
    return tables


def _maxpool(layer: Layer, with_products: bool) -> Dict[str, Any]:
    x = _step(layer).input.astype(np.float64)
    n = x.ndim - 1
    cols = windows(x, layer.info["geometry"], layer.values.shape[1:], -np.inf)  # (C, *O, *K)
    flat = cols.reshape(cols.shape[:1 + n] + (-1,))  # (C, *O, prod K)
    return {"winner": encode_array(flat.argmax(axis=-1), "i4"), "total": encode_array(flat.max(axis=-1), "f8")}


def _avgpool(layer: Layer, with_products: bool) -> Dict[str, Any]:
    module, x = _step(layer).module, _step(layer).input.astype(np.float64)
    geometry = layer.info["geometry"]
    n = x.ndim - 1
    cols = windows(x, geometry, layer.values.shape[1:], 0.0)  # (C, *O, *K)
    total = cols.sum(axis=tuple(range(-n, 0)))  # (C, *O)
    # which window elements count: inside the padded input (count_include_pad) or the input itself
    if getattr(module, "count_include_pad", True):
        padded_size = [s + 2 * p for s, p in zip(x.shape[1:], geometry["padding"])]
        inside = windows(np.ones([1] + padded_size), {**geometry, "padding": [0] * n}, layer.values.shape[1:], 0.0)
    else:
        inside = windows(np.ones((1,) + x.shape[1:]), geometry, layer.values.shape[1:], 0.0)
    count = inside.sum(axis=tuple(range(-n, 0)))[0]  # (*O)
    if getattr(module, "divisor_override", None):
        count = np.full_like(count, module.divisor_override)
    count = np.broadcast_to(count, total.shape)
    return {"sum": encode_array(total, "f8"), "count": encode_array(count, "f8"),
            "total": encode_array(total / count, "f8")}


def _linear(layer: Layer, with_products: bool) -> Dict[str, Any]:
    module, x = _step(layer).module, _step(layer).input.astype(np.float64)
    weight = _numpy(module.weight.value)  # (out, in)
    bias = _numpy(module.bias.value) if module.bias is not None else np.zeros(weight.shape[0])
    products = weight * x[None]  # (out, in)
    top = np.argsort(-np.abs(products), axis=1, kind="stable")[:, :TOP_PRODUCTS]  # (out, 8) largest |products|
    top_products = np.take_along_axis(products, top, axis=1)
    return {"top": encode_array(top, "i4"), "top_products": encode_array(top_products, "f8"),
            "top_weight": encode_array(np.take_along_axis(weight, top, axis=1)), "inputs": weight.shape[1],
            "rest": encode_array(products.sum(axis=1) - top_products.sum(axis=1), "f8"),
            "bias": encode_array(bias, "f8"), "total": encode_array(products.sum(axis=1) + bias, "f8")}


_TABLES = {"conv": _conv, "maxpool": _maxpool, "avgpool": _avgpool, "linear": _linear}


def layer_tables(layer: Layer, with_products: bool = True) -> Dict[str, Any]:
    """The arithmetic of every unit of `layer` (kinds in `EXPLAINED_KINDS`; {} for the others).

    `with_products=False` leaves out the conv products (C_out x positions x C_in x K values,
    the bulk of the tables): the static export shows patch, kernel and their sums without them.
    """
    if layer.kind not in _TABLES:
        return {}
    return {"layer": layer.index, "kind": layer.kind, **_TABLES[layer.kind](layer, with_products)}

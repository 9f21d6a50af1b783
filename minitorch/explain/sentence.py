"""What a Kim sentence CNN saw in one sentence: per filter width, the n-grams that won max-over-time
pooling and how much each word moved each class's score.

The model computes, for width k, filter f and start position t,

    conv[f, t] = bias_k[f] + sum_j  w_k[f, :, j] . embedding(word[t + j])      (j = 0 .. k-1)
    pooled[f]  = max_t relu(conv[f, t])         (the winner t* = argmax)
    logit[c]   = fc_bias[c] + sum_f fc_weight[c, f] * pooled[f]   (all widths concatenated)

Where a filter's winner is positive the relu is the identity, so the logit splits exactly into
one part per word (fc_weight[c, f] * w_k[f, :, j] . embedding(word[t* + j]), summed over the
filters that word won for), the filters' biases and fc_bias: the contributions add up to the
logit from the forward pass (tests check it). The conv maps and pooled values are the recorded
ones; the per-word dot products are computed from the recorded conv input (the embeddings).
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minitorch.explain.layers import encode_array
from minitorch.explain.record import Recording

__all__ = ["explain_sentence"]


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(value.to_numpy(), dtype=np.float64)


def _step_of(recording: Recording, module: Any, after: int = -1) -> int:
    """Index of the first step after `after` that called `module`."""
    for index, step in enumerate(recording.steps):
        if index > after and step.module is module:
            return index
    raise ValueError(f"explain: the model's forward never called {type(module).__name__}; "
                     "the sentence view needs Kim CNN's embedding -> conv -> relu -> max -> fc")


def explain_sentence(model: Any, recording: Recording, words: List[str], known: List[bool]) -> Dict[str, Any]:
    """The JSON of the sentence view for a `KimCNN` pass over `words` (padding after them).

    Returns per width k: maps (F, P) after relu and conv (F, P) before it, winner (F,), pooled
    (F,), dots (F, P, k) (each word's kernel-column dot product, the bias excluded) and dot_total
    (F, P) (their sum + bias = conv), bias (F,), fc_weight (C, F), contributions (C, L) per class
    and word, word_sum (C,) (their sum), bias_contribution (C,), total (C,) (this width's part of each logit), ngram_score
    (C, P) (what the filters won by the n-gram starting at t gave each class) and win_count (P,);
    overall word_total (C, L), sum (C,) (all parts + fc_bias: equals logits), logits,
    probabilities and fc_bias.
    """
    fc_step = recording.steps[_step_of(recording, model.fc)]
    fc_weight, pooled_all = _numpy(model.fc.weight.value), fc_step.input.astype(np.float64)
    fc_bias = _numpy(model.fc.bias.value) if model.fc.bias is not None else np.zeros(fc_weight.shape[0])
    classes, length = fc_weight.shape[0], recording.input.shape[0]
    widths, offset = [], 0
    word_total, parts_sum = np.zeros((classes, length)), fc_bias.copy()  # sum: every part of the logits
    for conv in model.convs:
        conv_index = _step_of(recording, conv)
        conv_step = recording.steps[conv_index]
        relu_step = next(s for s in recording.steps[conv_index + 1:] if s.source == conv_index)
        maps = relu_step.output.astype(np.float64)  # (F, P)
        filters, k = maps.shape[0], conv.kernel_size[0]
        weight = _numpy(conv.weight.value)  # (F, E, k)
        bias = _numpy(conv.bias.value) if conv.bias is not None else np.zeros(filters)
        cols = sliding_window_view(conv_step.input.astype(np.float64), k, axis=1)  # (E, P, k)
        dots = np.einsum("fej,epj->fpj", weight, cols)  # (F, P, k): word j's part of conv[f, t]
        winner = maps.argmax(axis=1)  # (F,)
        pooled = pooled_all[offset:offset + filters]  # the recorded max over time
        active = pooled > 0
        share = fc_weight[:, offset:offset + filters] * active  # (C, F): fc weight of filters that fired
        contributions = np.zeros((classes, length))
        for f in np.flatnonzero(active):
            contributions[:, winner[f]:winner[f] + k] += share[:, f:f + 1] * dots[f, winner[f]]
        filter_parts = share * (dots[np.arange(filters), winner].sum(axis=1) + bias)  # (C, F) = fc_w * pooled
        ngram_score = np.zeros((classes, maps.shape[1]))
        np.add.at(ngram_score.T, winner, filter_parts.T)  # (C, P): what the filters won at t gave each class
        widths.append({
            "width": k, "filters": filters, "maps": encode_array(maps), "conv": encode_array(conv_step.output),
            "winner": encode_array(winner, "i4"), "pooled": encode_array(pooled, "f8"),
            "dots": encode_array(dots), "bias": encode_array(bias, "f8"),
            "fc_weight": encode_array(fc_weight[:, offset:offset + filters]),
            "contributions": encode_array(contributions, "f8"),
            "bias_contribution": encode_array(share @ bias, "f8"),
            "word_sum": encode_array(contributions.sum(axis=1), "f8"),
            "total": encode_array(contributions.sum(axis=1) + share @ bias, "f8"),
            "dot_total": encode_array(dots.sum(axis=2) + bias[:, None], "f8"),
            "ngram_score": encode_array(ngram_score, "f8"),
            "win_count": encode_array(np.bincount(winner, minlength=maps.shape[1]), "i4"),
        })
        word_total += contributions
        parts_sum += contributions.sum(axis=1) + share @ bias
        offset += filters
    return {"words": words, "known": known, "length": length, "widths": widths,
            "word_total": encode_array(word_total, "f8"), "sum": encode_array(parts_sum, "f8"),
            "logits": encode_array(recording.output, "f8"), "fc_bias": encode_array(fc_bias, "f8"),
            "probabilities": [float(p) for p in recording.probabilities]}

"""HW2P1 `Linear`: Z = A W^T + 1 b^T with W (C_out, C_in) and b (C_out, 1), the handout's layout.

Shape:
    (N, C_in) -> (N, C_out)
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ...errors import ShapeError
from ...nn import functional as F
from ..engine import Step, as_array, check_input, need_forward, run

__all__ = ["Linear"]


class Linear:
    """W and b start at zero (the handout's Linear), or from `weight_init_fn(C_out, C_in)` /
    `bias_init_fn(C_out)`; backward sets dLdA, dLdW (C_out, C_in) and dLdb (C_out, 1)."""

    def __init__(self, in_features: int, out_features: int, debug: bool = False, *,
                 weight_init_fn: Optional[Callable[..., Any]] = None,
                 bias_init_fn: Optional[Callable[..., Any]] = None):
        self.in_features, self.out_features, self.debug = in_features, out_features, debug
        self.W = np.zeros((out_features, in_features)) if weight_init_fn is None else weight_init_fn(out_features,
                                                                                                  in_features)
        b = np.zeros(out_features) if bias_init_fn is None else bias_init_fn(out_features)
        self.b = np.asarray(b, dtype=np.float64).reshape(out_features, 1)
        self.dLdW, self.dLdb = np.zeros((out_features, in_features)), np.zeros((out_features, 1))
        self._step: Optional[Step] = None

    def forward(self, A: Any) -> np.ndarray:
        """(N, C_in) -> (N, C_out)."""
        A = check_input("Linear", A, "N, C_in")
        if A.shape[1] != self.in_features:
            raise ShapeError(f"Linear.forward: A has {A.shape[1]} features (shape {A.shape}) but W is "
                             f"{np.shape(self.W)} (in_features={self.in_features})")
        self.A, self.N = A, A.shape[0]
        W, b = as_array(self.W), as_array(self.b).reshape(-1)
        Z, self._step = run("Linear", lambda A, W, b: F.linear(A, W, b), A=A, W=W, b=b)
        return Z

    def backward(self, dLdZ: Any) -> np.ndarray:
        """dLdA (N, C_in); sets dLdW and dLdb."""
        grads = need_forward("Linear", self._step).backward(dLdZ)
        self.dLdA, self.dLdW, self.dLdb = grads["A"], grads["W"], grads["b"].reshape(self.out_features, 1)
        return self.dLdA

"""Einstein summation: `einsum` (as PyTorch, through the array namespace's einsum), and
`outer` and `dot`, which are two of its cases.

`einsum("ij,jk->ik", a, b)` multiplies entries whose subscripts agree and sums over the letters
missing from the output. The gradient of an operand is another einsum: the upstream gradient
(subscripts of the output) with the other operands, summed to the operand's subscripts. A
letter only that operand has (summed away inside it) gets the gradient broadcast along it;
a letter repeated in one operand (a diagonal, `"ii->i"`) gets it written into that diagonal;
a size-1 dim that broadcast against a larger one gets it summed back.

Shape:
    operands with one subscript letter per dim ("..." for any leading dims) -> the output's
    subscripts; without "->" the output is "..." then the letters used once, alphabetically.
"""

from __future__ import annotations

import string
from typing import Any, Dict, List, Sequence, Tuple

from ..autodiff.function import Context, Function
from ..core.dtypes import result_type
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, namespace

__all__ = ["Einsum", "einsum", "outer", "dot"]

Subscripts = Tuple[str, ...]


def _parse(equation: str, shapes: Sequence[Tuple[int, ...]]) -> Tuple[List[str], str, Dict[str, int]]:
    """Each operand's subscripts and the output's, with "..." spelled out in unused letters,
    and every letter's size. Raises ShapeError for an equation that does not fit the operands."""
    eq = equation.replace(" ", "")
    inputs, arrow, output = eq.partition("->")
    parts = inputs.split(",")
    if len(parts) != len(shapes):
        raise ShapeError(f"einsum: {equation!r} names {len(parts)} operands but {len(shapes)} were given")
    letters = set(eq) - set(",->.")
    if not all(c in string.ascii_letters for c in letters):
        raise ShapeError(f"einsum: {equation!r} may use only letters a-z, A-Z, ',', '->' and '...'")
    spare = [c for c in string.ascii_letters if c not in letters]
    ellipsis_dims = max((len(s) - len(p.replace("...", "")) for p, s in zip(parts, shapes) if "..." in p), default=0)
    ellipsis = "".join(spare[:ellipsis_dims])
    subs = []
    for part, shape in zip(parts, shapes):
        if part.count("...") > 1 or part.replace("...", "").count(".") or output.count("...") > 1:
            raise ShapeError(f"einsum: {equation!r} has a '.' outside one '...' per operand")
        named = part.replace("...", "")
        own = len(shape) - len(named) if "..." in part else 0
        if own < 0 or ("..." not in part and len(named) != len(shape)):
            raise ShapeError(f"einsum: subscripts {part!r} do not match an operand of shape {shape} (one letter per dim)")
        subs.append(part.replace("...", ellipsis[ellipsis_dims - own:]))
    if not arrow:
        once = sorted(c for c in letters if inputs.count(c) == 1)
        output = ellipsis + "".join(once)
    else:
        output = output.replace("...", ellipsis)
        if len(set(output)) != len(output) or not set(output) <= set("".join(subs)):
            raise ShapeError(f"einsum: the output {output!r} of {equation!r} repeats a letter or has one no operand has")
    sizes: Dict[str, int] = {}
    for sub, shape in zip(subs, shapes):
        for letter, size in zip(sub, shape):
            known = sizes.get(letter, 1)
            if size != known and 1 not in (size, known):
                raise ShapeError(
                    f"einsum: subscript {letter!r} of {equation!r} has sizes {known} and {size} in the operands "
                    f"of shapes {list(shapes)}; they must be equal (or 1)"
                )
            sizes[letter] = max(known, size) if size and known else 0
    return subs, output, sizes


class Einsum(Function):
    """The einsum of the operands (all tensor arguments) by the explicit `subs -> output`."""

    @staticmethod
    def forward(ctx: Context, subs: Subscripts, output: str, *operands: Tensor) -> Tensor:
        arrays = [array(t) for t in operands]
        ctx.save_for_backward(*arrays)
        ctx.subs, ctx.output = subs, output
        xp = namespace(operands[0])
        return from_array(operands[0], xp.einsum(",".join(subs) + "->" + output, *arrays, optimize=len(arrays) > 2))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, ...]:
        arrays = ctx.saved_values
        xp = namespace(grad_output)
        g = array(grad_output)
        return tuple(from_array(grad_output, _operand_grad(xp, g, ctx.output, ctx.subs, arrays, k)) for k in range(len(arrays)))


def _operand_grad(xp: Any, g: Any, output: str, subs: Subscripts, arrays: Sequence[Any], k: int) -> Any:
    """d(einsum)/d(operand k) contracted with g: an array of operand k's shape."""
    own, shape = subs[k], arrays[k].shape
    unique = "".join(dict.fromkeys(own))  # letters in order of first appearance
    elsewhere = set(output).union(*(s for j, s in enumerate(subs) if j != k))
    target = "".join(c for c in unique if c in elsewhere)
    others = [a for j, a in enumerate(arrays) if j != k]
    equation = ",".join([output] + [s for j, s in enumerate(subs) if j != k]) + "->" + target
    grad = xp.einsum(equation, g, *others, optimize=len(others) > 1)
    size = {c: s for c, s in zip(own, shape)}
    for axis, letter in enumerate(target):  # a size-1 dim that broadcast: sum the gradient back
        if size[letter] == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    for axis, letter in enumerate(unique):  # letters summed inside this operand only: broadcast along them
        if letter not in elsewhere:
            grad = xp.expand_dims(grad, axis)
    grad = xp.broadcast_to(grad, tuple(size[c] for c in unique))
    if len(unique) == len(own):
        return xp.ascontiguousarray(grad)
    full = xp.zeros(shape, dtype=g.dtype)  # a repeated letter: write into that diagonal
    strides = {c: 0 for c in unique}
    for letter, step in zip(own, full.strides):
        strides[letter] += step
    diagonal = xp.lib.stride_tricks.as_strided(full, tuple(size[c] for c in unique), tuple(strides[c] for c in unique))
    diagonal[...] = grad
    return full


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products of `operands`' entries by Einstein's subscripts (as `torch.einsum`).

    `"ij,jk->ik"` is a matrix product, `"bij,bjk->bik"` a batched one, `"i,j->ij"` an outer
    product, `"ii->"` a trace, `"...ij->...ji"` a transpose. Every operand is differentiable.

    Args:
        equation: comma-separated subscripts, one letter per dim ("..." for leading dims),
            then optionally "->" and the output's subscripts.
        operands: the tensors (or one list of them), one per subscript group.

    Raises:
        ShapeError: subscripts that do not match the operands, or a letter with two sizes.
        DTypeError: operands that are not tensors.

    Shape:
        see the module docstring.

    Example:
        >>> a, b = minitorch.ones((2, 3)), minitorch.ones((3, 4))
        >>> einsum("ij,jk->ik", a, b).shape, einsum("ij->", a).item()
        ((2, 4), 6.0)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands or not all(isinstance(t, Tensor) for t in operands):
        raise DTypeError(f"einsum: operands must be minitorch Tensors, got {[type(t).__name__ for t in operands]}")
    subs, output, _ = _parse(equation, [t.shape for t in operands])
    dtype = operands[0].dtype
    for t in operands[1:]:
        dtype = result_type(dtype, t.dtype)
    return Einsum.apply(tuple(subs), output, *(t.to(dtype) for t in operands))


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two vectors: out[i, j] = input[i] * vec2[j] (as `torch.outer`).

    Shape:
        (n,), (m,) -> (n, m).

    Example:
        >>> outer(minitorch.tensor([1.0, 2.0]), minitorch.tensor([1.0, 10.0])).tolist()
        [[1.0, 10.0], [2.0, 20.0]]
    """
    if input.dims != 1 or vec2.dims != 1:
        raise ShapeError(f"outer: needs two 1-D tensors, got shapes {input.shape} and {vec2.shape}")
    return einsum("i,j->ij", input, vec2)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product of two 1-D tensors of one size, 0-d (as `torch.dot`).

    Shape:
        (n,), (n,) -> ().

    Example:
        >>> dot(minitorch.tensor([1.0, 2.0]), minitorch.tensor([3.0, 4.0])).item()
        11.0
    """
    if input.dims != 1 or tensor.shape != input.shape:
        raise ShapeError(f"dot: needs two 1-D tensors of one size, got shapes {input.shape} and {tensor.shape}")
    return einsum("i,i->", input, tensor)

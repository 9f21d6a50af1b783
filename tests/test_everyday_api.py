"""The everyday tensor API beyond the registry's forward/backward checks: result dtypes of the
new ops against PyTorch, split/chunk/unbind's single backward, reshape's view-or-copy choice
against PyTorch's, the two faces of max along a dim, conversions and in-place arithmetic, and
a list of the PyTorch names a user reaches for in the first hour."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.errors import AutodiffError, DTypeError
from minitorch.ops import extrema, split

INPUTS = {
    "float64": np.array([[1.25, -2.5, 0.0], [3.5, 0.5, -0.75]]),
    "float32": np.array([[1.25, -2.5, 0.0], [3.5, 0.5, -0.75]], dtype=np.float32),
    "int64": np.array([[3, -2, 0], [5, 1, -7]]),
    "bool": np.array([[True, False, True], [False, False, True]]),
}

UNARY = ["floor", "ceil", "round", "trunc", "sign", "abs", "sin", "cos", "exp", "exp2", "log1p", "expm1", "sqrt", "reciprocal",
         "sigmoid", "tanh", "isnan", "isinf", "isfinite", "logical_not", "cumsum", "cumprod", "square", "neg", "amax", "flip",
         "frac", "nonzero", "argsort", "count_nonzero", "norm"]
BINARY = ["floor_divide", "remainder", "fmod", "atan2", "logical_and", "logical_or", "eq", "ne", "le", "ge", "maximum", "add",
          "mul", "div", "sub"]
_ARGS = {"cumsum": (0,), "cumprod": (0,), "flip": ((0,),)}


def _call(module_or_tensor, name, *args):
    extra = _ARGS.get(name, ())
    return getattr(module_or_tensor, name)(*args, *extra)


@pytest.fixture
def torch_float64_default():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # ours is float64: compare int -> float results alike
    yield
    torch.set_default_dtype(previous)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", list(INPUTS))
def test_unary_result_dtypes_match_torch(name, dtype, torch_float64_default):
    array = INPUTS[dtype]
    try:
        expected = _call(torch.from_numpy(array.copy()), name)
    except (RuntimeError, TypeError, NotImplementedError):  # torch refuses this dtype
        with pytest.raises((DTypeError, TypeError)):
            _call(minitorch.from_numpy(array.copy()), name)
        return
    out = _call(minitorch.from_numpy(array.copy()), name)
    assert out.dtype == np.dtype(str(expected.dtype).replace("torch.", "")), (name, dtype)
    np.testing.assert_allclose(out.to_numpy().astype(np.float64), expected.numpy().astype(np.float64), rtol=1e-6)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("left,right", [("int64", "int64"), ("int64", "float32"), ("bool", "int64"), ("float32", "float64")])
def test_binary_result_dtypes_match_torch(name, left, right, torch_float64_default):
    a, b = INPUTS[left], np.where(INPUTS[right] == 0, 1, INPUTS[right]).astype(INPUTS[right].dtype)  # no division by 0
    try:
        expected = getattr(torch, name)(torch.from_numpy(a.copy()), torch.from_numpy(b.copy()))
    except (RuntimeError, TypeError, NotImplementedError):
        return  # (torch refuses; ours may compute: bool arithmetic is a deliberate difference)
    out = getattr(minitorch.from_numpy(a.copy()), name)(minitorch.from_numpy(b.copy()))
    assert out.dtype == np.dtype(str(expected.dtype).replace("torch.", "")), (name, left, right)
    np.testing.assert_allclose(out.to_numpy().astype(np.float64), expected.numpy().astype(np.float64), rtol=1e-6)


def test_split_pieces_share_one_backward(monkeypatch):
    calls = []
    original = split.Pieces.backward

    def counting(ctx, grad_output):
        calls.append(sorted({piece for piece, _ in grad_output.terms}))
        return original(ctx, grad_output)

    monkeypatch.setattr(split.Pieces, "backward", staticmethod(counting))
    x = minitorch.rand((6, 4), requires_grad=True)
    a, b, c = x.split(2, 0)
    (a * 2 + c + a).sum().backward()  # piece 1 unused, piece 0 used twice
    assert calls == [[0, 2]]
    assert x.grad.tolist() == [[3.0] * 4] * 2 + [[0.0] * 4] * 2 + [[1.0] * 4] * 2
    x.grad = None
    calls.clear()
    rows = x.unbind(0)
    sum(r.sum() for r in rows).backward()
    assert calls == [list(range(6))] and x.grad.tolist() == [[1.0] * 4] * 6
    with minitorch.no_grad():  # no graph: plain views, no shared node
        assert all(p.history is None for p in x.chunk(3, 1))


def _layouts(rng):
    """Random non-contiguous layouts: a permutation of a contiguous block, maybe sliced."""
    for _ in range(200):
        shape = tuple(int(s) for s in rng.integers(1, 5, size=int(rng.integers(1, 5))))
        order = [int(d) for d in rng.permutation(len(shape))]
        base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
        step = 2 if rng.random() < 0.4 and shape[-1] > 2 else 1
        yield base, order, step


def _new_shape(rng, n):
    sizes, left = [], n
    for _ in range(int(rng.integers(0, 3))):
        d = int(rng.choice([d for d in range(1, left + 1) if left % d == 0]))
        sizes.append(d)
        left //= d
    return tuple(rng.permutation(sizes + [left]).tolist())


def test_reshape_is_a_view_exactly_where_torch_gives_one():
    rng = np.random.default_rng(0)
    views = 0
    for base, order, step in _layouts(rng):
        ours = minitorch.from_numpy(base.copy()).permute(*order)[..., ::step]
        theirs = torch.from_numpy(base.copy()).permute(*order)[..., ::step]
        shape = _new_shape(rng, theirs.numel())
        expected = theirs.reshape(shape)
        got = ours.reshape(*shape)
        assert got.tolist() == expected.tolist()
        shares = got._tensor._storage.base is not None and np.shares_memory(got._tensor._storage, ours._tensor._storage)
        torch_view = expected.data_ptr() >= theirs.data_ptr() and expected.untyped_storage().data_ptr() == theirs.untyped_storage().data_ptr()
        assert shares == torch_view, (base.shape, order, step, shape)
        views += torch_view
    assert views > 50  # the check saw both views and copies


def test_max_along_a_dim_has_one_body_and_two_faces():
    x = minitorch.tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0]], requires_grad=True)
    course = minitorch.max(x, 1)  # the course: dim kept, values only
    values, indices = x.max(1)  # PyTorch: dim dropped, (values, indices)
    assert course.history.last_fn is extrema.Max and values.history is not None
    assert course.tolist() == [[5.0], [7.0]] and values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    (course.sum() + values.sum()).backward()
    assert x.grad.tolist() == [[0.0, 2.0, 0.0], [2.0, 0.0, 0.0]]  # the first maximum, as PyTorch
    low, where = x.min(0, keepdim=True)
    assert low.tolist() == [[1.0, 2.0, 5.0]] and where.tolist() == [[0, 1, 0]]
    nan = minitorch.tensor([[1.0, float("nan"), 3.0]])
    assert nan.max(1).indices.tolist() == [1] and nan.min(1).indices.tolist() == [1]  # NaN wins, as PyTorch
    flags = minitorch.tensor([[True, False], [False, False]])
    assert flags.max(1).values.tolist() == [True, False] and flags.min(0).indices.tolist() == [1, 0]


def test_conversions_and_new_tensors():
    x = minitorch.tensor([[1.5, -2.5]])
    assert x.int().dtype == np.int64 and x.int().tolist() == [[1, -2]]  # no int32: int64 (README)
    assert x.type() == "minitorch.DoubleTensor" and x.float().type() == "minitorch.FloatTensor"
    assert x.type("float32").dtype == np.float32 and x.long().type_as(x).dtype == np.float64
    assert x.to(minitorch.tensor([1], dtype="int64")).dtype == np.int64
    assert x.new_zeros(2, 3).shape == (2, 3) and x.new_ones((2,)).tolist() == [1.0, 1.0]
    assert x.new_full((1,), 7).tolist() == [7.0] and x.new_tensor([1, 2]).dtype == np.float64
    assert x.new_empty(3, dtype="int64").dtype == np.int64 and x.is_floating_point() and not x.long().is_floating_point()
    assert x.stride() == (2, 1) and x.T.stride(0) == 1 and x.element_size() == 8
    assert x.data.tolist() == x.tolist() and x.data.history is None


def test_random_fills_in_place_are_seeded_and_follow_the_write_rules():
    w = minitorch.zeros((200, 50))
    minitorch.manual_seed(3)
    w.normal_(1.0, 0.5)
    first = w.tolist()
    assert abs(w.mean().item() - 1.0) < 0.02 and abs(w.std().item() - 0.5) < 0.02
    minitorch.manual_seed(3)
    assert w.normal_(1.0, 0.5).tolist() == first
    w.uniform_(-2.0, -1.0)
    assert -2.0 <= w.amin().item() and w.amax().item() < -1.0
    with pytest.raises(AutodiffError):
        minitorch.zeros(3, requires_grad=True).normal_()


def test_in_place_arithmetic_follows_the_write_rules():
    w = minitorch.ones((2, 2), requires_grad=True)
    with pytest.raises(AutodiffError, match="no_grad"):
        w.mul_(2.0)
    with minitorch.no_grad():
        w.mul_(3.0).add_(1.0, alpha=2.0).sub_(minitorch.ones((2,))).div_(2.0).clamp_(max=2.0)
    assert w.tolist() == [[2.0, 2.0], [2.0, 2.0]] and w.requires_grad
    x = minitorch.zeros(3)
    assert x.add_(1) is x and x.tolist() == [1.0, 1.0, 1.0]


EVERYDAY_METHODS = """abs add add_ all allclose amax amin any argmax argmin argsort backward bmm bool ceil chunk clamp clamp_
clip clone contiguous cos cpu cumprod cumsum data detach detach_ diag diagonal dim div div_ dot double dtype eq equal exp
expand expand_as flatten flip float floor floor_divide fmod frac gather ge grad gt index_select int is_contiguous
is_floating_point isclose isfinite isinf isnan item le log log10 log1p log2 log_softmax logical_and logical_not
logical_or logsumexp long lt masked_fill masked_select matmul max maximum mean min minimum mm movedim mul mul_ narrow
ndim ne neg new_ones new_tensor new_zeros nonzero norm numel numpy permute pow prod reciprocal relu remainder repeat
requires_grad requires_grad_ reshape reshape_as roll round rsqrt scatter_add shape sigmoid sign sin size softmax sort
split sqrt square squeeze std stride sub sub_ sum t tanh to tolist topk trace transpose tril triu trunc type type_as
unbind unflatten unsqueeze var view view_as where zero_ normal_ uniform_ nelement ndimension ravel clamp_min clamp_max
is_cuda itemsize nbytes element_size new_full new_empty count_nonzero""".split()

EVERYDAY_FUNCTIONS = """abs all amax amin any arange argmax argmin argsort atan2 bmm cat ceil chunk clamp cos cumprod cumsum diag
diagonal div dot einsum empty eq exp eye flip floor fmod from_numpy full full_like gather isclose isnan linspace log
log_softmax logsumexp masked_select matmul max maximum mean min minimum mm movedim narrow no_grad nonzero norm ones
ones_like outer pow rand randn remainder reshape roll round sigmoid sign sin softmax sort split sqrt squeeze stack std
sum tanh tensor topk trace tril triu unbind unsqueeze var where zeros zeros_like""".split()


def test_the_everyday_pytorch_names_exist():
    x = minitorch.zeros((2, 3))
    missing = [n for n in EVERYDAY_METHODS if not hasattr(x, n)] + [f"minitorch.{n}" for n in EVERYDAY_FUNCTIONS if not hasattr(minitorch, n)]
    assert not missing, missing
    assert all(hasattr(torch.Tensor, n) for n in EVERYDAY_METHODS) and all(hasattr(torch, n) for n in EVERYDAY_FUNCTIONS)


def test_zero_dim_tensor_with_a_python_number_stays_zero_dim() -> None:
    """0-d op number keeps torch's shape () (it broadcast to (1,) once), also in place."""
    x = minitorch.zeros((), requires_grad=True)
    for result, expected in [(x + 1.0, torch.zeros(()) + 1.0), (2.0 - x, 2.0 - torch.zeros(())),
                             (x * 3, torch.zeros(()) * 3), (x > 0.5, torch.zeros(()) > 0.5)]:
        assert result.shape == tuple(expected.shape) == ()
    (x * 3.0 + 1.0).backward()
    assert x.grad is not None and x.grad.shape == () and x.grad.item() == 3.0
    counter = minitorch.zeros((), dtype="int64")
    counter.add_(1)
    assert counter.shape == () and counter.item() == 1
    assert (minitorch.zeros(3) + 1.0).shape == (3,)

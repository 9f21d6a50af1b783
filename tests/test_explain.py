"""`minitorch explain`: the recorded pass, the JSON the server returns, and its arithmetic checked
against the forward pass and against PyTorch (an independent unfold)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn
from minitorch.explain.arithmetic import layer_tables
from minitorch.explain.explainer import Explainer
from minitorch.explain.inputs import InputError
from minitorch.explain.layers import decode_array, layers_of
from minitorch.explain.record import MODEL_INPUT, record_forward
from minitorch.models import build_model
from minitorch.train.inference import predict_batches
from tests.explain_fixtures import train_run

RUNS = ("lenet", "course", "digits", "signal")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("explain-runs")
    return {name: train_run(root, name) for name in RUNS + ("sst2",)}


@pytest.fixture(scope="module")
def explainers(runs):
    return {name: Explainer(path, examples=6) for name, path in runs.items()}


# ---------------------------------------------------------------------------- recording
@pytest.mark.parametrize("name, shape, options", [
    ("lenet5", (1, 28, 28), {}), ("course", (1, 28, 28), {}), ("signal_cnn", (1, 40), {}),
    ("cnn", (1, 8, 8), {"layers": "4:3,6:3:2"}), ("kim_cnn", (7,), {"vocab_size": 30, "embedding_dim": 8, "num_filters": 3}),
])
def test_record_forward_sees_every_call_of_every_zoo_model(name, shape, options):
    model = build_model(name, shape, 2, **options)
    x = np.array([[2, 3, 4, 5, 6, 7, 0]]) if name == "kim_cnn" else minitorch.rand((1,) + shape)
    recording = record_forward(model, x)
    assert model.training  # record_forward runs in eval mode and restores the mode
    with minitorch.no_grad():
        expected = model.eval()(x).to_numpy()[0]
    np.testing.assert_allclose(recording.output, expected)
    np.testing.assert_allclose(recording.probabilities.sum(), 1.0)
    assert recording.steps[0].source == MODEL_INPUT
    called = [type(step.module).__name__ for step in recording.steps]
    if name == "lenet5":  # the shared act/pool modules give one step per call
        assert called == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU",
                          "Linear", "ReLU", "Linear"]
        assert [s.name for s in recording.steps][:6] == ["conv1", "act", "pool", "conv2", "act (2)", "pool (2)"]
    for number, step in enumerate(recording.steps[1:], 1):
        if step.source is not None and step.source >= 0:  # the producer's output is this step's input
            np.testing.assert_array_equal(recording.steps[step.source].output, step.input)
    assert all(not module.__dict__.get("_forward_hooks") for module in model.modules())  # hooks removed


def test_record_docstring_example():
    import doctest

    from minitorch.explain import record

    result = doctest.testmod(record, extraglobs={"minitorch": minitorch})
    assert result.attempted > 0 and result.failed == 0


def test_record_forward_wants_one_example():
    with pytest.raises(ValueError, match="batch of one"):
        record_forward(nn.ReLU(), minitorch.rand((2, 3)))


# ---------------------------------------------------------------------------- arithmetic
def _torch_patches(x: np.ndarray, geometry: dict) -> np.ndarray:
    """Windows (C, *O, *K) of x (C, *S) by torch's unfold (1-D as height-1 2-D)."""
    k, s, p, d = (geometry[key] for key in ("kernel", "stride", "padding", "dilation"))
    one_d = len(k) == 1
    if one_d:
        x, k, s, p, d = x[:, None, :], [1] + k, [1] + s, [0] + p, [1] + d
    cols = torch.nn.functional.unfold(torch.from_numpy(x[None].astype(np.float64)), k, dilation=d, padding=p, stride=s)
    out = [(x.shape[1 + i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    cols = cols[0].numpy().reshape(x.shape[0], k[0], k[1], out[0], out[1]).transpose(0, 3, 4, 1, 2)  # (C, Oh, Ow, Kh, Kw)
    return cols[:, 0, :, 0, :] if one_d else cols


@pytest.mark.parametrize("run", RUNS)
def test_every_units_arithmetic_equals_its_value(explainers, run):
    explainer = explainers[run]
    result = explainer.explain({"example": 1})
    layers = result["layers"]
    assert layers[0]["kind"] == "input" and layers[0]["shape"] == list(explainer.input_shape)
    recorded = {layer.index: layer for layer in layers_of(explainer._passes[result["pass"]][0])}
    kinds = set()
    for layer in layers:
        values = decode_array(layer["values"])
        assert list(values.shape) == layer["shape"]
        tables = explainer.tables(result["pass"], layer["index"])
        if not tables:
            continue
        kinds.add(layer["kind"])
        total = decode_array(tables["total"])
        assert total.shape == values.shape
        np.testing.assert_allclose(total, values, rtol=1e-5, atol=1e-5 * np.abs(values).max())
        if layer["kind"] == "conv":  # products = patch x kernel, the patch taken by torch's unfold
            products, weight = decode_array(tables["products"]), decode_array(tables["weight"])
            source = decode_array(layers[layer["source"]]["values"])
            patches = _torch_patches(source, layer["info"]["geometry"])  # (C_in, *O, *K)
            n = len(layer["shape"]) - 1  # spatial dims
            moved = np.moveaxis(patches, 0, -1 - n)  # (*O, C_in, *K)
            expected = weight.reshape((weight.shape[0],) + (1,) * n + weight.shape[1:]) * moved[None]
            np.testing.assert_allclose(products, expected, rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(decode_array(tables["channel_sums"]),
                                       products.sum(axis=tuple(range(-n, 0))), rtol=1e-4, atol=1e-5)
        if layer["kind"] == "maxpool":  # the winner holds the window's max
            source = recorded[layer["index"]].step.input
            winner = decode_array(tables["winner"])
            kernel, stride = layer["info"]["geometry"]["kernel"], layer["info"]["geometry"]["stride"]
            for c, y, x in [(0, 0, 0), (1, 2, 3), (layer["shape"][0] - 1, layer["shape"][1] - 1, layer["shape"][2] - 1)]:
                dy, dx = divmod(int(winner[c, y, x]), kernel[1])
                assert source[c, y * stride[0] + dy, x * stride[1] + dx] == values[c, y, x]
        if layer["kind"] == "linear":
            top = decode_array(tables["top"])
            np.testing.assert_allclose(decode_array(tables["top_products"]).sum(axis=1) + decode_array(tables["rest"])
                                       + decode_array(tables["bias"]), values, rtol=1e-5, atol=1e-6)
            assert top.shape[1] == min(8, recorded[layer["index"]].step.input.shape[0])
    assert {"conv", "linear"} <= kinds
    assert ("maxpool" in kinds) == (run == "lenet") and ("avgpool" in kinds) == (run == "course")


@pytest.mark.parametrize("run", RUNS + ("sst2",))
def test_probabilities_match_the_predict_path(explainers, run):
    explainer = explainers[run]
    result = explainer.explain({"example": 2})
    if run == "sst2":
        from minitorch.data import Tokenizer
        from minitorch.train.tasks import encode_texts

        ids = encode_texts([explainer.examples.inputs[2]], explainer.vocab, Tokenizer())
        expected = predict_batches(explainer.model, ids, is_text=True)[0]
    else:
        expected = predict_batches(explainer.model, np.asarray(explainer.examples.inputs[2:3]),
                                   dtype=explainer.config.dtype)[0]
    np.testing.assert_allclose(result["probabilities"], expected, rtol=1e-5, atol=1e-7)
    assert result["predicted"] == int(np.argmax(expected)) and result["label"] == explainer.examples.labels[2]


def test_sentence_contributions_add_up_to_the_logits(explainers):
    explainer = explainers["sst2"]
    result = explainer.explain({"sentence": "a good film , not a bad zzzunknown one ."})
    s = result["sentence"]
    assert s["words"][-1] == "." and s["known"][s["words"].index("zzzunknown")] is False
    logits = decode_array(s["logits"])
    np.testing.assert_allclose(decode_array(s["sum"]), logits, rtol=1e-5, atol=1e-5)
    parts = decode_array(s["fc_bias"]) + sum(decode_array(w["total"]) for w in s["widths"])
    np.testing.assert_allclose(parts, logits, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(decode_array(s["word_total"]).sum(axis=1),
                               sum(decode_array(w["word_sum"]) for w in s["widths"]), rtol=1e-9)
    assert [w["width"] for w in s["widths"]] == list(explainer.model.kernel_sizes)
    for w in s["widths"]:
        maps, conv, winner = decode_array(w["maps"]), decode_array(w["conv"]), decode_array(w["winner"])
        np.testing.assert_allclose(decode_array(w["dot_total"]), conv, rtol=1e-4, atol=1e-5)  # words + bias = conv
        np.testing.assert_allclose(np.maximum(conv, 0), maps, atol=1e-6)
        np.testing.assert_allclose(maps[np.arange(len(winner)), winner], decode_array(w["pooled"]), atol=1e-6)
        assert decode_array(w["win_count"]).sum() == w["filters"]


# ---------------------------------------------------------------------------- input validation
@pytest.mark.parametrize("request_, message", [
    ({"pixels": [0.5] * 10}, "expected a list of 784 numbers, got 10"),
    ({"pixels": [float("nan")] + [0.0] * 783}, "finite"),
    ({"pixels": [2.0] * 784}, "must lie in [0, 1]"),
    ({"pixels": [True] * 784}, "finite number"),
    ({"pixels": "abc"}, "expected a list of 784 numbers"),
    ({"example": 99}, "expected an index in 0..5"),
    ({"example": "0"}, "expected an index"),
    ({"sentence": "hello"}, "classifies images"),
    ([1, 2], "expected a JSON object"),
])
def test_bad_image_requests_are_refused(explainers, request_, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("(", r"\(")):
        explainers["lenet"].explain(request_)


def test_drawn_pixels_as_rows_and_flat_give_the_same_pass(explainers):
    explainer = explainers["lenet"]
    rows = np.zeros((28, 28))
    rows[8:20, 12:16] = 1.0
    by_rows = explainer.explain({"pixels": rows.tolist()})
    flat = explainer.explain({"pixels": rows.ravel().tolist()})
    assert by_rows["probabilities"] == flat["probabilities"] and by_rows["label"] is None


@pytest.mark.parametrize("request_, message", [
    ({"sentence": ""}, "at least one word"),
    ({"sentence": "x" * 700}, "at most 600"),
    ({"sentence": " ".join(["word"] * 90)}, "at most 80"),
    ({"sentence": 42}, "expected text"),
    ({"pixels": []}, "classifies sentences"),
])
def test_bad_sentences_are_refused(explainers, request_, message):
    with pytest.raises(InputError, match=message):
        explainers["sst2"].explain(request_)


def test_signal_requests(explainers):
    explainer = explainers["signal"]
    result = explainer.explain({"signal": list(np.sin(np.arange(40) / 4))})
    assert result["layers"][1]["kind"] == "conv" and result["layers"][1]["shape"][1] == 19
    with pytest.raises(InputError, match="length 40"):
        explainer.explain({"signal": [0.0] * 39})


def test_tables_of_a_forgotten_pass_or_layer(explainers):
    explainer = explainers["lenet"]
    with pytest.raises(InputError, match="no longer kept"):
        explainer.tables("nope", 1)
    result = explainer.explain({"example": 0})
    with pytest.raises(InputError, match="layer: expected an index"):
        explainer.tables(result["pass"], 99)


def test_missing_data_leaves_drawing(runs, tmp_path):
    explainer = Explainer(runs["lenet"], data=str(tmp_path / "nothing-here"))
    assert explainer.examples.inputs == [] and "pass --data DIR" in explainer.examples.note
    assert explainer.info()["examples"]["labels"] == []
    assert len(explainer.explain({"pixels": [0.0] * 784})["probabilities"]) == 10


def test_layer_tables_of_odd_geometries_match_the_forward_pass():
    # stride, padding, dilation, groups, ceil_mode and count_include_pad=False
    model = nn.Sequential(nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2),
                          nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
                          nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                          nn.Identity())
    layers = layers_of(record_forward(model, minitorch.rand((1, 2, 13, 11))))
    assert [layer.kind for layer in layers] == ["input", "conv", "maxpool", "avgpool"]
    for layer in layers[1:]:
        np.testing.assert_allclose(decode_array(layer_tables(layer)["total"]), layer.values, atol=1e-12)

"""The explain server over real HTTP: routes, JSON errors, limits, the run-folder sandbox, the CLI."""

from __future__ import annotations

import http.client
import json
import re
import threading

import numpy as np
import pytest

from minitorch.cli import main
from minitorch.explain.explainer import Explainer
from minitorch.explain.layers import decode_array
from minitorch.explain.server import MAX_BODY_BYTES, make_server
from tests.explain_fixtures import train_run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return train_run(tmp_path_factory.mktemp("explain-server"), "lenet")


@pytest.fixture(scope="module")
def server(run):
    server = make_server(Explainer(run, examples=4))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _request(server, method, path, body=None, headers=None):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    connection.request(method, path, body=data, headers=headers or {})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), content


def _json(server, method, path, body=None, headers=None):
    status, headers_, content = _request(server, method, path, body, headers)
    assert headers_["Content-Type"] == "application/json"
    return status, json.loads(content)


def test_page_is_self_contained_and_locked_down(server):
    status, headers, content = _request(server, "GET", "/")
    html = content.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "connect-src 'self'" in policy
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)  # nothing fetched from elsewhere
    assert "<script src" not in html and "@import" not in html and "@font-face" not in html
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S).group(1))
    assert data["live"] is True and data["info"]["model"] == "lenet5" and len(data["first"]["layers"]) == 13


def test_explain_and_tables_round_trip(server):
    status, result = _json(server, "POST", "/api/explain", {"pixels": [0.0] * 784})
    assert status == 200 and len(result["probabilities"]) == 10 and result["label"] is None
    conv = next(layer for layer in result["layers"] if layer["kind"] == "conv")
    status, tables = _json(server, "GET", f"/api/tables?pass={result['pass']}&layer={conv['index']}")
    assert status == 200 and tables["kind"] == "conv"
    np.testing.assert_allclose(decode_array(tables["total"]), decode_array(conv["values"]), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method, path, body, headers, status, message", [
    ("POST", "/api/explain", {"pixels": [0.5]}, {}, 400, "expected a list of 784 numbers"),
    ("POST", "/api/explain", b"{not json", {}, 400, "the body is not JSON"),
    ("POST", "/api/explain", b"x" * (MAX_BODY_BYTES + 1), {}, 413, "at most"),
    ("GET", "/api/tables?pass=1&layer=x", None, {}, 400, "layer: expected a non-negative integer"),
    ("GET", "/api/tables?pass=nope&layer=1", None, {}, 400, "no longer kept"),
    ("GET", "/etc/passwd", None, {}, 404, "no such page"),
    ("GET", "/run/../checkpoint.safetensors", None, {}, 404, "no such run file"),
    ("GET", "/run/checkpoint.safetensors", None, {}, 404, "only .png, .csv and .json"),
    ("GET", "/run/%2e%2e%2fsecret.png", None, {}, 404, "no such run file"),
    ("GET", "/run/nothere.png", None, {}, 404, "no such run file"),
    ("GET", "/", None, {"Host": "evil.example:80"}, 403, "is not this server"),
    ("POST", "/api/explain", {"example": 0}, {"Origin": "http://evil.example"}, 403, "are not accepted"),
    ("DELETE", "/", None, {}, 501, "Unsupported method"),
])
def test_errors_are_json_with_a_clear_message(server, method, path, body, headers, status, message):
    got, payload = _json(server, method, path, body, headers)
    assert got == status and message in payload["error"] and "Traceback" not in payload["error"]


def test_post_without_length_is_refused(server):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.putrequest("POST", "/api/explain")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 411 and "Content-Length" in json.loads(response.read())["error"]
    connection.close()


def test_internal_errors_are_json_without_traceback(server, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(server.explainer, "explain", broken)
    status, payload = _json(server, "POST", "/api/explain", {"example": 0})
    assert status == 500 and payload["error"] == "internal error (RuntimeError: boom)"


def test_run_folder_files_are_served(server, run):
    status, headers, content = _request(server, "GET", "/run/curves.png")
    assert status == 200 and headers["Content-Type"] == "image/png" and content == (run / "curves.png").read_bytes()
    status, headers, _ = _request(server, "GET", "/run/metrics.json")
    assert status == 200 and headers["Content-Type"] == "application/json"


# ---------------------------------------------------------------------------- command line
def test_remote_host_needs_the_flag(capsys, run):
    with pytest.raises(SystemExit) as exit_:
        main(["explain", str(run), "--host", "0.0.0.0"])
    assert exit_.value.code == 2 and "--allow-remote" in capsys.readouterr().err


def test_export_writes_a_static_page(capsys, run, tmp_path):
    page = tmp_path / "page.html"
    assert main(["explain", str(run), "--export", str(page), "--export-examples", "0,2"]) == 0
    assert "no server needed" in capsys.readouterr().out
    html = page.read_text()
    assert '<meta http-equiv="Content-Security-Policy"' in html and "connect-src 'none'" in html
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S).group(1))
    assert data["live"] is False and [p["example"] for p in data["passes"]] == [0, 2]
    for result in data["passes"]:  # every unit's arithmetic is inlined, without the bulky products
        for layer in result["layers"]:
            tables = result["tables"].get(str(layer["index"]))
            if tables:
                assert "products" not in tables
                np.testing.assert_allclose(decode_array(tables["total"]), decode_array(layer["values"]),
                                           rtol=1e-5, atol=1e-5)
    status = main(["explain", str(run), "--export", str(tmp_path / "x.html"), "--export-examples", "0,99"])
    assert status == 1 and "example indices must lie in 0..23, got [99]" in capsys.readouterr().err


def test_explain_of_a_folder_without_a_run(capsys, tmp_path):
    assert main(["explain", str(tmp_path)]) == 1
    assert "no checkpoint at" in capsys.readouterr().err


def test_figures_command_draws_every_course_figure(capsys, tmp_path):
    from pathlib import Path

    from minitorch.explain.figures import FIGURES, backward_check

    assert main(["figures", str(tmp_path / "figs")]) == 0
    written = sorted(Path(line).name for line in capsys.readouterr().out.split())
    assert written == sorted(f"{name}.{fmt}" for name in FIGURES for fmt in ("png", "svg"))
    assert all((tmp_path / "figs" / name).stat().st_size > 5000 for name in written)
    check = backward_check(seed=3)  # the reversed-kernel convolution equals autodiff (it raises otherwise)
    np.testing.assert_array_equal(check["grad_input"], check["autodiff_input"])
    docs = (Path(__file__).parent.parent / "docs" / "figures.md").read_text()
    for name in FIGURES:  # docs/figures.md shows every figure, and the PNG is committed
        assert f"](figures/{name}.png)" in docs and (Path(__file__).parent.parent / "docs" / "figures" / f"{name}.png").exists()

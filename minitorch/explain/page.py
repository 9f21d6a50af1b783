"""The explain page: one HTML document with our CSS and JavaScript inlined, and the data beside them.

The page is offline by construction: no file, font or script is fetched from anywhere; the
JavaScript is ours (minitorch/explain/static/*.js, concatenated in `SCRIPTS` order) and the
Content-Security-Policy allows exactly that script (by its SHA-256), our inline style, images
from data: URLs and the run folder, and requests to the serving address only.

`build_page(explainer, live=True)` is what the server sends: the run's facts and the first
example's pass are inlined, so the page draws without waiting for a request. `export_page`
writes a static page instead: every chosen example's pass AND the arithmetic tables of all its
layers inlined, so clicking a unit needs no server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from typing import Any, Dict, Optional, Sequence

from minitorch.io.atomic import atomic_write

__all__ = ["Page", "build_page", "export_page", "SCRIPTS"]

SCRIPTS = ("common.js", "input.js", "network.js", "details.js", "sentence.js", "main.js")


@dataclass(frozen=True)
class Page:
    """The HTML bytes and the Content-Security-Policy that goes with them."""

    html: bytes
    policy: str


def _static(name: str) -> str:
    return resources.files("minitorch.explain").joinpath("static", name).read_text(encoding="utf-8")


def _policy(script: str, live: bool) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    connect = "'self'" if live else "'none'"
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            f"img-src 'self' data:; connect-src {connect}; base-uri 'none'; form-action 'none'")


def _render(data: Dict[str, Any], live: bool) -> Page:
    script = "\n".join(_static(name) for name in SCRIPTS)
    # JSON inside <script type="application/json">: "</" must not close the element
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    policy = _policy(script, live)
    html = (_static("page.html")
            .replace("{{META}}", "" if live else f'<meta http-equiv="Content-Security-Policy" content="{policy}">')
            .replace("{{TITLE}}", f"{data['info']['run']} · minitorch explain")
            .replace("{{CSS}}", _static("explain.css"))
            .replace("{{DATA}}", payload)
            .replace("{{SCRIPT}}", script))
    return Page(html.encode("utf-8"), policy)


def build_page(explainer: Any, live: bool = True) -> Page:
    """The served page: run facts plus the first example's pass (or none, without examples)."""
    info = explainer.info()
    first = explainer.explain({"example": 0}) if info["examples"]["labels"] else None
    return _render({"live": live, "info": info, "first": first}, live)


def export_page(explainer: Any, path: str | os.PathLike, examples: Optional[Sequence[int]] = None) -> int:
    """Write a self-contained static page for the chosen test examples; returns its size in bytes.

    Args:
        explainer: an `Explainer` with test examples loaded.
        path: the HTML file to write (atomically).
        examples: indices into the explainer's examples. Default: the first 4.
    """
    count = len(explainer.examples.labels)
    if count == 0:
        raise ValueError(f"explain --export: no test examples to export ({explainer.examples.note})")
    chosen = list(range(min(4, count))) if examples is None else list(examples)
    bad = [i for i in chosen if not 0 <= i < count]
    if bad or not chosen:
        raise ValueError(f"explain --export: example indices must lie in 0..{count - 1}, got {bad or chosen}")
    passes = []
    for index in chosen:
        result = explainer.explain({"example": index})
        if "layers" in result:
            result["tables"] = explainer.all_tables(result["pass"])
        result["example"] = index
        passes.append(result)
    page = _render({"live": False, "info": explainer.info(), "first": passes[0], "passes": passes}, live=False)
    with atomic_write(path, "wb") as f:
        f.write(page.html)
    return len(page.html)

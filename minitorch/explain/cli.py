"""The `explain` and `figures` sub-commands of `minitorch` (registered by minitorch/cli.py).

    minitorch explain RUN [--data DIR] [--port N] [--open]
    minitorch explain RUN --export page.html [--export-examples 0,3,7]
    minitorch explain RUN --host 0.0.0.0 --allow-remote      # reachable from the network: warns
    minitorch figures DIR [--format png|svg|both]
"""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser
from typing import Any, Callable, Dict, List

__all__ = ["add_commands", "COMMANDS"]


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0..65535 (0: a free one), got {text!r}")
    return int(text)


def _indices(text: str) -> List[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected example indices like 0,3,7, got {text!r}") from None


def add_commands(commands: Any) -> None:
    """Add the `explain` and `figures` parsers to the `minitorch` sub-parsers."""
    explain = commands.add_parser(
        "explain", help="a local page showing what every layer of a trained run computes",
        description="Serve a page (on 127.0.0.1, a free port) that runs the trained model on test examples or "
                    "your drawing / sentence and shows every layer's output, the class probabilities and, for a "
                    "clicked unit, its arithmetic. Nothing is fetched from the internet.")
    explain.add_argument("run", metavar="RUN", help="run folder written by `minitorch train`")
    explain.add_argument("--data", metavar="DIR", help="data folder for test examples (default: the run's)")
    explain.add_argument("--examples", type=_count, default=24, metavar="N",
                         help="test examples offered by the picker (default 24)")
    explain.add_argument("--export", metavar="PAGE", help="write a self-contained static page instead of serving")
    explain.add_argument("--export-examples", type=_indices, metavar="I,J,...",
                         help="test examples in the exported page (default 0,1,2,3)")
    explain.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                         help="address to listen on (default 127.0.0.1; others need --allow-remote)")
    explain.add_argument("--port", type=_port, default=0, metavar="N", help="port (default 0: a free one)")
    explain.add_argument("--allow-remote", action="store_true",
                         help="allow a --host other than loopback: anyone who can reach it can use the page")
    explain.add_argument("--open", action="store_true", help="open the page in the default browser")
    explain.add_argument("--threads", type=_count, default=1, metavar="N", help="CPU threads (default 1)")
    explain.add_argument("--verbose", action="store_true", help="log every request")

    figures = commands.add_parser("figures", help="draw the course's convolution figures from real tensors",
                                  description="Regenerate the MiniTorch course's convolution figures (1-D conv, "
                                              "anchors, backward, channels, 2-D conv, unroll, tile) as PNG/SVG.")
    figures.add_argument("out", metavar="DIR", help="folder for the figures (created if missing)")
    figures.add_argument("--format", choices=("png", "svg", "both"), default="both", help="file format (default both)")


def _cmd_explain(args: argparse.Namespace) -> int:
    from minitorch.cli import UsageError
    from minitorch.explain.explainer import Explainer
    from minitorch.explain.page import export_page
    from minitorch.explain.server import is_loopback, make_server
    from minitorch.train.inference import set_threads

    if not is_loopback(args.host) and not args.allow_remote:
        raise UsageError(f"--host {args.host} is not a loopback address: add --allow-remote to make the page and "
                         "the model reachable from other machines")
    set_threads(args.threads)
    explainer = Explainer(args.run, data=args.data, examples=max(args.examples, max(args.export_examples or [0]) + 1))
    if explainer.examples.note:
        print(f"minitorch explain: {explainer.examples.note}", file=sys.stderr)
    if args.export:
        size = export_page(explainer, args.export, args.export_examples)
        print(f"wrote {args.export} ({size / 1e6:.1f} MB): open it in a browser, no server needed")
        return 0
    if not is_loopback(args.host):
        print(f"minitorch explain: WARNING: listening on {args.host}: anyone who can reach this address can run "
              "the model and read the run's plots and metrics", file=sys.stderr)
    server = make_server(explainer, args.host, args.port, verbose=args.verbose)
    print(f"minitorch explain: {explainer.run} at {server.url}  (Ctrl-C stops)", flush=True)
    if args.open:
        threading.Timer(0.2, webbrowser.open, args=(server.url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from minitorch.explain.figures import write_figures

    formats = ("png", "svg") if args.format == "both" else (args.format,)
    for path in write_figures(args.out, formats):
        print(path)
    return 0


COMMANDS: Dict[str, Callable[[argparse.Namespace], int]] = {"explain": _cmd_explain, "figures": _cmd_figures}

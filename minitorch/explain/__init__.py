"""`minitorch explain`: a CNN-Explainer-like page for a trained run, and the course's figures.

    minitorch explain runs/mnist-...            # local server on 127.0.0.1, prints the URL
    minitorch explain runs/mnist-... --export page.html
    minitorch figures docs/figures

| file | what |
|---|---|
| record.py | one forward pass recorded through forward hooks: every layer's input and output |
| layers.py | the recorded steps as the page's layers (kinds, geometry, base64 arrays) |
| arithmetic.py | every unit's arithmetic (conv products and sums, pooling winners, linear products) |
| sentence.py | Kim CNN: winning n-grams and each word's contribution per filter width |
| inputs.py | test examples and validated user input (pixels, signals, sentences) |
| explainer.py | `Explainer`: a run, its examples, the JSON of one pass |
| page.py, static/ | the HTML page (our CSS and JavaScript inlined) and the static export |
| server.py | the local HTTP server (standard library) |
| cli.py | the `explain` and `figures` sub-commands |
| figures.py | the course's convolution figures, drawn from real tensors (`minitorch figures`) |
"""

from minitorch.explain.explainer import Explainer
from minitorch.explain.page import build_page, export_page
from minitorch.explain.record import Recording, Step, record_forward

__all__ = ["Explainer", "Recording", "Step", "build_page", "export_page", "record_forward"]

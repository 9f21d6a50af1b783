"""A dependency-free progress bar in the style of tqdm.

On a terminal it redraws one line in place with a carriage return:

    epoch 3:  42%|##########               | 197/469 [00:05<00:07, 37.9 it/s, loss=0.1234, acc=97.1%]

Elsewhere (CI logs, files, pipes) carriage returns would make a mess, so it prints a plain,
complete line every `log_interval` seconds and one when it closes.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Iterable, Iterator, Mapping

__all__ = ["ProgressBar", "format_duration"]


def format_duration(seconds: float) -> str:
    """"mm:ss", or "h:mm:ss" from one hour on (as tqdm prints them)."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _format_value(value: Any) -> str:
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0):
        return f"{float(value):.4g}"
    return str(value)


def _format_rate(rate: float) -> str:
    if rate >= 100:
        return f"{rate:.0f}"
    return f"{rate:.1f}" if rate >= 10 else f"{rate:.2f}"


class ProgressBar:
    """Show the progress of a loop: n/total, percent, bar, rate, elapsed time, ETA and a postfix.

    Args:
        iterable: what to iterate over (optional; call `update` yourself without it).
        total: number of items expected. Default None: `len(iterable)` when it has one.
        desc: text before the bar, e.g. "epoch 3". Default "".
        unit: item name used in the rate. Default "it".
        disable: print nothing (counting still works). Default False.
        file: where to write. Default None: sys.stderr.
        mininterval: minimum seconds between redraws on a terminal. Default 0.1.
        log_interval: seconds between lines when not on a terminal. Default 10.
        width: characters of the bar. Default 25.

    Example:
        >>> for batch in ProgressBar(loader, desc="epoch 1"):  # doctest: +SKIP
        ...     bar.set_postfix(loss=0.123, acc="97.1%")
    """

    def __init__(self, iterable: Iterable | None = None, total: int | None = None, desc: str = "",
                 unit: str = "it", disable: bool = False, file: IO[str] | None = None,
                 mininterval: float = 0.1, log_interval: float = 10.0, width: int = 25):
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.iterable = iterable
        self.total = total
        self.desc = desc
        self.unit = unit
        self.disable = disable
        self.file = sys.stderr if file is None else file
        self.mininterval = mininterval
        self.log_interval = log_interval
        self.width = width
        self.n = 0
        self.postfix: dict[str, Any] = {}
        self.closed = False
        isatty = getattr(self.file, "isatty", None)
        self.dynamic = bool(isatty and isatty())
        self.start_time = time.monotonic()
        self._last_print = self.start_time
        self._last_length = 0
        if self.dynamic:
            self.refresh()

    def __iter__(self) -> Iterator:
        if self.iterable is None:
            raise TypeError("ProgressBar: nothing to iterate over; pass an iterable or call update()")
        try:
            for item in self.iterable:
                yield item
                self.update(1)
        finally:
            self.close()

    def __len__(self) -> int:
        if self.total is None:
            raise TypeError("ProgressBar: total unknown")
        return self.total

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def update(self, n: int = 1) -> None:
        """Advance by `n` items and redraw if enough time has passed."""
        self.n += n
        now = time.monotonic()
        interval = self.mininterval if self.dynamic else self.log_interval
        if now - self._last_print >= interval:
            self.refresh(now)

    def set_postfix(self, postfix: Mapping[str, Any] | None = None, refresh: bool = False, **values: Any) -> None:
        """Replace the values shown after the rate, e.g. `set_postfix(loss=0.123, acc="97.1%")`.

        Floats (and numpy scalars) are shown with 4 significant digits; other values with str().
        """
        self.postfix = {**(postfix or {}), **values}
        if refresh:
            self.refresh()

    def set_description(self, desc: str) -> None:
        """Change the text before the bar."""
        self.desc = desc

    def format(self, now: float | None = None) -> str:
        """The current line, without carriage return or newline."""
        elapsed = (time.monotonic() if now is None else now) - self.start_time
        rate = self.n / elapsed if elapsed > 0 else 0.0
        prefix = f"{self.desc}: " if self.desc else ""
        stats = [format_duration(elapsed), f"{_format_rate(rate)} {self.unit}/s"]
        if self.total:
            fraction = min(self.n / self.total, 1.0)
            filled = int(fraction * self.width)
            bar = "#" * filled + " " * (self.width - filled)
            eta = format_duration((self.total - self.n) / rate) if rate > 0 and self.n <= self.total else "?"
            stats[0] = f"{stats[0]}<{eta}"
            head = f"{prefix}{fraction * 100:3.0f}%|{bar}| {self.n}/{self.total}"
        else:
            head = f"{prefix}{self.n} {self.unit}"
        stats += [f"{key}={_format_value(value)}" for key, value in self.postfix.items()]
        return f"{head} [{', '.join(stats)}]"

    def refresh(self, now: float | None = None) -> None:
        """Draw the current state now."""
        if self.disable:
            return
        now = time.monotonic() if now is None else now
        line = self.format(now)
        if self.dynamic:
            self.file.write("\r" + line + " " * max(self._last_length - len(line), 0))
        else:
            self.file.write(line + "\n")
        self.file.flush()
        self._last_length = len(line)
        self._last_print = now

    def write(self, message: str) -> None:
        """Print a message on its own line without breaking the bar."""
        if self.disable:
            return
        if self.dynamic:
            self.file.write("\r" + " " * self._last_length + "\r" + message + "\n")
            self.refresh()
        else:
            self.file.write(message + "\n")
            self.file.flush()

    def close(self) -> None:
        """Draw the final state and end the line. Safe to call twice."""
        if self.closed:
            return
        self.closed = True
        if self.disable:
            return
        self.refresh()
        if self.dynamic:
            self.file.write("\n")
            self.file.flush()

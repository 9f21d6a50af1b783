"""Sentence classification text: SST-2-style TSV files, a tokenizer, a vocabulary, GloVe vectors.

The pipeline of Kim (2014), "Convolutional Neural Networks for Sentence Classification":
read (label, sentence) pairs, split sentences into lowercase word and punctuation tokens,
map tokens to integer ids with a vocabulary built on the training split, pad each batch to
a common length, and optionally initialise the embedding table from pretrained GloVe vectors.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from minitorch.data.errors import DatasetError

__all__ = ["read_sst2", "Tokenizer", "Vocabulary", "load_glove", "TEXT_COLUMNS"]

TEXT_COLUMNS = ("sentence", "content", "text")


def read_sst2(path: str | os.PathLike, label_column: str = "label", text_columns: Sequence[str] = TEXT_COLUMNS,
              num_classes: int | None = None) -> tuple[list[str], np.ndarray]:
    """Read a tab-separated file with a header line, finding the columns by name.

    SST-2 files name the text column "sentence" (train) or "content" (dev/test); the first of
    `text_columns` present in the header is used. Fields are split on tabs only (no quoting).

    Args:
        path: the .tsv file (UTF-8).
        label_column: header name of the integer label column. Default "label".
        text_columns: accepted header names for the text column. Default ("sentence", "content", "text").
        num_classes: if given, every label must lie in [0, num_classes). Default None.

    Returns:
        (texts, labels): list of N >= 1 strings and an int64 array (N,) of labels >= 0.

    Raises:
        DatasetError: missing columns, short rows, lines that are not UTF-8, labels that are not
            non-negative integers or lie outside [0, num_classes), or no rows at all (the
            message names the file and line).

    Example:
        >>> texts, labels = read_sst2("sst2/train.tsv", num_classes=2)  # doctest: +SKIP
    """
    path = Path(path)
    lines = _numbered_lines(path)
    header = next(lines, (1, ""))[1].rstrip("\r\n").split("\t")
    if label_column not in header:
        raise DatasetError(f"{path}: header {header} has no {label_column!r} column")
    text_name = next((name for name in text_columns if name in header), None)
    if text_name is None:
        raise DatasetError(f"{path}: header {header} has none of the text columns {list(text_columns)}")
    label_at, text_at = header.index(label_column), header.index(text_name)
    texts, labels = [], []
    for line_number, line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) <= max(label_at, text_at):
            raise DatasetError(f"{path}:{line_number}: expected {len(header)} tab-separated fields, "
                               f"got {len(fields)}: {line[:60]!r}")
        label = fields[label_at].strip()
        if not label.isdigit():
            raise DatasetError(f"{path}:{line_number}: label {label!r} is not a non-negative integer")
        if num_classes is not None and int(label) >= num_classes:
            raise DatasetError(f"{path}:{line_number}: label {label} is outside the {num_classes} classes "
                               f"0..{num_classes - 1}")
        labels.append(int(label))
        texts.append(fields[text_at])
    if not texts:
        raise DatasetError(f"{path}: no data rows after the header; nothing to train or test on")
    return texts, np.asarray(labels, dtype=np.int64)


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 text file, gzip-compressed or not; a line that is not UTF-8
    or a truncated gzip stream is a DatasetError naming the file (and the line)."""
    with open(path, "rb") as f:
        is_gzip = f.read(2) == b"\x1f\x8b"
    line_number = 0
    try:
        with (gzip.open(path, "rb") if is_gzip else open(path, "rb")) as f:
            for line_number, raw in enumerate(f, start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise DatasetError(f"{path}:{line_number}: not UTF-8 text ({err.reason} at byte {err.start} of "
                                       "the line); re-encode the file as UTF-8") from None
                yield line_number, text
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise DatasetError(f"{path}: corrupt or truncated gzip data after line {line_number} ({err})") from None


class Tokenizer:
    """Lowercase word/punctuation tokenizer in the spirit of Kim's `clean_str`.

    Words are runs of letters and digits (any script); English clitics are split off as in
    the Penn Treebank ("don't" -> "do", "n't"; "it's" -> "it", "'s"); every other non-space
    character is its own token.

    Example:
        >>> Tokenizer()("It's not bad, isn't it?")
        ['it', "'s", 'not', 'bad', ',', 'is', "n't", 'it', '?']
    """

    _CLITIC = re.compile(r"(n't|'s|'ve|'re|'d|'ll|'m)\b")
    _TOKEN = re.compile(r"n't|'(?:s|ve|re|d|ll|m)\b|[^\W_]+|[^\w\s]|_")

    def __init__(self, lowercase: bool = True):
        self.lowercase = lowercase

    def __call__(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        text = text.replace("`", "'").replace("\u2019", "'")
        text = self._CLITIC.sub(r" \1", text)
        return self._TOKEN.findall(text)


class Vocabulary:
    """Token <-> id table with `<pad>` = 0 and `<unk>` = 1.

    Args:
        tokens: the tokens in id order; must start with "<pad>", "<unk>".

    Example:
        >>> vocab = Vocabulary.build([["a", "b", "a"], ["a"]])
        >>> vocab.encode_batch([["a"], ["b", "zzz"]], min_length=3)
        array([[2, 0, 0],
               [3, 1, 0]])
    """

    PAD, UNK = "<pad>", "<unk>"
    pad_index, unk_index = 0, 1

    def __init__(self, tokens: Sequence[str]):
        if list(tokens[:2]) != [self.PAD, self.UNK]:
            raise DatasetError(f"Vocabulary: the first tokens must be {self.PAD!r}, {self.UNK!r}, got {list(tokens[:2])}")
        self.itos = list(tokens)
        self.stoi = {token: index for index, token in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise DatasetError("Vocabulary: duplicate tokens")

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], min_freq: int = 1,
              max_size: int | None = None) -> Vocabulary:
        """Vocabulary of the tokens seen at least `min_freq` times, most frequent first.

        Args:
            token_lists: tokenized training sentences.
            min_freq: minimum count to get an id. Default 1.
            max_size: keep at most this many tokens besides the two specials. Default None (all).
        """
        counts = Counter(token for tokens in token_lists for token in tokens)
        kept = sorted((t for t, c in counts.items() if c >= min_freq and t not in (cls.PAD, cls.UNK)),
                      key=lambda t: (-counts[t], t))  # by frequency, ties alphabetical: deterministic
        return cls([cls.PAD, cls.UNK] + kept[:max_size])

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of `tokens`; unknown tokens map to `<unk>` (1)."""
        return [self.stoi.get(token, self.unk_index) for token in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of `ids`, without padding."""
        return [self.itos[i] for i in ids if i != self.pad_index]

    def encode_batch(self, token_lists: Sequence[Sequence[str]], length: int | None = None,
                     min_length: int = 5) -> np.ndarray:
        """Encode sentences into one padded int64 array (B, L).

        Args:
            token_lists: B tokenized sentences.
            length: fixed L (longer sentences are truncated). Default None: the longest
                sentence of the batch.
            min_length: lower bound on L when `length` is None, so that a width-5 convolution
                fits even a one-word batch. Default 5.

        Shape:
            output (B, L), padded with `<pad>` = 0 at the end.
        """
        if length is None:
            length = max([min_length] + [len(tokens) for tokens in token_lists])
        out = np.full((len(token_lists), length), self.pad_index, dtype=np.int64)
        for row, tokens in enumerate(token_lists):
            ids = self.encode(tokens[:length])
            out[row, :len(ids)] = ids
        return out

    def to_list(self) -> list[str]:
        """The tokens in id order (JSON-able; rebuild with `Vocabulary(tokens)`)."""
        return list(self.itos)


def load_glove(path: str | os.PathLike, vocab: Vocabulary, dim: int, seed: int = 0,
               scale: float = 0.25) -> tuple[np.ndarray, int]:
    """Embedding matrix for `vocab` from a text-format GloVe (or word2vec text) file.

    Each line is "word v_1 ... v_dim" (a first line "count dim", as in word2vec text files, is
    skipped). Words of `vocab` missing from the file get U(-scale, scale) vectors (as in Kim
    2014); `<pad>` gets zeros. The file may be gzip-compressed.

    Args:
        path: the vectors file, e.g. glove.6B.300d.txt.
        vocab: the vocabulary.
        dim: vector size (checked on every used line).
        seed: seed of the random vectors. Default 0.
        scale: half-width of the random vectors. Default 0.25.

    Returns:
        (weights, found): float32 array (len(vocab), dim) and the number of vocabulary words
        found in the file.

    Example:
        >>> weights, found = load_glove("glove.6B.300d.txt", vocab, 300)  # doctest: +SKIP
    """
    path = Path(path)
    rng = np.random.default_rng(seed)
    weights = rng.uniform(-scale, scale, size=(len(vocab), dim)).astype(np.float32)
    weights[vocab.pad_index] = 0.0
    seen = np.zeros(len(vocab), dtype=bool)
    for line_number, line in _numbered_lines(path):
        word, _, rest = line.rstrip("\n").partition(" ")
        index = vocab.stoi.get(word)
        if index is None or seen[index] or index == vocab.pad_index:
            continue
        values = rest.split()
        if line_number == 1 and len(values) == 1 and word.isdigit():
            continue  # word2vec header "count dim"
        if len(values) != dim:
            raise DatasetError(f"{path}:{line_number}: word {word!r} has {len(values)} values, expected dim={dim}")
        try:
            weights[index] = np.asarray(values, dtype=np.float32)
        except ValueError:
            raise DatasetError(f"{path}:{line_number}: non-numeric vector for {word!r}") from None
        seen[index] = True
    return weights, int(seen.sum())

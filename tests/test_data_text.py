"""SST-2 TSV reading, tokenization, vocabulary and GloVe loading on small hand-made files."""

import gzip

import numpy as np
import pytest

from minitorch.data import DatasetError, Tokenizer, Vocabulary, load_glove, read_sst2


@pytest.mark.parametrize("text_column", ["sentence", "content"])
def test_read_sst2_finds_columns_by_name(tmp_path, text_column):
    path = tmp_path / "data.tsv"
    path.write_text(f"{text_column}\tlabel\nit 's great\t1\n\nawful , really\t0\n", encoding="utf-8")
    texts, labels = read_sst2(path)
    assert texts == ["it 's great", "awful , really"]
    assert labels.dtype == np.int64 and labels.tolist() == [1, 0]


def test_read_sst2_refuses_bad_files(tmp_path):
    cases = {
        "nolabel.tsv": ("sentence\tscore\nfine\t1\n", "no 'label' column"),
        "notext.tsv": ("label\tid\n1\t7\n", "none of the text columns"),
        "badlabel.tsv": ("label\tsentence\n1\tok\npositive\tgreat\n", r"badlabel.tsv:3: label 'positive'"),
        "negative.tsv": ("label\tsentence\n-1\tbad\n", "not a non-negative integer"),
        "short.tsv": ("label\tsentence\n1\n", r"short.tsv:2: expected 2"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        with pytest.raises(DatasetError, match=message):
            read_sst2(tmp_path / name)


def test_tokenizer_splits_words_punctuation_and_clitics():
    tokenize = Tokenizer()
    assert tokenize("It's NOT bad, isn't it?!") == ["it", "'s", "not", "bad", ",", "is", "n't", "it", "?", "!"]
    assert tokenize("ca n't -- crème brûlée (2002)") == ["ca", "n't", "-", "-", "crème", "brûlée", "(", "2002", ")"]
    assert Tokenizer(lowercase=False)("The END") == ["The", "END"]


def test_vocabulary_ids_frequency_order_and_padding():
    vocab = Vocabulary.build([["b", "a", "a", "c"], ["a", "b", "d"]], min_freq=2)
    assert vocab.itos == ["<pad>", "<unk>", "a", "b"]
    assert vocab.encode(["a", "zzz", "b"]) == [2, 1, 3]
    batch = vocab.encode_batch([["a"], ["b", "a", "c"]])
    assert batch.dtype == np.int64 and batch.shape == (2, 5)  # min_length 5 for a width-5 conv
    np.testing.assert_array_equal(batch, [[2, 0, 0, 0, 0], [3, 2, 1, 0, 0]])
    np.testing.assert_array_equal(vocab.encode_batch([["a", "b", "a"]], length=2), [[2, 3]])
    assert vocab.encode_batch([["a"] * 7], min_length=1).shape == (1, 7)
    assert vocab.decode([3, 2, 0, 0]) == ["b", "a"]
    assert Vocabulary(vocab.to_list()).stoi == vocab.stoi
    assert len(Vocabulary.build([["x", "y", "z"]], max_size=2)) == 4
    with pytest.raises(DatasetError, match="first tokens"):
        Vocabulary(["a", "<pad>"])


@pytest.mark.parametrize("compress", [False, True])
def test_load_glove_fills_found_words_and_randomises_the_rest(tmp_path, compress):
    vocab = Vocabulary.build([["good", "bad", "meh"]])
    text = "3 2\ngood 0.5 -1\nother 9 9\nbad 1e-1 2\n"
    path = tmp_path / "glove.txt"
    path.write_bytes(gzip.compress(text.encode()) if compress else text.encode())
    weights, found = load_glove(path, vocab, dim=2, seed=0)
    assert weights.dtype == np.float32 and weights.shape == (len(vocab), 2) and found == 2
    np.testing.assert_allclose(weights[vocab.stoi["good"]], [0.5, -1.0])
    np.testing.assert_allclose(weights[vocab.stoi["bad"]], [0.1, 2.0])
    np.testing.assert_array_equal(weights[0], 0.0)
    assert np.all(np.abs(weights[vocab.stoi["meh"]]) <= 0.25)
    np.testing.assert_array_equal(load_glove(path, vocab, dim=2, seed=0)[0], weights)


def test_load_glove_refuses_wrong_dimension(tmp_path):
    vocab = Vocabulary.build([["good"]])
    path = tmp_path / "glove.txt"
    path.write_text("good 1 2 3\n")
    with pytest.raises(DatasetError, match=r"glove.txt:1: word 'good' has 3 values, expected dim=2"):
        load_glove(path, vocab, dim=2)

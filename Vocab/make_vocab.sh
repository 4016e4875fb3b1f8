#!/bin/sh
# Regenerates the vocabularies in Vocab/ from the bundled Corpora/ (run from the package root):
#   sh Vocab/make_vocab.sh
# Training is deterministic: the same corpora and options give byte-identical files.
set -eu
swift build -c release --product tessera >/dev/null
tessera=$(swift build -c release --show-bin-path)/tessera
"$tessera" train-tokenizer --model byte-bpe --vocab-size 8000 --min-frequency 2 \
    -o Vocab/en-byte-bpe-8k.json Corpora/en/*.txt
"$tessera" train-tokenizer --model byte-bpe --vocab-size 16000 --min-frequency 2 \
    -o Vocab/multi-byte-bpe-16k.json Corpora/en/*.txt Corpora/ko/*.txt Corpora/zh/*.txt
"$tessera" train-tokenizer --model wordpiece --lowercase --vocab-size 8000 --min-frequency 2 \
    -o Vocab/en-wordpiece-uncased-8k.json Corpora/en/*.txt

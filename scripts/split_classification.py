#!/usr/bin/env python3
"""Seeded train/dev split of a JSON-lines classification file, keeping the labels with at least
--min-examples examples (stratified: each label split in the same proportion). Writes TRAIN and DEV
with the text and label fields only.

  python3 scripts/split_classification.py ../shared/data/parallel/en-ko.ui.jsonl --text-field en \
      --label-field catalog --min-examples 300 --dev-fraction 0.1 --train runs/cls/train.jsonl --dev runs/cls/dev.jsonl
"""
import argparse, collections, json, random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--label-field", default="label")
    ap.add_argument("--min-examples", type=int, default=300)
    ap.add_argument("--dev-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    a = ap.parse_args()
    by_label = collections.defaultdict(list)
    with open(a.input, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                text = o[a.text_field].strip()
                if text:
                    by_label[str(o[a.label_field])].append(text)
    rng = random.Random(a.seed)
    train, dev = [], []
    for label in sorted(by_label):
        texts = by_label[label]
        if len(texts) < a.min_examples:
            continue
        rng.shuffle(texts)
        k = max(1, int(len(texts) * a.dev_fraction))
        dev += [(t, label) for t in texts[:k]]
        train += [(t, label) for t in texts[k:]]
    rng.shuffle(train)
    rng.shuffle(dev)
    for path, rows in ((a.train, train), (a.dev, dev)):
        with open(path, "w", encoding="utf-8") as f:
            for t, l in rows:
                f.write(json.dumps({a.text_field: t, a.label_field: l}, ensure_ascii=False) + "\n")
    print(json.dumps({"train": len(train), "dev": len(dev), "labels": len({l for _, l in train})}))


if __name__ == "__main__":
    main()

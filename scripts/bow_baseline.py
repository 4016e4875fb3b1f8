#!/usr/bin/env python3
"""Bag-of-words logistic regression (scikit-learn) on the same train/dev JSON-lines files as
`tessera fine-tune --task classify`: word unigrams + bigrams (TF-IDF), multinomial logistic
regression; prints one JSON line with accuracy and macro-F1 on dev.

  pip install scikit-learn
  python3 scripts/bow_baseline.py --train runs/cls/train.jsonl --dev runs/cls/dev.jsonl --text-field en --label-field catalog
"""
import argparse, json

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def read(path, text_field, label_field):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                texts.append(o[text_field])
                labels.append(str(o[label_field]))
    return texts, labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--label-field", default="label")
    a = ap.parse_args()
    xt, yt = read(a.train, a.text_field, a.label_field)
    xd, yd = read(a.dev, a.text_field, a.label_field)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    clf = LogisticRegression(max_iter=2000, C=10.0)
    clf.fit(vec.fit_transform(xt), yt)
    pred = clf.predict(vec.transform(xd))
    print(json.dumps({"model": "tfidf-logreg", "accuracy": accuracy_score(yd, pred), "macro_f1": f1_score(yd, pred, average="macro"),
                      "dev_examples": len(yd), "classes": len(set(yt))}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Check the held-out set: valid JSON, manifest/gold agree, every `text` snippet occurs in its file.

Usage: check.py [--texts DIR]   (default /tmp/realnews_heldout/texts)
"""
import argparse, collections, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--texts", default="/tmp/realnews_heldout/texts")
a = ap.parse_args()
manifest = json.load(open(os.path.join(HERE, "manifest.json"), encoding="utf-8"))
gold = json.load(open(os.path.join(HERE, "gold.json"), encoding="utf-8"))
groups = json.load(open(os.path.join(HERE, "cross_source.json"), encoding="utf-8"))
names = [os.path.basename(m["file"]) for m in manifest]
bad = 0
if sorted(names) != sorted(gold):
    print("manifest and gold.json list different files"); bad += 1
for n in names:
    p = os.path.join(a.texts, n)
    if not os.path.exists(p):
        print("absent:", p); bad += 1; continue
    t = open(p, encoding="utf-8").read()
    for x in gold.get(n, []):
        if x["text"] not in t:
            print("snippet not in", n, ":", x["text"]); bad += 1
for g in groups:
    for s in g["statements"]:
        if s.get("derived"):
            continue
        p = os.path.join(a.texts, s["file"])
        if os.path.exists(p) and s["text"] not in open(p, encoding="utf-8").read():
            print("group snippet not in", s["file"], ":", s["text"]); bad += 1
c = collections.Counter(x["type"] for v in gold.values() for x in v)
print(dict(c), "groups:", dict(collections.Counter(g["status"] for g in groups)))
print("OK" if not bad else f"{bad} problem(s)")
sys.exit(1 if bad else 0)

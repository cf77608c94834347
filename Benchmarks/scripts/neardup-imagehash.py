#!/usr/bin/env python3
"""imagehash's pHash on MediaKit's near-duplicate set, scored the way the Swift test scores MediaKit.

Usage: neardup-imagehash.py DIR [--threshold N]

DIR is the set that Tests/MediaMLTests/NearDuplicateCorpusTests.swift writes with
`MEDIAKIT_NEARDUP_SET=DIR`: every corpus photo (`<family>-original.<ext>`) with seven copies
(`<family>-half.jpg`, `-q60.jpg`, `-crop5.jpg`, `-bright15.jpg`, `-webp.webp`, `-stripped.jpg`,
`-orientation6.jpg`) and `families.json` = {"families": [[file names], ...]} (corpus pictures
that are the same picture are already merged into one family). Exactly the files listed in
families.json are measured.

Per file, as imagehash is usually used:
  1. `Image.open(path)` with plain Pillow (no extra plugins such as pillow-heif);
  2. `ImageOps.exif_transpose(img)`, so the copy stored turned with EXIF orientation 6 is
     upright, as any gallery shows it (without this step that copy is a different picture);
  3. `imagehash.phash(img)` (hash_size 8: 64 bits), and `imagehash.dhash(img)` for the context
     lines.
Files Pillow cannot open or decode (e.g. HEIC/HEIF without the pillow-heif plugin, BigTIFF)
are counted and listed, and treated as hash-less: they predict no pair, so every family pair
they belong to is counted as missed.

Scoring, as the Swift test: predicted pairs are all unordered pairs of hashed files whose
Hamming distance is <= threshold (brute force over all pairs); a predicted pair within a family
is true, across families false; a family pair (all pairs within each family, hash-less files
included) that is not predicted is missed. precision = true / (true + false),
recall = true / (true + missed). The main line uses pHash <= --threshold (default 8, the usual
choice of imagehash users); a sweep over pHash thresholds 0..12, dHash alone <= 8, and
pHash <= 8 AND dHash <= 8 are printed for context. Per-variant recall: for each copy kind, the
share of (original, its own copy of that kind) pairs found at the main threshold (a family
merged from several corpus pictures has more pairs; those are in the totals only).
Diagnostics (they change no number above): the single-tone files (gray standard deviation under
1 level after transposing: a perfectly flat picture hashes to all zeros (but the DC bit), so
all of them match each other; a nearly flat one hashes its noise),
the false pairs grouped by the two families they join, and the closest false pairs that are not
between two single-tone files.

Time: `hash_seconds` is open + transpose + both hashes for all files (one process, wall clock,
summed per file; the single-tone check is outside it);
`pair_seconds` is the all-pairs distance matrix and scoring of the main threshold.
Output: human-readable lines, then one JSON line with the main numbers.
"""
import argparse
import json
import os
import sys
import time
import warnings
from collections import defaultdict

import numpy as np
import PIL
from PIL import Image, ImageOps

import imagehash

SWEEP = [0, 2, 4, 6, 8, 10, 12]
KINDS = ["half", "q60", "crop5", "bright15", "webp", "stripped", "orientation6"]


def kind_of(name):
    """`12-crop5.jpg` -> ("12", "crop5"); `12-original.HEIC` -> ("12", "original")."""
    stem = os.path.splitext(name)[0]
    prefix, _, kind = stem.partition("-")
    return prefix, kind


def bits_to_u64(h):
    """A 64-bit imagehash as one unsigned integer."""
    flat = np.asarray(h.hash, dtype=bool).flatten()
    assert flat.size == 64, "hash_size 8 expected"
    return np.uint64(int("".join("1" if b else "0" for b in flat), 2))


def popcount(x):
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int16)
    # numpy < 2.0: byte table
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.int16)
    return table[x.view(np.uint8).reshape(x.shape + (8,))].sum(axis=-1)


def distances(values):
    """All-pairs Hamming distances of a uint64 vector."""
    return popcount(np.bitwise_xor(values[:, None], values[None, :]))


class Score:
    def __init__(self, predicted, same, truth):
        # predicted, same: boolean matrices over the hashed files (upper triangle used)
        iu = np.triu_indices(predicted.shape[0], k=1)
        p = predicted[iu]
        s = same[iu]
        self.true = int(np.count_nonzero(p & s))
        self.false = int(np.count_nonzero(p & ~s))
        self.missed = truth - self.true

    @property
    def precision(self):
        return 1.0 if self.true + self.false == 0 else self.true / (self.true + self.false)

    @property
    def recall(self):
        return 1.0 if self.true + self.missed == 0 else self.true / (self.true + self.missed)

    def line(self, label):
        return (f"{label}: precision {self.precision:.4f}, recall {self.recall:.4f} "
                f"({self.true} found, {self.false} false, {self.missed} missed)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--threshold", type=int, default=8, help="max pHash Hamming distance (default 8)")
    args = ap.parse_args()

    with open(os.path.join(args.dir, "families.json")) as f:
        families = json.load(f)["families"]
    names, family = [], []
    for fi, members in enumerate(families):
        for name in members:
            names.append(name)
            family.append(fi)
    if len(set(names)) != len(names):
        sys.exit("families.json lists a file more than once")
    family = np.array(family)
    truth = sum(len(m) * (len(m) - 1) // 2 for m in families)
    on_disk = set(os.listdir(args.dir)) - {"families.json"}
    unlisted = sorted(on_disk - set(names))
    absent = sorted(set(names) - on_disk)

    print(f"imagehash {imagehash.__version__}, Pillow {PIL.__version__}, numpy {np.__version__}, "
          f"Python {sys.version.split()[0]}")
    print(f"set {args.dir}: {len(names)} files in {len(families)} families, {truth} family pairs")
    if unlisted:
        print(f"  not in families.json (ignored): {len(unlisted)}: {', '.join(unlisted)}")
    if absent:
        print(f"  listed but absent (hash-less): {len(absent)}: {', '.join(absent)}")

    # --- hashing -------------------------------------------------------------------------
    phash = [None] * len(names)
    dhash = [None] * len(names)
    flat = set()  # indices of single-tone pictures (gray std < 1 level): their hashes say nothing
    failures = []
    hash_seconds = 0.0
    for i, name in enumerate(names):
        start = time.perf_counter()
        img = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(os.path.join(args.dir, name)) as opened:
                    img = ImageOps.exif_transpose(opened)
                    phash[i] = imagehash.phash(img)
                    dhash[i] = imagehash.dhash(img)
        except Exception as e:  # noqa: BLE001 - any failure makes the file hash-less
            phash[i] = dhash[i] = None
            failures.append((name, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"))
        hash_seconds += time.perf_counter() - start
        if phash[i] is not None and float(np.asarray(img.convert("L"), dtype=np.float32).std()) < 1.0:
            flat.add(i)  # diagnostics only, outside the timing

    ok = [i for i in range(len(names)) if phash[i] is not None]
    print(f"hashed {len(ok)} of {len(names)} files in {hash_seconds:.2f} s "
          f"(open + exif_transpose + phash + dhash, one process)")
    print(f"hash-less (Pillow could not open/decode; they predict nothing, their family pairs "
          f"count as missed): {len(failures)}")
    for name, why in failures:
        print(f"  {name}: {why}")

    # --- pairs ---------------------------------------------------------------------------
    start = time.perf_counter()
    p64 = np.array([bits_to_u64(phash[i]) for i in ok], dtype=np.uint64)
    d64 = np.array([bits_to_u64(dhash[i]) for i in ok], dtype=np.uint64)
    fam = family[ok]
    same = fam[:, None] == fam[None, :]
    dp = distances(p64)
    main_score = Score(dp <= args.threshold, same, truth)
    pair_seconds = time.perf_counter() - start
    dd = distances(d64)

    print(f"all pairs of hashed files: {len(ok) * (len(ok) - 1) // 2} ({pair_seconds:.3f} s for "
          f"distances + scoring)")
    print()
    print(main_score.line(f"MAIN imagehash pHash <= {args.threshold}"))
    print()
    print("sweep:")
    for t in SWEEP:
        print("  " + Score(dp <= t, same, truth).line(f"pHash <= {t:2d}"))
    print("  " + Score(dd <= 8, same, truth).line("dHash <= 8 (alone)"))
    print("  " + Score((dp <= 8) & (dd <= 8), same, truth).line("pHash <= 8 AND dHash <= 8"))

    # --- per-variant recall: (original, its own copy of kind K) ------------------------------
    index = {name: i for i, name in enumerate(names)}
    pos = {i: k for k, i in enumerate(ok)}
    per_kind = {}
    print()
    print(f"per-variant recall at pHash <= {args.threshold}: pairs (original, its own copy of that kind); "
          f"pHash distance over hashed pairs")
    originals = [(n, kind_of(n)[0]) for n in names if kind_of(n)[1] == "original"]
    for kind in KINDS:
        total = found = 0
        hashless = 0
        dist = []
        for orig, prefix in originals:
            copy = next((n for n in names if kind_of(n) == (prefix, kind)), None)
            if copy is None:
                continue
            total += 1
            a, b = index[orig], index[copy]
            if a not in pos or b not in pos:
                hashless += 1
                continue
            d = int(dp[pos[a], pos[b]])
            dist.append(d)
            found += d <= args.threshold
        rec = found / total if total else 1.0
        per_kind[kind] = {"recall": round(rec, 4), "found": found, "pairs": total, "hashless": hashless}
        dist_text = (f"median {np.median(dist):.0f}, p90 {np.percentile(dist, 90):.0f}, max {max(dist)}"
                     if dist else "-")
        print(f"  {kind:13s} recall {rec:.4f} ({found}/{total}; {hashless} with a hash-less file) "
              f"distance {dist_text}")

    # --- false pairs at the main threshold -------------------------------------------------
    iu = np.triu_indices(len(ok), k=1)
    mask = (dp[iu] <= args.threshold) & ~same[iu]
    falses = sorted(zip(dp[iu][mask], iu[0][mask], iu[1][mask]))
    by_families = defaultdict(list)
    for d, a, b in falses:
        key = tuple(sorted((families[fam[a]][0], families[fam[b]][0])))
        by_families[key].append(int(d))
    flat_names = sorted(names[i] for i in flat)
    flat_falses = sum(1 for _, a, b in falses if ok[a] in flat and ok[b] in flat)
    print()
    print(f"single-tone files (gray std < 1 level after transpose; a flat picture's pHash "
          f"is all zeros but the DC bit, a nearly flat one's hashes its noise): {len(flat_names)}: {', '.join(flat_names)}")
    print(f"false pairs at pHash <= {args.threshold} between two single-tone files: {flat_falses} "
          f"of {len(falses)}")
    print(f"false pairs by family pair (named by each family's first file): {len(by_families)} family pairs")
    if len(by_families) > 20:
        print("  (the 20 with most pairs)")
    for key, ds in sorted(by_families.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:20]:
        print(f"  {key[0]} ~ {key[1]}: {len(ds)} pairs, pHash median {np.median(ds):.0f}, max {max(ds)}")
    others = [(d, a, b) for d, a, b in falses if not (ok[a] in flat and ok[b] in flat)]
    print()
    print(f"false pairs at pHash <= {args.threshold} not between two single-tone files: {len(others)}"
          + (" (first 25, closest first)" if len(others) > 25 else ""))
    for d, a, b in others[:25]:
        print(f"  {names[ok[a]]} ~ {names[ok[b]]} (pHash {int(d)}, dHash {int(dd[a, b])})")

    print()
    print(json.dumps({
        "tool": "imagehash.phash",
        "imagehash": imagehash.__version__,
        "pillow": PIL.__version__,
        "threshold": args.threshold,
        "files": len(names),
        "families": len(families),
        "family_pairs": truth,
        "hashless": len(failures),
        "single_tone_files": len(flat),
        "precision": round(main_score.precision, 4),
        "recall": round(main_score.recall, 4),
        "true_pairs": main_score.true,
        "false_pairs": main_score.false,
        "missed_pairs": main_score.missed,
        "false_pairs_single_tone": flat_falses,
        "per_variant_recall": {k: v["recall"] for k, v in per_kind.items()},
        "hash_seconds": round(hash_seconds, 3),
        "pair_seconds": round(pair_seconds, 3),
    }))


if __name__ == "__main__":
    main()

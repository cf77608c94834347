#!/usr/bin/env python3
"""hnswlib and a numpy brute-force scan on TEXMEX files, printed like `mediabench ann`.

Usage: ann-hnswlib.py --base B.fvecs --query Q.fvecs --truth T.ivecs [-k 10]
                      [--ef 32,64,128,256] [--M 16] [--ef-construction 200]
                      [--space cosine|l2|ip] [--runs 3] [--no-flat] [--seed 100]

One JSON line per ef for hnswlib, then one for the numpy scan, with the keys of `mediabench ann`:
  index    "hnswlib" / "numpy-flat"
  ef       search ef (null for the scan)
  build_s  wall-clock seconds of init_index + add_items of all base vectors, one thread
           (the scan: copying/normalising the base)
  recall   recall@k: |found ∩ first k ids of the truth row| / k, averaged over the queries
  qps      single thread, one query at a time, as a single-threaded caller would do it:
           `knn_query(q[i:i+1], k, num_threads=1)` in a Python loop over all queries (so the
           Python call overhead, ~µs, is included); the median of --runs passes, after one
           untimed warm-up pass over the queries (qps_best: the best pass)
and extra keys: batch_qps (all queries in one `knn_query(Q, k, num_threads=1)` call: hnswlib's
C++ loop with no Python between queries, the strictest baseline for a single-threaded caller;
median of --runs, batch_qps_best the best), k, M, ef_construction, n, nq, dim, space, version.
The index is built once (set_num_threads(1), add_items(num_threads=1), random_seed --seed) and
searched with each ef in turn.

numpy-flat: exact search one query at a time with BLAS limited to one thread (OPENBLAS_NUM_THREADS
and friends set before numpy loads, and threadpoolctl): scores = base @ q (float32), then
argpartition for the top k and a sort of those k. For cosine the base and the queries are
L2-normalised first (a no-op on make-embeddings.py's vectors); for l2, ||b||^2 - 2 b.q with the
norms precomputed; for ip the plain dot product. Its recall is measured, not assumed (float32 ties
can cost a hair).
"""
import os
import statistics

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402


def read_vecs(path, kind):
    a = np.fromfile(path, dtype="<i4")
    if a.size == 0:
        sys.exit(f"{path}: empty")
    d = int(a[0])
    if d <= 0 or a.size % (d + 1):
        sys.exit(f"{path}: not a .{kind}vecs file (dim {d}, {a.size} words)")
    a = a.reshape(-1, d + 1)
    if not (a[:, 0] == d).all():
        sys.exit(f"{path}: records of different dimensions")
    body = np.ascontiguousarray(a[:, 1:])
    return body.view("<f4").astype(np.float32) if kind == "f" else body.astype(np.int64)


def recall_at(found, truth, k):
    hits = sum(len(set(f[:k].tolist()) & set(t[:k].tolist())) for f, t in zip(found, truth))
    return hits / (k * len(truth))


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--ef", default="32,64,128,256")
    ap.add_argument("--M", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--space", "--metric", default="cosine", choices=("cosine", "l2", "ip"))
    ap.add_argument("--runs", type=int, default=5, help="timed passes; the median (and the best) is reported")
    ap.add_argument("--seed", type=int, default=100, help="hnswlib random_seed")
    ap.add_argument("--no-flat", action="store_true", help="skip the numpy-flat line")
    ap.add_argument("--no-hnsw", action="store_true", help="skip hnswlib (numpy-flat only)")
    args = ap.parse_args()
    efs = [int(x) for x in args.ef.split(",") if x.strip()]

    base = read_vecs(args.base, "f")
    query = read_vecs(args.query, "f")
    truth = read_vecs(args.truth, "i")
    n, dim = base.shape
    nq, k = query.shape[0], args.k
    if query.shape[1] != dim:
        sys.exit(f"query dim {query.shape[1]} != base dim {dim}")
    if truth.shape[0] != nq or truth.shape[1] < k:
        sys.exit(f"truth is {truth.shape[0]} x {truth.shape[1]}: need {nq} rows of >= {k} ids")
    truth = truth[:, :k]
    common = dict(k=k, n=n, nq=nq, dim=dim, space=args.space)
    print(f"# {n} base, {nq} queries, dim {dim}, k {k}, space {args.space}; "
          f"numpy {np.__version__}", file=sys.stderr)

    with threadpool_limits(limits=1):
        if not args.no_hnsw:
            run_hnswlib(args, base, query, truth, efs, common)
        if not args.no_flat:
            run_flat(args, base, query, truth, common)


def run_hnswlib(args, base, query, truth, efs, common):
    import hnswlib
    n, dim = base.shape
    k = args.k
    ids = np.arange(n, dtype=np.int64)
    t0 = time.perf_counter()
    index = hnswlib.Index(space=args.space, dim=dim)
    index.init_index(max_elements=n, ef_construction=args.ef_construction, M=args.M,
                     random_seed=args.seed)
    index.set_num_threads(1)
    index.add_items(base, ids, num_threads=1)
    build_s = time.perf_counter() - t0
    print(f"# hnswlib {version('hnswlib')}: built in {build_s:.2f} s", file=sys.stderr)

    for ef in efs:
        index.set_ef(max(ef, k))
        found = np.empty((len(query), k), dtype=np.int64)
        for i in range(len(query)):  # warm-up pass, untimed
            found[i] = index.knn_query(query[i:i + 1], k=k, num_threads=1)[0][0]
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            for i in range(len(query)):
                found[i] = index.knn_query(query[i:i + 1], k=k, num_threads=1)[0][0]
            times.append(time.perf_counter() - t0)
        recall = recall_at(found, truth, k)
        batch_times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            labels, _ = index.knn_query(query, k=k, num_threads=1)
            batch_times.append(time.perf_counter() - t0)
        emit(dict(index="hnswlib", ef=ef, build_s=round(build_s, 3), recall=round(recall, 4),
                  qps=round(len(query) / statistics.median(times), 1), qps_best=round(len(query) / min(times), 1),
                  batch_qps=round(len(query) / statistics.median(batch_times), 1),
                  batch_qps_best=round(len(query) / min(batch_times), 1),
                  batch_recall=round(recall_at(labels, truth, k), 4), M=args.M,
                  ef_construction=args.ef_construction, **common,
                  version=version("hnswlib")))


def run_flat(args, base, query, truth, common):
    k = args.k
    t0 = time.perf_counter()
    b = np.array(base, dtype=np.float32, order="C")
    q = np.array(query, dtype=np.float32, order="C")
    if args.space == "cosine":
        b /= np.linalg.norm(b, axis=1, keepdims=True)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
    half_norms = 0.5 * np.einsum("ij,ij->i", b, b) if args.space == "l2" else None
    build_s = time.perf_counter() - t0

    def search(v):
        s = b @ v  # similarity (cosine, ip) or, for l2, b.q - ||b||^2/2 (= -(dist^2 - ||q||^2)/2)
        if half_norms is not None:
            s -= half_norms
        top = np.argpartition(-s, k - 1)[:k]
        return top[np.argsort(-s[top], kind="stable")]

    found = np.empty((len(q), k), dtype=np.int64)
    for i in range(len(q)):  # warm-up pass, untimed
        found[i] = search(q[i])
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for i in range(len(q)):
            found[i] = search(q[i])
        times.append(time.perf_counter() - t0)
    emit(dict(index="numpy-flat", ef=None, build_s=round(build_s, 3),
              recall=round(recall_at(found, truth, k), 4), qps=round(len(q) / statistics.median(times), 1),
              qps_best=round(len(q) / min(times), 1),
              **common, version=np.__version__))


if __name__ == "__main__":
    main()

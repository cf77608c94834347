#!/usr/bin/env python3
"""Real sentence-embedding vectors for the vector-index benchmark (TEXMEX .fvecs/.ivecs).

Usage: make-embeddings.py OUT_DIR [--base 50000] [--queries 1000] [--seed 5] [--k 100]
                          [--man] [--count-only] [--threads 1]

Model: WordLlama "l2_supercat" at 256 dimensions, the weights and tokenizer that the PyPI wheel
`wordllama` (0.4.x) ships inside itself (wordllama/weights/l2_supercat_256.safetensors,
wordllama/tokenizers/l2_supercat_tokenizer_config.json). They are loaded explicitly from the
installed package: `WordLlama.load()` of 0.4.0.post1 looks for the tokenizer under
wordllama/tokenizer/ (singular), misses the bundled file and tries to download it from Hugging
Face. This script never touches the network (it refuses any socket connection while it runs).
An embedding is the mean of the token vectors, L2-normalised (`embed(..., norm=True)`), so cosine
similarity = dot product.

Texts: real English sentences available offline on this machine, in this order of sources (a
sentence found in several is credited to the first):
  1. python-docstrings: docstrings of the Python standard library: every module, class and
     function docstring in the stdlib's .py files (read with `ast`, nothing imported; test
     packages and site-packages excluded), plus `inspect.getdoc` of the built-in and extension
     modules of `sys.stdlib_module_names` (their functions, classes and methods);
  2. python-reference: the language-reference topics of `pydoc_data.topics` (pydoc's `help()`);
  3. usr-share-doc: /usr/share/doc/**: README*, NEWS*, changelog*, copyright, *.txt, *.md,
     *.rst, *.html (tags stripped, <pre>/<code>/<script>/<style> dropped), gzipped or not;
  4. licenses: /usr/share/common-licenses/*;
  5. man-pages (only with --man; slow): `man -l` rendered text of /usr/share/man/man*/.
Text is cut into paragraphs (blank lines, list items, code lines, table rules and all-capital
headings end one), the lines of a paragraph joined, and the paragraph split into sentences after
. ! or ? followed by a capital. A sentence is kept when it has 5 to 60 words, starts with a
letter, ends with . ! or ?, is ASCII, has no URL or e-mail address, few code characters, and at
least one common English word. Sentences are deduplicated (case-folded, whitespace collapsed), then
also by their token multiset (two texts with the same tokens in any order have the same mean
vector), so no two vectors are identical.

Split: the unique sentences, sorted, are shuffled with random.Random(seed); the first --queries
are the queries and the next --base the base (disjoint). If there are fewer than base + queries
the base gets what there is (a warning, and the README says so).

Output in OUT_DIR (written under temporary names and renamed; README.txt last):
  base.fvecs, query.fvecs  each vector: int32 dim (little-endian) then dim float32
  truth.ivecs              each query: int32 k then k int32 ids of the exact nearest base vectors
                           by cosine (float64 dot products in blocks; ties by lower id), best first
  texts-base.txt, texts-query.txt  one sentence per line, line i = vector i
  README.txt               provenance: model, package versions, sources, counts, seed, sha256
Same machine (same installed files and package versions) and same arguments: same bytes.
"""
import argparse
import ast
import gzip
import hashlib
import html.parser
import importlib
import importlib.util
import inspect
import os
import random
import re
import socket
import subprocess
import sys
import sysconfig
import time
import warnings
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MIN_WORDS, MAX_WORDS = 5, 60
STOPWORDS = frozenset(
    "the a an of to is and in for this that be it with as on by are or not from at if "
    "can will which when you your was has have may all its".split()
)
SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(]?[A-Z])")
BAD = re.compile(r"https?:|www\.|ftp:|@|\S+\.(?:py|c|h|so|html?|txt|gz)\b|\\|[{}<>|_=#$~^`]")
WORD_ALPHA = re.compile(r"^[A-Za-z][A-Za-z'-]*[.,;:!?)\"']*$")
ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`]*)`")
CODE_LINE = re.compile(r"^\s*(>>>|\.\.\.|\$ |#|//|/\*|\*/)")
RULE_LINE = re.compile(r"^\s*([-=~*+#_^.|]\s*){3,}$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+\u2022o]|\(?\d+[.)]|\(?[a-z][.)])\s+")
DOC_NAMES = re.compile(
    r"^(readme|news|changelog|changes|copyright|history|authors|thanks|todo|faq|install)",
    re.I)
DOC_EXTS = (".txt", ".md", ".rst", ".html", ".htm")


def block_network():
    def refuse(*args, **kwargs):
        raise RuntimeError(f"make-embeddings.py must not use the network: {args!r}")
    socket.socket.connect = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


# ---------------------------------------------------------------- text -> sentences

def paragraphs(text):
    """Yields paragraphs (joined lines) of plain text, reST, Markdown or a docstring."""
    cur = []
    for line in text.splitlines():
        s = line.strip()
        heading = s.isupper() and len(s.split()) <= 4  # e.g. DESCRIPTION, BUG FIXES
        if (not s or heading or CODE_LINE.match(line) or RULE_LINE.match(line)
                or s.startswith(("```", ".. ", "|"))):
            if cur:
                yield " ".join(cur)
                cur = []
            continue
        if LIST_ITEM.match(line) and cur:
            yield " ".join(cur)
            cur = []
        if len(line) - len(line.lstrip()) >= 8 and not cur:
            continue  # an indented block (code, a table) that starts a paragraph
        s = LIST_ITEM.sub("", s) if LIST_ITEM.match(line) else s
        s = s.lstrip("#>* ").strip()
        if cur and cur[-1].endswith("-") and not cur[-1].endswith("--") and s[:1].islower():
            cur[-1] = cur[-1][:-1] + s  # hyphenated at the line end
        else:
            cur.append(s)
    if cur:
        yield " ".join(cur)


def sentences(text):
    for para in paragraphs(text):
        para = ROLE.sub(r"\1", para).replace("**", "").replace("``", "")
        para = re.sub(r"\s+", " ", para)
        for s in SENT_SPLIT.split(para):
            s = s.strip()
            if keep(s):
                yield s


def keep(s):
    if not s or not s[0].isalpha() or s[-1] not in ".!?" or not s.isascii():
        return False
    words = s.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    if BAD.search(s):
        return False
    alpha = sum(1 for w in words if WORD_ALPHA.match(w))
    if alpha < 0.75 * len(words):
        return False
    if sum(1 for c in s if c in "()[];:*/+%&") > 0.04 * len(s):
        return False
    if not any(w.lower().strip(".,;:!?()\"'") in STOPWORDS for w in words):
        return False
    return True


# ---------------------------------------------------------------- sources

def stdlib_docstrings(counts):
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    skip_dirs = {"site-packages", "dist-packages", "test", "tests", "idle_test", "__pycache__"}
    files = sorted(p for p in stdlib.rglob("*.py")
                   if not skip_dirs.intersection(p.relative_to(stdlib).parts[:-1]))
    counts["python .py files"] = len(files)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in files:
            try:
                tree = ast.parse(p.read_bytes())
            except (SyntaxError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node, clean=True)
                    if doc:
                        yield doc
    # built-in and extension modules (no .py source): import and walk two levels
    names = []
    for name in sorted(sys.stdlib_module_names):
        if "test" in name or name in ("antigravity", "this", "__hello__", "__phello__"):
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or (spec.origin or "").endswith(".py") or spec.submodule_search_locations:
            continue
        names.append(name)
    counts["python built-in/extension modules"] = len(names)
    for name in names:
        try:
            mod = importlib.import_module(name)
        except Exception:
            continue
        yield inspect.getdoc(mod) or ""
        for _, obj in sorted(vars(mod).items()):
            if getattr(obj, "__module__", name) not in (name, None) and name != "builtins":
                continue
            if inspect.isclass(obj):
                yield inspect.getdoc(obj) or ""
                for _, m in sorted(vars(obj).items()):
                    if callable(m) or isinstance(m, (property, staticmethod, classmethod)):
                        yield getattr(m, "__doc__", None) or ""
            elif callable(obj):
                yield getattr(obj, "__doc__", None) or ""


def python_reference(counts):
    import pydoc_data.topics
    counts["pydoc topics"] = len(pydoc_data.topics.topics)
    for key in sorted(pydoc_data.topics.topics):
        yield pydoc_data.topics.topics[key]


class _HTMLText(html.parser.HTMLParser):
    BLOCK = {"p", "div", "li", "dd", "dt", "td", "th", "tr", "br", "h1", "h2", "h3", "h4",
             "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "section", "article", "hr"}
    SKIP = {"pre", "code", "script", "style", "tt", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCK:
            self.out.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.out.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data.replace("\n", " "))


def read_text(path):
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return ""
    if b"\0" in raw[:4096]:
        return ""
    text = raw.decode("utf-8", errors="replace")
    base = path.name[:-3] if path.name.endswith(".gz") else path.name
    if base.lower().endswith((".html", ".htm")):
        p = _HTMLText()
        try:
            p.feed(text)
            p.close()
        except Exception:
            return ""
        text = "".join(p.out)
    return text


def usr_share_doc(counts):
    root = Path("/usr/share/doc")
    files = []
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            if p.is_symlink() or not p.is_file():
                continue
            name = p.name[:-3] if p.name.endswith(".gz") else p.name
            if DOC_NAMES.match(name) or name.lower().endswith(DOC_EXTS):
                files.append(p)
    counts["/usr/share/doc files"] = len(files)
    for p in files:
        yield read_text(p)


def licenses(counts):
    root = Path("/usr/share/common-licenses")
    files = sorted(p for p in root.iterdir() if p.is_file() and not p.is_symlink()) if root.is_dir() else []
    counts["license files"] = len(files)
    for p in files:
        yield read_text(p)


def man_pages(counts):
    files = sorted(p for p in Path("/usr/share/man").glob("man[1-8]*/*") if p.is_file())
    counts["man pages"] = len(files)
    env = dict(os.environ, MANWIDTH="2000", MAN_KEEP_FORMATTING="0", LC_ALL="C.UTF-8")
    for p in files:
        try:
            out = subprocess.run(["man", "-l", "-P", "cat", str(p)], env=env, capture_output=True,
                                 timeout=20).stdout
        except subprocess.TimeoutExpired:
            continue
        yield re.sub(r".\x08", "", out.decode("utf-8", errors="replace"))


def gather(use_man, log):
    sources = [("python-docstrings", stdlib_docstrings), ("python-reference", python_reference),
               ("usr-share-doc", usr_share_doc), ("licenses", licenses)]
    if use_man:
        sources.append(("man-pages", man_pages))
    seen = {}  # dedupe key -> (sentence, source)
    stats = []
    for label, fn in sources:
        t0, counts, found, new = time.time(), {}, 0, 0
        for text in fn(counts):
            for s in sentences(text):
                found += 1
                key = " ".join(s.casefold().split())
                if key not in seen:
                    seen[key] = (s, label)
                    new += 1
        stats.append((label, counts, found, new))
        log(f"{label}: {counts} sentences {found}, new unique {new} ({time.time() - t0:.1f} s)")
    return seen, stats


# ---------------------------------------------------------------- model and files

def load_model():
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference
    root = Path(wordllama.__file__).parent
    weights = root / "weights" / "l2_supercat_256.safetensors"
    tokfile = root / "tokenizers" / "l2_supercat_tokenizer_config.json"
    tok = Tokenizer.from_file(str(tokfile))
    with safe_open(str(weights), framework="np", device="cpu") as f:
        emb = f.get_tensor("embedding.weight")
    return WordLlamaInference(emb, tok, binary=False), weights, tokfile


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--base", type=int, default=50000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--k", type=int, default=100, help="neighbours per query in truth.ivecs")
    ap.add_argument("--man", action="store_true", help="also render man pages (slow)")
    ap.add_argument("--count-only", action="store_true", help="gather texts, print counts, stop")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for the exact truth")
    args = ap.parse_args()
    t_start = time.time()

    def log(msg):
        print(f"[{time.time() - t_start:7.1f}s] {msg}", file=sys.stderr, flush=True)

    block_network()
    import numpy as np
    from threadpoolctl import threadpool_limits

    seen, stats = gather(args.man, log)
    log(f"unique sentences: {len(seen)}")
    if args.count_only:
        return

    model, weights, tokfile = load_model()
    # Same token multiset -> same mean vector: keep the first in sorted order.
    texts = sorted(s for s, _ in seen.values())
    source_of = {s: label for s, label in seen.values()}
    uniq, bags = [], set()
    for i in range(0, len(texts), 4096):
        chunk = texts[i:i + 4096]
        for s, enc in zip(chunk, model.tokenizer.encode_batch(chunk, add_special_tokens=False)):
            bag = tuple(sorted(t for t, m in zip(enc.ids, enc.attention_mask) if m))
            if bag and bag not in bags:
                bags.add(bag)
                uniq.append(s)
    log(f"distinct token multisets: {len(uniq)} (of {len(texts)} sentences)")
    random.Random(args.seed).shuffle(uniq)
    nq = args.queries
    nb = min(args.base, len(uniq) - nq)
    short = nb < args.base
    if nb < 1:
        sys.exit(f"only {len(uniq)} sentences: not enough for {nq} queries and a base")
    if short:
        log(f"WARNING: only {len(uniq)} distinct sentences: base {nb} instead of {args.base}")
    queries, base = uniq[:nq], uniq[nq:nq + nb]

    t0 = time.time()
    qv = model.embed(queries, norm=True, batch_size=64).astype(np.float32)
    bv = model.embed(base, norm=True, batch_size=64).astype(np.float32)
    embed_s = time.time() - t0
    log(f"embedded {nb} + {nq} sentences in {embed_s:.1f} s, dim {bv.shape[1]}")

    k = min(args.k, nb)
    truth = np.empty((nq, k), dtype=np.int32)
    b64 = bv.astype(np.float64)
    ids = np.arange(nb)
    t0 = time.time()
    with threadpool_limits(limits=args.threads):
        for i in range(0, nq, 256):
            sims = qv[i:i + 256].astype(np.float64) @ b64.T
            part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for r in range(sims.shape[0]):
                cand = part[r]
                # k-th best similarity; include every id tied with it, then order (-sim, id)
                kth = sims[r, cand].min()
                cand = ids[sims[r] >= kth]
                order = np.lexsort((cand, -sims[r, cand]))[:k]
                truth[i + r] = cand[order]
    log(f"exact truth (k={k}) in {time.time() - t0:.1f} s")

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "README.txt").unlink(missing_ok=True)  # README.txt marks a complete set

    def put(name, writer):
        tmp = out / f".{name}.tmp"
        writer(tmp)
        os.replace(tmp, out / name)

    def fvecs(arr):
        def w(p):
            n, d = arr.shape
            rec = np.empty((n, d + 1), dtype="<f4")
            rec[:, 1:] = arr
            rec.view("<i4")[:, 0] = d
            rec.tofile(p)
        return w

    def ivecs(arr):
        def w(p):
            n, d = arr.shape
            rec = np.empty((n, d + 1), dtype="<i4")
            rec[:, 0] = d
            rec[:, 1:] = arr
            rec.tofile(p)
        return w

    def lines(items):
        def w(p):
            p.write_text("".join(s + "\n" for s in items), encoding="utf-8")
        return w

    put("base.fvecs", fvecs(bv))
    put("query.fvecs", fvecs(qv))
    put("truth.ivecs", ivecs(truth))
    put("texts-base.txt", lines(base))
    put("texts-query.txt", lines(queries))

    from importlib.metadata import version
    vers = {p: version(p) for p in ("wordllama", "tokenizers", "safetensors", "numpy")}
    by_src_b, by_src_q = {}, {}
    for s in base:
        by_src_b[source_of[s]] = by_src_b.get(source_of[s], 0) + 1
    for s in queries:
        by_src_q[source_of[s]] = by_src_q.get(source_of[s], 0) + 1
    readme = [
        "Real sentence-embedding vectors for MediaKit's vector-index benchmark (issue 5).",
        "Made by Benchmarks/scripts/make-embeddings.py (its docstring describes every step).",
        "",
        f"command: make-embeddings.py OUT_DIR --base {args.base} --queries {args.queries} "
        f"--seed {args.seed} --k {args.k}" + (" --man" if args.man else ""),
        f"model: WordLlama l2_supercat, {bv.shape[1]} dimensions, mean of token vectors, "
        "L2-normalised (cosine = dot product)",
        f"  weights: {weights.name} (sha256 {sha256(weights)}) shipped in the wordllama wheel",
        f"  tokenizer: {tokfile.name} (sha256 {sha256(tokfile)}) shipped in the wordllama wheel",
        "  packages: " + ", ".join(f"{p} {v}" for p, v in vers.items())
        + f"; Python {sys.version.split()[0]}",
        "",
        "texts: English sentences of 5-60 words found offline on the machine that made this set:",
    ]
    for label, counts, found, new in stats:
        what = ", ".join(f"{v} {k}" for k, v in counts.items())
        readme.append(f"  {label}: {what}; {found} sentences, {new} new unique; "
                      f"used: base {by_src_b.get(label, 0)}, queries {by_src_q.get(label, 0)}")
    readme += [
        f"  unique sentences {len(seen)}, distinct token multisets {len(uniq)}",
        f"split: sorted, random.Random({args.seed}).shuffle, first {nq} = queries, "
        f"next {nb} = base (disjoint)"
        + (f"  ** SHORT: {args.base} base vectors were asked for **" if short else ""),
        "",
        "files (TEXMEX formats, little-endian):",
        f"  base.fvecs   {nb} x {bv.shape[1]} float32 (each: int32 dim, dim float32)",
        f"  query.fvecs  {nq} x {qv.shape[1]} float32",
        f"  truth.ivecs  {nq} x {k} int32: exact nearest base ids by cosine, best first "
        "(float64 dot products; ties by lower id)",
        "  texts-base.txt, texts-query.txt: line i is the sentence of vector i",
        "",
        "sha256:",
    ]
    for name in ("base.fvecs", "query.fvecs", "truth.ivecs", "texts-base.txt", "texts-query.txt"):
        readme.append(f"  {sha256(out / name)}  {name}")
    put("README.txt", lines(readme))
    log(f"done: {out} ({time.time() - t_start:.1f} s in all)")
    print(out)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Thumbnails (1440 px short-edge JPEG q80 preview + 250 px short-edge WebP q80 thumbnail) in one
# hyperfine run: vipsthumbnail on 2 cores, the Pillow importer baseline (pillow-import.py, 2
# processes) and, when MEDIA_CMD is set, MediaKit.
# Usage: Benchmarks/scripts/bench-thumbnails.sh [FOLDER]   (default: the generated 12 MP corpus)
#   RUNS=N (default 5), JOBS=N (default 2: processes for vipsthumbnail and Pillow).
#   MEDIA_CMD='media import --library $WORK/lib $FOLDER'   (single quotes: WORK and FOLDER are
#     exported by this script; the line runs under bash). Its prepare step removes $MEDIA_LIB
#     (default $WORK/lib) and syncs.
# Every run starts from empty output folders after `sync`, files in the page cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
folder="${1:-}"
if [ -z "$folder" ]; then
  folder=$(Benchmarks/scripts/make-corpus.sh | tail -1)
fi
folder=$(cd "$folder" && pwd)
jobs=${JOBS:-2}
runs=${RUNS:-5}
for tool in hyperfine vipsthumbnail python3 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "missing: $tool" >&2; exit 1; }
done
python3 -c 'import PIL' 2> /dev/null || {
  echo "Pillow missing: pip install -r Benchmarks/scripts/requirements-bench.txt" >&2; exit 1; }

work=$(mktemp -d /tmp/mediakit-bench-thumbs.XXXXXX)
trap 'chmod -R u+w "$work" 2> /dev/null; rm -rf "$work"' EXIT
export WORK=$work FOLDER=$folder
files=$(find "$folder" -maxdepth 1 -type f -name '*.jpg' | wc -l)

# (a) vipsthumbnail, JOBS processes at a time, each with vips concurrency 1 (two images at a time
# beats --vips-concurrency=2, see ../shared/notes/performance.md), 10 files per process.
# vipsthumbnail's `-s N` is a N×N box, so it bounds the LONG edge: `-s 1920` gives a 1440 short
# edge and `-s 333` a 250 short edge for 4:3 pictures in either orientation (autorotated). That
# is exact for this corpus (all 4032×3024), not for other aspect ratios. The thumbnail is made from
# the preview (as the Pillow baseline does), which lets libvips shrink-on-load the small JPEG.
cat > "$work/vips.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
export VIPS_CONCURRENCY=1
find '$folder' -maxdepth 1 -type f -name '*.jpg' -print0 |
  xargs -0 -n 10 -P $jobs vipsthumbnail -s 1920 -o '$work/vips/preview/%s.jpg[Q=80,strip]'
find '$work/vips/preview' -type f -name '*.jpg' -print0 |
  xargs -0 -n 10 -P $jobs vipsthumbnail -s 333 -o '$work/vips/thumb/%s.webp[Q=80,strip]'
EOF
# (b) the Pillow importer; /usr/bin/time -v on the parent: its "Maximum resident set size" is the
# largest single process among the parent and its reaped workers (not a sum).
cat > "$work/pillow.sh" <<EOF
#!/usr/bin/env bash
exec /usr/bin/time -v -a -o '$work/pillow-time.txt' \
  python3 '$root/Benchmarks/scripts/pillow-import.py' --library '$work/pillow-lib' --jobs $jobs '$folder' \
  >> '$work/pillow.jsonl'
EOF
args=(
  --prepare "bash -c 'rm -rf $work/vips; mkdir -p $work/vips/preview $work/vips/thumb; sync'"
  -n "vipsthumbnail ($jobs procs)" "bash $work/vips.sh"
  --prepare "bash -c 'chmod -R u+w $work/pillow-lib 2>/dev/null; rm -rf $work/pillow-lib; sync'"
  -n "pillow-import.py ($jobs procs)" "bash $work/pillow.sh"
)
if [ -n "${MEDIA_CMD:-}" ]; then
  media_lib=${MEDIA_LIB:-$work/lib}
  { echo '#!/usr/bin/env bash'; echo "exec /usr/bin/time -v -a -o '$work/media-time.txt' bash -c \"\$MEDIA_CMD_LINE\" > /dev/null"; } > "$work/media.sh"
  export MEDIA_CMD_LINE=$MEDIA_CMD
  args+=(
    --prepare "bash -c 'chmod -R u+w $media_lib 2>/dev/null; rm -rf $media_lib; sync'"
    -n "MediaKit" "bash $work/media.sh"
  )
fi

cat "$folder"/*.jpg > /dev/null
out=$work/hyperfine.json
hyperfine -N -w 1 -r "$runs" --export-json "$out" "${args[@]}" >&2

python3 - "$out" "$files" "$work" "$folder" <<'PY'
import json, os, re, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
files, work, folder = int(sys.argv[2]), sys.argv[3], sys.argv[4]
med = {r["command"]: statistics.median(r["times"]) for r in results}
names = list(med)
vips = next(n for n in names if n.startswith("vipsthumbnail"))
pil = next(n for n in names if n.startswith("pillow"))
print(f"images: {files} ({folder})")
print(f"{'command':28} {'median s':>9} {'images/s':>9} {'vs Pillow':>10} {'vs vips':>8}")
for n, t in med.items():
    print(f"{n:28} {t:9.2f} {files / t:9.2f} {med[pil] / t:9.2f}x {med[vips] / t:7.2f}x")
print("(ratios: reference median time / this median time; > 1 = faster than the reference)")

def max_rss(path):
    try:
        kb = [int(m) for m in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())]
    except OSError:
        return None
    return max(kb) / 1024 if kb else None
for label, f in (("pillow-import.py", "pillow-time.txt"), ("MediaKit", "media-time.txt")):
    rss = max_rss(os.path.join(work, f))
    if rss is not None:
        print(f"{label}: peak RSS {rss:.0f} MB (largest single process, /usr/bin/time -v, max over runs)")
try:
    rates = [json.loads(l)["images_per_second"] for l in open(os.path.join(work, "pillow.jsonl"))]
    print(f"pillow-import.py self-reported images/s (excl. interpreter start), median: {statistics.median(rates):.2f}")
except (OSError, ValueError, statistics.StatisticsError):
    pass
PY

# Check the outputs of the last runs: short edges 1440 / 250, orientation applied (against
# truth.jsonl when the folder has one), and Pillow's previews look like vipsthumbnail's.
python3 - "$work" "$folder" <<'PY'
import json, os, sqlite3, sys
from PIL import Image, ImageChops, ImageStat
work, folder = sys.argv[1], sys.argv[2]
truth = {}
if os.path.exists(os.path.join(folder, "truth.jsonl")):
    truth = {d["name"]: d for d in map(json.loads, open(os.path.join(folder, "truth.jsonl")))}
problems, checked, rotated, maxdiff = [], 0, 0, 0.0
db = sqlite3.connect(os.path.join(work, "pillow-lib", "library.sqlite"))
rows = db.execute("SELECT source_path, preview, thumb FROM asset").fetchall()
for src, preview, thumb in rows:
    name = os.path.basename(src)
    stem = os.path.splitext(name)[0]
    outs = {"pillow": (os.path.join(work, "pillow-lib", preview), os.path.join(work, "pillow-lib", thumb)),
            "vips": (os.path.join(work, "vips", "preview", stem + ".jpg"), os.path.join(work, "vips", "thumb", stem + ".webp"))}
    t = truth.get(name)
    imgs = {}
    for tool, (p, th) in outs.items():
        with Image.open(p) as a, Image.open(th) as b:
            if min(a.size) != 1440: problems.append(f"{tool} {name}: preview {a.size}")
            if min(b.size) != 250: problems.append(f"{tool} {name}: thumb {b.size}")
            if t:
                portrait = t["height"] > t["width"]
                if (a.size[1] > a.size[0]) != portrait or (b.size[1] > b.size[0]) != portrait:
                    problems.append(f"{tool} {name}: orientation, preview {a.size}, thumb {b.size}")
            imgs[tool] = a.convert("RGB").resize((64, 64))
    diff = sum(ImageStat.Stat(ImageChops.difference(imgs["pillow"], imgs["vips"])).mean) / 3
    maxdiff = max(maxdiff, diff)
    if diff > 8: problems.append(f"{name}: Pillow and vips previews differ (mean abs {diff:.1f})")
    checked += 1
    rotated += bool(t and t["orientation"] != 1)
# MediaKit's derived files (when MEDIA_CMD ran into $WORK/lib): the same checks, compared with
# vipsthumbnail's preview of the same photo.
media_db = os.path.join(work, "lib", "library.sqlite")
media_checked, media_maxdiff = 0, 0.0
if os.path.exists(media_db):
    m = sqlite3.connect(media_db)
    rows = m.execute("SELECT a.original_filename, p.path, t.path FROM assets a "
                     "LEFT JOIN derived_files p ON p.asset_id = a.id AND p.kind = 'preview' AND p.status = 'ready' "
                     "LEFT JOIN derived_files t ON t.asset_id = a.id AND t.kind = 'thumbnail' AND t.status = 'ready'").fetchall()
    for name, preview, thumb in rows:
        if not preview or not thumb:
            problems.append(f"MediaKit {name}: no ready preview/thumbnail"); continue
        t = truth.get(name)
        with Image.open(os.path.join(work, "lib", preview)) as a, Image.open(os.path.join(work, "lib", thumb)) as b:
            if min(a.size) != 1440: problems.append(f"MediaKit {name}: preview {a.size}")
            if min(b.size) != 250: problems.append(f"MediaKit {name}: thumb {b.size}")
            if t:
                portrait = t["height"] > t["width"]
                if (a.size[1] > a.size[0]) != portrait or (b.size[1] > b.size[0]) != portrait:
                    problems.append(f"MediaKit {name}: orientation, preview {a.size}, thumb {b.size}")
            mine = a.convert("RGB").resize((64, 64))
        stem = os.path.splitext(name)[0]
        with Image.open(os.path.join(work, "vips", "preview", stem + ".jpg")) as v:
            diff = sum(ImageStat.Stat(ImageChops.difference(mine, v.convert("RGB").resize((64, 64)))).mean) / 3
        media_maxdiff = max(media_maxdiff, diff)
        if diff > 8: problems.append(f"MediaKit {name}: preview differs from vipsthumbnail's (mean abs {diff:.1f})")
        media_checked += 1
    if media_checked:
        print(f"MediaKit: verified {media_checked} previews and thumbnails (sizes, orientation); "
              f"vs vipsthumbnail preview max mean abs diff {media_maxdiff:.1f}/255")
vips_count = len(os.listdir(os.path.join(work, "vips", "preview")))
if vips_count != len(rows): problems.append(f"vips made {vips_count} previews, Pillow {len(rows)}")
print(f"verified {checked} images ({rotated} with EXIF orientation != 1): previews short edge 1440, "
      f"thumbnails 250, portrait/landscape per truth.jsonl; Pillow vs vips preview max mean abs diff "
      f"{maxdiff:.1f}/255" + ("" if not problems else f"; {len(problems)} PROBLEMS:"))
for p in problems[:20]: print("  " + p)
sys.exit(1 if problems else 0)
PY

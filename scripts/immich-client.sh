#!/usr/bin/env bash
# A published Immich client, unmodified, against mediad (issue 6): immichpy's CLI (PyPI, the
# `immich` package's new name) uploads a folder with --skip-duplicates --album-name, then again;
# the second run must upload nothing, and the album must hold every photo.
# Usage: scripts/immich-client.sh [FOLDER]   (default: 40 JPEGs of ../shared/corpus, copied to a temp folder)
#   MEDIA=... MEDIAD=...   the binaries (default: .build/debug/media and mediad; built when missing)
#   VENV=/tmp/mediakit-immichpy   where immichpy is installed (pip, once)
# Exit status 0 when every check passes. Prints the client's JSON summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
media=${MEDIA:-.build/debug/media}
mediad=${MEDIAD:-.build/debug/mediad}
if [ ! -x "$media" ] || [ ! -x "$mediad" ]; then
  swift build --product media >&2
  swift build --product mediad >&2
fi
venv=${VENV:-/tmp/mediakit-immichpy}
if [ ! -x "$venv/bin/immichpy" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'immichpy[cli]==9.2.4' >&2
fi
work=$(mktemp -d /tmp/mediakit-immich.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
folder=${1:-}
if [ -z "$folder" ]; then
  folder=$work/photos
  mkdir -p "$folder"
  find "${MEDIAKIT_CORPUS:-../shared/corpus}/media" -iname '*.jpg' -size +20k | sort | head -40 |
    while read -r f; do cp "$f" "$folder/$(sha1sum "$f" | cut -c1-8)-$(basename "$f")"; done
fi
expected=$(find "$folder" -type f | while read -r f; do sha1sum "$f"; done | cut -c1-40 | sort -u | wc -l)
key=$("$media" key create --library "$work/lib" --name immichpy 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$mediad" --library "$work/lib" --port "$port" --log-level warning > "$work/mediad.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/server/ping" > /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/api/server/ping" > /dev/null || { echo "mediad did not start:" >&2; cat "$work/mediad.log" >&2; exit 1; }
export IMMICH_API_URL="http://127.0.0.1:$port/api" IMMICH_API_KEY="$key"
run() { "$venv/bin/immichpy" --format json assets upload "$folder" --skip-duplicates --album-name "Holidays" 2>&1 | tail -1; }
first=$(run); echo "first run:  $first"
second=$(run); echo "second run: $second"
albums=$(curl -sf -H "x-api-key: $key" "http://127.0.0.1:$port/api/albums")
# The client's metadata search (its models validate the answer): file names with "dscn" in them.
dscn=$(find "$folder" -type f -iname '*dscn*' | while read -r f; do sha1sum "$f"; done | cut -c1-40 | sort -u | wc -l)
found=$("$venv/bin/immichpy" --format json search search-assets --original-file-name dscn --size 1000 2>&1 | tail -1)
# Every answer the gallery and Immich's apps read, validated by the client's own models (pydantic),
# and the answers of organising: asset edits, tags, the trash, album changes.
MEDIAD_URL="http://127.0.0.1:$port/api" "$venv/bin/python" - "$key" <<'PY'
import json, sys, urllib.request, os
from immichpy.client.generated import models as m
base, key = os.environ["MEDIAD_URL"], sys.argv[1]
def get(path):
    request = urllib.request.Request(base + path, headers={"x-api-key": key, "Accept": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)
def call(method, path, body=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(), method=method,
                                     headers={"x-api-key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        data = response.read()
        return json.loads(data) if data else None
def post(path, body):
    return call("POST", path, body)
failures = 0
def check(name, model, value):
    global failures
    try:
        model.from_dict(value)
    except Exception as error:
        failures += 1
        print(f"FAIL  {name}: {error}".splitlines()[0][:300]); print(str(error)[:600])
checked = 0
for path, model in [("/server/ping", m.ServerPingResponse), ("/server/version", m.ServerVersionResponseDto),
                    ("/server/media-types", m.ServerMediaTypesResponseDto), ("/server/about", m.ServerAboutResponseDto),
                    ("/users/me", m.UserAdminResponseDto)]:
    check(path, model, get(path)); checked += 1
buckets = get("/timeline/buckets")
for bucket in buckets:
    check("/timeline/buckets", m.TimeBucketsResponseDto, bucket); checked += 1
    columns = get("/timeline/bucket?timeBucket=" + bucket["timeBucket"])
    check("/timeline/bucket", m.TimeBucketAssetResponseDto, columns); checked += 1
    for asset_id in columns["id"]:
        check("/assets/{id}", m.AssetResponseDto, get("/assets/" + asset_id)); checked += 1
for album in get("/albums"):
    check("/albums", m.AlbumResponseDto, album)
    check("/albums/{id}", m.AlbumResponseDto, get("/albums/" + album["id"])); checked += 2
for group in get("/duplicates"):
    check("/duplicates", m.DuplicateResponseDto, group); checked += 1
check("/search/metadata", m.SearchResponseDto, post("/search/metadata", {"size": 10})); checked += 1
# Organising (issue 7): edits, tags, the trash, album changes, with the answers' models.
first, second = get("/timeline/bucket?timeBucket=" + buckets[0]["timeBucket"])["id"][:2]
edited = call("PUT", "/assets/" + first, {"isFavorite": True, "rating": 4, "description": "validated",
                                          "dateTimeOriginal": "2019-07-14T20:41:00.000+01:00", "latitude": 38.7071, "longitude": -9.1355})
check("PUT /assets/{id}", m.AssetResponseDto, edited); checked += 1
if not (edited["exifInfo"].get("city") and edited["exifInfo"].get("rating") == 4 and edited["isFavorite"]):
    failures += 1; print("FAIL  PUT /assets/{id}: the edit is not in the answer:", edited["exifInfo"])
if call("PUT", "/assets", {"ids": [second], "visibility": "archive"}) is not None or get("/assets/" + second)["visibility"] != "archive":
    failures += 1; print("FAIL  PUT /assets did not archive")
call("PUT", "/assets", {"ids": [second], "visibility": "timeline"})
tag = post("/tags", {"name": "immichpy"})
check("POST /tags", m.TagResponseDto, tag)
child = post("/tags", {"name": "lisbon", "parentId": tag["id"]})
check("POST /tags (child)", m.TagResponseDto, child); checked += 2
for result in call("PUT", "/tags/" + child["id"] + "/assets", {"ids": [first, second]}):
    check("PUT /tags/{id}/assets", m.BulkIdResponseDto, result); checked += 1
check("PUT /tags/assets", m.TagBulkAssetsResponseDto, call("PUT", "/tags/assets", {"tagIds": [tag["id"]], "assetIds": [first]})); checked += 1
for listed in get("/tags"):
    check("/tags", m.TagResponseDto, listed); checked += 1
with_tags = get("/assets/" + first)
check("/assets/{id} with tags", m.AssetResponseDto, with_tags); checked += 1
if sorted(t["value"] for t in with_tags.get("tags", [])) != ["immichpy", "immichpy/lisbon"]:
    failures += 1; print("FAIL  /assets/{id}: tags", with_tags.get("tags"))
found_by_tag = post("/search/metadata", {"tagIds": [tag["id"]], "city": edited["exifInfo"]["city"]})
check("/search/metadata by tag and city", m.SearchResponseDto, found_by_tag); checked += 1
if [a["id"] for a in found_by_tag["assets"]["items"]] != [first]:
    failures += 1; print("FAIL  search by tag and city:", [a["id"] for a in found_by_tag["assets"]["items"]])
for result in call("DELETE", "/tags/" + child["id"] + "/assets", {"ids": [second]}):
    check("DELETE /tags/{id}/assets", m.BulkIdResponseDto, result); checked += 1
call("DELETE", "/tags/" + tag["id"])
call("DELETE", "/assets", {"ids": [second]})
check("/trash/restore/assets", m.TrashResponseDto, post("/trash/restore/assets", {"ids": [second]}))
call("DELETE", "/assets", {"ids": [second]})
restored = post("/trash/restore", {})
check("/trash/restore", m.TrashResponseDto, restored)
emptied = post("/trash/empty", {})
check("/trash/empty", m.TrashResponseDto, emptied); checked += 3
if restored["count"] != 1 or emptied["count"] != 0 or get("/tags") != []:
    failures += 1; print("FAIL  trash or tag deletion:", restored, emptied)
album = get("/albums")[0]
patched = call("PATCH", "/albums/" + album["id"], {"description": "validated", "albumThumbnailAssetId": first})
check("PATCH /albums/{id}", m.AlbumResponseDto, patched); checked += 1
if patched["description"] != "validated" or patched["albumThumbnailAssetId"] != first:
    failures += 1; print("FAIL  PATCH /albums/{id}:", patched["description"], patched["albumThumbnailAssetId"])
print(("ok    " if failures == 0 and checked > 40 else "FAIL  ") + f"{checked} answers valid under immichpy's models")
sys.exit(1 if failures else 0)
PY
python3 - "$expected" "$first" "$second" "$albums" "$dscn" "$found" <<'PY'
import json, sys
expected, dscn = int(sys.argv[1]), int(sys.argv[5])
first, second, albums = json.loads(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
found = json.loads(sys.argv[6])
checks = {
    f"search by file name finds the {dscn} 'dscn' photos": dscn > 0 and sorted("dscn" in a["original_file_name"].lower() for a in found["assets"]["items"]) == [True] * dscn,
    f"first run uploads all {expected} distinct files": first["stats"]["uploaded"] == expected and not first["failed"],
    "second run uploads nothing and fails nothing": second["stats"]["uploaded"] == 0 and not second["failed"],
    "second run rejects every file as a duplicate": second["stats"]["rejected"] == second["stats"]["total"],
    f"one album 'Holidays' with {expected} assets": [(a["albumName"], a["assetCount"]) for a in albums] == [("Holidays", expected)],
}
for name, ok in checks.items():
    print(("ok    " if ok else "FAIL  ") + name)
sys.exit(0 if all(checks.values()) else 1)
PY

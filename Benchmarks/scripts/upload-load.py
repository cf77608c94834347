#!/usr/bin/env python3
"""Concurrent uploads to mediad (issue 6): W uploader threads, N files each, Immich's multipart
POST /api/assets over loopback, one connection per thread (keep-alive), stdlib only.

Usage: upload-load.py --url http://127.0.0.1:PORT --key KEY --pid SERVER_PID FILE...
  --workers 8     uploader threads; the files are dealt out round-robin
Prints one JSON line: files, workers, seconds, uploads_per_s, status counts, errors (first 5),
and the server's peak RSS (VmHWM of SERVER_PID, and the highest VmRSS sampled every 0.1 s).
"""
import argparse, http.client, json, os, threading, time, urllib.parse, uuid


def rss_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    url = urllib.parse.urlparse(args.url)
    shares = [args.files[i::args.workers] for i in range(args.workers)]
    statuses, errors, lock = {}, [], threading.Lock()
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(args.pid, "VmRSS"))
            time.sleep(0.1)

    def worker(files):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        for path in files:
            boundary = uuid.uuid4().hex
            with open(path, "rb") as f:
                data = f.read()
            head = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                           for k, v in [("deviceId", "load"), ("deviceAssetId", os.path.basename(path)),
                                        ("fileCreatedAt", "2024-01-01T00:00:00.000Z"), ("fileModifiedAt", "2024-01-01T00:00:00.000Z")])
            head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"assetData\"; "
                     f"filename=\"{os.path.basename(path)}\"\r\nContent-Type: image/jpeg\r\n\r\n")
            body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
            try:
                conn.request("POST", "/api/assets", body=body, headers={
                    "x-api-key": args.key, "Content-Type": f"multipart/form-data; boundary={boundary}"})
                response = conn.getresponse()
                text = response.read()
                with lock:
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    if response.status not in (200, 201) and len(errors) < 5:
                        errors.append(f"{path}: {response.status} {text[:200]!r}")
            except Exception as e:  # a dropped connection counts as an error
                with lock:
                    statuses["exception"] = statuses.get("exception", 0) + 1
                    if len(errors) < 5:
                        errors.append(f"{path}: {e!r}")
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        conn.close()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    done.set()
    print(json.dumps(dict(files=len(args.files), workers=args.workers, seconds=round(seconds, 2),
                          uploads_per_s=round(len(args.files) / seconds, 1),
                          statuses={str(k): v for k, v in sorted(statuses.items(), key=str)}, errors=errors,
                          server_peak_rss_mib=round(max(peak[0], rss_kib(args.pid, "VmHWM")) / 1024, 1),
                          server_sampled_max_rss_mib=round(peak[0] / 1024, 1))))


if __name__ == "__main__":
    main()

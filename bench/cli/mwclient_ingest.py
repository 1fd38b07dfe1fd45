#!/usr/bin/python3
"""The mwclient contender of ingest_compare_bench: Debian's python3-mwclient 0.10.1.

usage: mwclient_ingest.py API_URL USER PASSWORD CHUNK_BYTES MAPILLARY_URL TOKEN IDS_FILE THREADS
For each Mapillary image id in IDS_FILE (one "id<TAB>file name" a line): the
image's original URL from the Graph API, the download to a temp file, then
Site.upload (chunks, then the commit by filekey). mwclient makes fewer calls
than the pipeline (no blacklist, SHA-1 lookup, SDC or null edit), so the time of
each step is printed: "files=N step_lookup=S step_download=S step_upload=S"
(seconds summed over files).
"""
import concurrent.futures
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import mwclient


def main():
    api, user, password, chunk, mly, token, ids_file, threads = sys.argv[1:9]
    url = urllib.parse.urlsplit(api)
    path = url.path[: url.path.rindex("/") + 1]
    local = threading.local()
    steps = {"lookup": 0.0, "download": 0.0, "upload": 0.0}
    lock = threading.Lock()
    tmp = tempfile.mkdtemp(prefix="curator-mwclient-")

    def site():
        if not hasattr(local, "site"):
            s = mwclient.Site(url.netloc, path=path, scheme=url.scheme,
                              clients_useragent="curator-bench (https://example.org)")
            s.login(user, password)
            s.chunk_size = int(chunk)
            local.site = s
        return local.site

    def one(entry):
        image_id, name = entry
        t0 = time.monotonic()
        q = urllib.parse.urlencode({"fields": "thumb_original_url", "access_token": token})
        with urllib.request.urlopen("%s/%s?%s" % (mly, image_id, q)) as r:
            original = json.load(r)["thumb_original_url"]
        t1 = time.monotonic()
        local_path = os.path.join(tmp, image_id + ".jpg")
        with urllib.request.urlopen(original) as r, open(local_path, "wb") as out:
            while True:
                block = r.read(1 << 16)
                if not block:
                    break
                out.write(block)
        t2 = time.monotonic()
        with open(local_path, "rb") as f:
            result = site().upload(f, filename=name, description="Mapillary benchmark file",
                                   comment="curator ingest benchmark")
        os.unlink(local_path)
        t3 = time.monotonic()
        result = result.get("upload", result)  # chunked: the whole answer
        if result.get("result") != "Success":
            raise RuntimeError("upload of %s answered %r" % (name, result))
        with lock:
            steps["lookup"] += t1 - t0
            steps["download"] += t2 - t1
            steps["upload"] += t3 - t2

    with open(ids_file, encoding="utf-8") as f:
        entries = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    with concurrent.futures.ThreadPoolExecutor(int(threads)) as pool:
        for future in [pool.submit(one, e) for e in entries]:
            future.result()
    os.rmdir(tmp)
    print("files=%d step_lookup=%.3f step_download=%.3f step_upload=%.3f"
          % (len(entries), steps["lookup"], steps["download"], steps["upload"]))


if __name__ == "__main__":
    main()

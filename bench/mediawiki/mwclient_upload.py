#!/usr/bin/python3
"""Uploads files with Debian's python3-mwclient (0.10.1), as a benchmark contender.

usage: mwclient_upload.py API_URL USER PASSWORD CHUNK_BYTES LIST_FILE COMMENT TEXT
LIST_FILE has one "path<TAB>file name" per line. Site.upload sends files larger
than Site.chunk_size in chunks (stash, then the commit by filekey). Prints
"files=N" on success; any other answer than Success exits 3.
"""
import sys
import urllib.parse

import mwclient


def main():
    api, user, password, chunk, list_file, comment, text = sys.argv[1:8]
    url = urllib.parse.urlsplit(api)
    path = url.path[: url.path.rindex("/") + 1]
    site = mwclient.Site(url.netloc, path=path, scheme=url.scheme,
                         clients_useragent="curator-bench (https://example.org)")
    site.login(user, password)
    site.chunk_size = int(chunk)
    files = 0
    with open(list_file, encoding="utf-8") as entries:
        for line in entries:
            local, name = line.rstrip("\n").split("\t")
            with open(local, "rb") as f:
                result = site.upload(f, filename=name, description=text, comment=comment)
            result = result.get("upload", result)  # chunked: the whole answer
            if result.get("result") != "Success":
                print("mwclient: upload of %s answered %r" % (name, result), file=sys.stderr)
                sys.exit(3)
            files += 1
    print("files=%d" % files)


if __name__ == "__main__":
    main()

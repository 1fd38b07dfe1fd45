#!/usr/bin/env python3
"""Proxy in front of the test MediaWiki: forwards everything, fakes Wikibase, injects faults.

  python3 tests/fakes/mediawiki_proxy.py --upstream http://127.0.0.1:PORT/api.php [--port 0]
      [--host 127.0.0.1] [--exit-on-stdin-close] [--verbose]

Prints one JSON line {"port": N} on stdout once it accepts connections. Commons API:
http://HOST:N/api.php; Wikidata API: http://HOST:N/wikidata/api.php; control API:
http://HOST:N/_control/. Stops on SIGTERM or SIGINT (and on stdin EOF with --exit-on-stdin-close).
Details: tests/fakes/README-mediawiki-proxy.md.
"""

import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mwproxy import server  # noqa: E402
from mwproxy.upstream import UpstreamError  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--upstream", required=True, help="URL of the real wiki's api.php")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="port (0: a free port, the default)")
    ap.add_argument("--exit-on-stdin-close", action="store_true",
                    help="exit when stdin reaches end of file (the parent went away)")
    ap.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = ap.parse_args(argv)

    try:
        srv = server.serve(args.host, args.port, args.upstream, args.verbose)
    except (OSError, ValueError) as e:
        print("mediawiki-proxy: cannot start: %s" % e, file=sys.stderr)
        return 2
    try:
        srv.state.upstream.api({"action": "query", "meta": "siteinfo"}, [])
    except UpstreamError as e:
        print("mediawiki-proxy: warning: the wiki does not answer yet: %s" % e, file=sys.stderr)

    stop = threading.Event()
    # A signal handler must not touch the Event: the main thread may hold its
    # lock inside wait(), and set() would deadlock. It only flips a flag.
    signalled = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: signalled.append(True))
    if args.exit_on_stdin_close:
        def watch_stdin():
            try:   # raw reads: a buffered reader would block interpreter shutdown
                while os.read(sys.stdin.fileno(), 4096):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    server.serve_in_thread(srv)
    port = srv.server_address[1]
    print(json.dumps({"port": port}), flush=True)
    if args.verbose:
        print("mediawiki-proxy: http://%s:%d/api.php -> %s" % (args.host, port, args.upstream),
              file=sys.stderr)
    while not signalled and not stop.wait(0.1):
        pass
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fakes of the external source services for libcurator tests (stdlib only).

One process serves, on 127.0.0.1 (port 0 = a free port), by path prefix:
  /mapillary/      Mapillary Graph API v4      (CURATOR_MAPILLARY_API_URL=http://127.0.0.1:N/mapillary)
  /mapillary-cdn/  Mapillary thumbnail CDN
  /flickr/services/rest   Flickr REST API      (CURATOR_FLICKR_API_URL=http://127.0.0.1:N/flickr/services/rest)
  /flickr-cdn/     Flickr static CDN
  /geocoder/reverse       Nominatim reverse    (CURATOR_GEOCODER_URL=http://127.0.0.1:N/geocoder/reverse)
  /wcqs/sparql     Commons Query Service       (CURATOR_WCQS_URL=http://127.0.0.1:N/wcqs/sparql)
  /_control/...    faults, request log, config, data (see README.md)
On readiness it prints one line {"port": N} to stdout. It exits with status 0
on SIGTERM/SIGINT, on POST /_control/shutdown, and (with --exit-on-stdin-close)
when its stdin reaches EOF.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sourcefakes.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

"""Stdlib-only fakes of Mapillary, Flickr, Nominatim and WCQS (see ../README.md)."""

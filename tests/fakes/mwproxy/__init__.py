"""A proxy in front of a real MediaWiki that adds the Wikibase calls it lacks and injects faults.

Modules: bodies (request bodies, multipart scanning), faults (rules and MediaWiki error bodies),
datamodel (Wikibase values, hashes, serialization), entities (the in-memory entity stores and the
wbgetentities / wbeditentity modules), items (built-in Wikidata items), server (HTTP, forwarding,
control API), oauth / oauth_wire / oauth_control (the Extension:OAuth provider fake:
Special:OAuth pages, verified OAuth 1.0a and bearer api.php calls, its control API).
Entry point: tests/fakes/mediawiki_proxy.py. Python 3 standard library only.
"""

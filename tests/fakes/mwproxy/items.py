"""Built-in Wikidata entities: the items and properties that structured data for photos uses.

Only English labels (as named in references.md §B.5 and upstream-pipeline.md §3.1); no
descriptions and no claims. Tests that need more seed them with PUT /_control/entities/Q….
"""

# Datatypes of the properties used by SDC for photos and by the category flow. Value snaks for
# these properties are checked against the datatype, as Wikibase does; others are accepted.
PROPERTY_DATATYPES = {
    "P31": "wikibase-item", "P137": "wikibase-item", "P143": "wikibase-item",
    "P170": "wikibase-item", "P180": "wikibase-item", "P248": "wikibase-item",
    "P275": "wikibase-item", "P373": "string", "P459": "wikibase-item", "P571": "time",
    "P577": "time", "P813": "time", "P854": "url", "P973": "url", "P1163": "string",
    "P1259": "globe-coordinate", "P1433": "wikibase-item", "P1476": "monolingualtext",
    "P1947": "external-id", "P2048": "quantity", "P2049": "quantity", "P2093": "string",
    "P2699": "url", "P3267": "external-id", "P3575": "quantity", "P4092": "string",
    "P6216": "wikibase-item", "P7482": "wikibase-item", "P7787": "quantity",
    "P9149": "globe-coordinate", "P12120": "external-id", "P13988": "external-id",
    "P625": "globe-coordinate", "P18": "commonsMedia",
}

PROPERTY_LABELS = {
    "P31": "instance of", "P137": "operator", "P143": "imported from Wikimedia project",
    "P170": "creator", "P180": "depicts", "P248": "stated in", "P275": "copyright license",
    "P373": "Commons category", "P459": "determination method", "P571": "inception",
    "P577": "publication date", "P813": "retrieved", "P854": "reference URL",
    "P973": "described at URL", "P1163": "media type",
    "P1259": "coordinates of the point of view", "P1433": "published in", "P1476": "title",
    "P1947": "Mapillary photo ID", "P2048": "height", "P2049": "width",
    "P2093": "author name string", "P2699": "URL", "P3267": "Flickr user ID",
    "P3575": "data size", "P4092": "checksum", "P6216": "copyright status",
    "P7482": "source of file", "P7787": "heading", "P9149": "coordinates of depicted place",
    "P12120": "Flickr photo ID", "P13988": "Mapillary username", "P625": "coordinate location",
    "P18": "image",
}

ITEM_LABELS = {
    "Q2": "Earth",
    "Q5": "human",
    "Q8799": "byte",
    "Q19652": "public domain",
    "Q28390": "degree",
    "Q103204": "Flickr",
    "Q355198": "pixel",
    "Q1985727": "proleptic Gregorian calendar",
    "Q6938433": "Creative Commons CC0 License",
    "Q13414952": "SHA-1",
    "Q17985544": "Mapillary",
    "Q18199165": "Creative Commons Attribution-ShareAlike 4.0 International",
    "Q19068220": "Creative Commons Attribution-ShareAlike 2.0 Generic",
    "Q19125117": "Creative Commons Attribution 2.0 Generic",
    "Q20007257": "Creative Commons Attribution 4.0 International",
    "Q26757498": "Mapillary database",
    "Q50423863": "copyrighted",
    "Q74228490": "file available on the internet",
}


def builtin_entities():
    """(id, JSON as wbgetentities returns it) for every built-in item and property."""
    out = []
    for qid, label in ITEM_LABELS.items():
        out.append((qid, {"type": "item", "id": qid,
                          "labels": {"en": {"language": "en", "value": label}}}))
    for pid, label in PROPERTY_LABELS.items():
        out.append((pid, {"type": "property", "datatype": PROPERTY_DATATYPES[pid], "id": pid,
                          "labels": {"en": {"language": "en", "value": label}}}))
    return out

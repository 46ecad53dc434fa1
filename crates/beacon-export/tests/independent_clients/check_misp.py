"""Checks a MISP feed folder with PyMISP and the MISP taxonomies and galaxies.

Usage: check_misp.py FEED_FOLDER [CLUSTERS.txt]

Loads `manifest.json` and every event it lists with PyMISP (`MISPEvent().load_file`),
then checks every tag of every event and attribute: a machine tag must be one its
taxonomy defines (the misp-taxonomies data `pytaxonomies` ships: tlp, rsit, …) and a
`misp-galaxy:<galaxy>="<value>"` tag must name a cluster of that galaxy exactly (the
misp-galaxy data `pymispgalaxies` ships). CLUSTERS.txt, if given, lists malpedia cluster
names (one a line) that must all exist. Prints one JSON object; exits 0 when it could run.
"""

import json
import os
import re
import sys

from pymisp import MISPEvent
from pymispgalaxies import Clusters
from pytaxonomies import Taxonomies

GALAXY_TAG = re.compile(r'^misp-galaxy:([^=]+)="(.*)"$')


def main(folder, clusters_file=None):
    taxonomies = Taxonomies()
    clusters = Clusters()
    machinetags = {}
    problems = []
    checked = []

    def galaxy_values(galaxy):
        try:
            cluster = clusters.get(galaxy)
        except Exception:
            cluster = None
        if cluster is None:
            return None
        return {value.value for value in cluster.cluster_values.values()}

    def check(tag, where):
        checked.append(tag)
        match = GALAXY_TAG.match(tag)
        if match:
            values = galaxy_values(match.group(1))
            if values is None:
                problems.append(f"{where}: galaxy {match.group(1)} does not exist ({tag})")
            elif match.group(2) not in values:
                problems.append(f"{where}: no cluster {match.group(2)!r} in galaxy {match.group(1)}")
            return
        namespace = tag.split(":", 1)[0]
        if namespace not in taxonomies:
            problems.append(f"{where}: no taxonomy {namespace!r} ({tag})")
            return
        known = machinetags.setdefault(namespace, set(taxonomies[namespace].machinetags()))
        if tag not in known:
            problems.append(f"{where}: {tag} is not in the {namespace} taxonomy")

    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    attributes = 0
    for uuid, entry in manifest.items():
        for tag in entry.get("Tag", []):
            check(tag["name"], f"manifest {uuid}")
        event = MISPEvent()
        event.load_file(os.path.join(folder, f"{uuid}.json"))
        if str(event.uuid) != uuid:
            problems.append(f"event file {uuid} holds event {event.uuid}")
        for tag in event.tags:
            check(tag.name, f"event {uuid}")
        for attribute in event.attributes:
            attributes += 1
            for tag in attribute.tags:
                check(tag.name, f"attribute {attribute.value}")
    if clusters_file:
        malpedia = galaxy_values("malpedia") or set()
        with open(clusters_file, encoding="utf-8") as handle:
            for name in filter(None, (line.strip() for line in handle)):
                if name not in malpedia:
                    problems.append(f"Beacon's table names {name!r}, not a malpedia cluster")
    print(json.dumps({
        "events": len(manifest),
        "attributes": attributes,
        "tags_checked": len(checked),
        "problems": problems,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])

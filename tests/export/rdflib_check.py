# Python's rdflib as a user runs it against the site: Graph().parse(IRI, format=F) for each identifier and each format
# (rdflib sends its own Accept header for F and follows the 303), compared with the server's Turtle of that document
# by rdflib's own graph isomorphism. Reads a JSON plan (argv[1]), prints a JSON report; run by tests/export/rdflib.test.ts.
import inspect
import json
import sys
import time
import urllib.request

import rdflib
from rdflib import BNode, ConjunctiveGraph, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic


# Some rdflib releases (6.1.1, Debian 12's) send no TriG type for format="trig", but the generic header they send for
# "xml" too, RDF/XML first: a server that negotiates honestly answers RDF/XML, which rdflib then fails to read as TriG
# (no server can serve both). On such an rdflib the TriG read is done as later releases do it: their Accept header
# for trig, rdflib's TriG parser, the 303 followed. The report counts these reads.
TRIG_ACCEPT = "application/trig, */*;q=0.1"
SENDS_TRIG = "application/trig" in inspect.getsource(rdflib.parser)


def parsed(url, fmt, report):
    # TriG names graphs: read into a dataset, and compare all its triples (a document's named graph included).
    if fmt == "trig":
        dataset = ConjunctiveGraph()
        if SENDS_TRIG:
            dataset.parse(url, format=fmt)
        else:
            report["trig_with_later_accept"] += 1
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": TRIG_ACCEPT})) as res:
                dataset.parse(data=res.read().decode("utf-8"), format=fmt, publicID=res.geturl())
        union = Graph()
        for triple in dataset.triples((None, None, None)):
            union.add(triple)
        return union
    return Graph().parse(url, format=fmt)


def ground(graph):
    return not any(isinstance(term, BNode) for triple in graph for term in triple)


def same(expected, got):
    # Without blank nodes, isomorphism is equality of the triple sets; rdflib's canonical hashing is only needed (and
    # only paid for) where there are blank nodes.
    if ground(expected) and ground(got):
        return set(expected) == set(got)
    return isomorphic(expected, got)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    report = {"rdflib": rdflib.__version__, "checked": 0, "triples": 0, "mismatches": [], "errors": [], "trig_with_later_accept": 0}
    report["seconds"] = {"read": 0.0, "compare": 0.0}
    for case in plan["cases"]:
        reference = Graph()
        with open(case["reference"], encoding="utf-8") as f:
            reference.parse(data=f.read(), format="turtle", publicID=case["document"])
        expected = reference
        report["triples"] += len(reference)
        for fmt in plan["formats"]:
            report["checked"] += 1
            started = time.perf_counter()
            try:
                got = parsed(case["url"], fmt, report)
            except Exception as e:  # any failure to fetch or parse is reported, not fatal
                report["errors"].append({"iri": case["url"], "format": fmt, "error": f"{type(e).__name__}: {e}"[:300]})
                continue
            read = time.perf_counter()
            report["seconds"]["read"] += read - started
            equal = same(expected, got)
            report["seconds"]["compare"] += time.perf_counter() - read
            if not equal:
                _, only_reference, only_parsed = graph_diff(to_isomorphic(expected), to_isomorphic(got))
                report["mismatches"].append(
                    {
                        "iri": case["url"],
                        "format": fmt,
                        "expected": len(expected),
                        "got": len(got),
                        "missing": sorted(" ".join(t.n3() for t in triple) for triple in only_reference)[:3],
                        "extra": sorted(" ".join(t.n3() for t in triple) for triple in only_parsed)[:3],
                    }
                )
    json.dump(report, sys.stdout)


main()

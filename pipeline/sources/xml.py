"""The parsers the source readers use on untrusted dumps: no entity expansion, no DTD, no network."""

from __future__ import annotations

import threading

from lxml import etree

_local = threading.local()


def safe_parser() -> etree.XMLParser:
    """This thread's parser (lxml parsers are not thread-safe; building one per record costs more than parsing).
    Entities are not resolved, no DTD is loaded, nothing is fetched; comments and processing instructions are
    dropped, and `huge_tree` lets one large page or row parse (the readers cap record sizes themselves)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True,
            remove_pis=True,
        )  # fmt: skip
    return parser


def safe_html_parser() -> etree.HTMLParser:
    """This thread's HTML parser for post bodies: HTML's own entities only, no network, no doctype added."""
    parser = getattr(_local, "html", None)
    if parser is None:
        parser = _local.html = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, default_doctype=False
        )
    return parser

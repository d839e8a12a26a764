"""Whole saved HTML pages: find the document body, drop the site around it.

The body is the largest block around the first national motto (the letterhead)
that is not mostly page furniture, else the container a known legal-database
layout names (`CONTENT_SELECTORS`). Its text is written one block per line, with table cells separated
by lone `|` lines — the same flattened form the scraped text corpora use, so
the `cells` cleaning step rebuilds tables from both.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

# Page furniture that never holds document text.
DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "svg", "button",
             "select", "input", "textarea", "link", "meta", "head", "aside", "template")
# Containers of the document text on known legal-database pages, tried in order.
CONTENT_SELECTORS = (
    "#toanvancontent",  # vbpl.vn full text
    "div.content1",  # thuvienphapluat.vn document tab
    "#divContentDoc",
    "div.fulltext",
    "#noidung",
    "article",
    "main",
)
# Class or id words of blocks that list other documents, share buttons, menus, ads.
_FURNITURE = re.compile(
    r"(?i)\b(?:menu|nav|breadcrumb|sidebar|related|lienquan|vanbanlienquan|footer|header|share|social|"
    r"banner|advert|ads|popup|modal|login|search|tab-?header|toolbar|comment)"
)
_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN")
BLOCK = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "thead",
    "section", "article", "blockquote", "pre", "hr", "dd", "dt", "dl", "center", "caption",
})
CELL = frozenset({"td", "th"})


def _drop_furniture(root: Tag) -> None:
    drop: list[Tag] = []
    for tag in root.find_all(True):
        if tag.name in DROP_TAGS:
            # ASP.NET pages wrap the whole page, document included, in one <form>.
            keep = tag.name in ("form", "header", "aside") and _MOTTO.search(tag.get_text(" "))
        else:
            attrs = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
            keep = not (attrs.strip() and _FURNITURE.search(attrs)) or _MOTTO.search(tag.get_text(" "))
        if not keep:
            drop.append(tag)
    dropped: set[int] = set()
    for tag in drop:
        # Inside a block already dropped: nothing left to do.
        if any(id(p) in dropped for p in tag.parents):
            continue
        dropped.add(id(tag))
    for tag in drop:
        if id(tag) in dropped:
            tag.decompose()


def find_body(soup: BeautifulSoup) -> Tag:
    """The element that holds the document text of a page."""
    root = soup.body or soup
    hit = root.find(string=_MOTTO)
    if hit is None:
        for sel in CONTENT_SELECTORS:
            el = soup.select_one(sel)
            if el is not None and len(el.get_text(" ", strip=True)) > 200:
                return el
        return root
    el = hit.parent
    # Climb past the letterhead table, then while the parent adds little besides this block.
    known = {id(x) for sel in CONTENT_SELECTORS[1:] for x in soup.select(sel)}
    size = len(el.get_text(" ", strip=True))
    while el.parent is not None and el.parent is not root and el.parent.name not in ("html", "[document]"):
        if id(el) in known:
            break  # a known document container that holds the letterhead
        psize = len(el.parent.get_text(" ", strip=True))
        if size >= 1000 and psize > 1.3 * size:
            break
        el, size = el.parent, psize
    return el


def block_text(el: Tag) -> str:
    """The text of an element, one block per line, table cells separated by lone `|` lines."""
    out: list[str] = []
    stack: list[object] = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            out.append(node)  # a separator pushed below
            continue
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            out.append(re.sub(r"\s+", " ", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in BLOCK:
            out.append("\n")
            if name != "br":
                stack.append("\n")
        elif name in CELL:
            out.append("\n")
            stack.append("\n|\n")
        stack.extend(reversed(list(node.children)))
    text = "".join(out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n+\|\n+", "\n|\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    # A row's last cell closes the row; the `cells` step only needs separators between cells.
    return text.strip()


def html_to_text(html: str) -> str:
    """The visible text of a page's main content, one block per line."""
    soup = BeautifulSoup(html, "lxml")
    _drop_furniture(soup)
    return block_text(find_body(soup))

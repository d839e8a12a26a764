"""Whole saved HTML pages: find the document body, drop the site around it."""

from __future__ import annotations

from bs4 import BeautifulSoup

DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "svg", "button", "select")


def html_to_text(html: str) -> str:
    """The visible text of a page's main content, one block per line."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    return body.get_text("\n")

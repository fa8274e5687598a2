"""Text folded for matching, shared by search and the certificate directory."""

import unicodedata

# The longest query read: search and the directory lookup fold no more than this.
MAX_QUERY_CHARS = 100


def normalize(text):
    """Return `text` folded for matching: full-width to half-width, lower case, no control characters."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \n")

"""Which page of this site a reader's feedback is about, from the URL the form carries."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from guides.content.catalogue import get_catalogue

MAX_URL_CHARS = 500
# Pages a reader can give feedback on are the site's own pages, not these.
NOT_FEEDBACK_PAGES = {"search", "feedback", "feedback_thanks"}
GUIDE_PAGES = {"guide", "guide_region"}


@dataclass(frozen=True)
class PageRef:
    """A page of this site that feedback is about."""

    url: str
    title: str
    url_name: str
    kwargs: dict

    @property
    def is_guide(self):
        return self.url_name in GUIDE_PAGES


def page_for(url):
    """Return the `PageRef` for a site-relative URL, or None if it is not a page of this site.

    Guide pages are identified by their path alone; other pages (the checker's
    outcome keeps its answers in the query string) keep their query.
    """
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//") or len(url) > MAX_URL_CHARS:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "guides" or match.url_name in NOT_FEEDBACK_PAGES:
        return None
    title = _title(match.url_name, match.kwargs)
    if title is None:
        return None
    keep_query = parts.query and match.url_name not in GUIDE_PAGES | {"home", "certificate"}
    return PageRef(
        url=parts.path + (f"?{parts.query}" if keep_query else ""),
        title=title,
        url_name=match.url_name,
        kwargs=dict(match.kwargs),
    )


def _title(url_name, kwargs):
    catalogue = get_catalogue()
    if url_name == "home":
        return "首页"
    cert = catalogue.certificate_type(kwargs["cert"]) if "cert" in kwargs else None
    if url_name == "certificate":
        return cert.name if cert else None
    if url_name in GUIDE_PAGES:
        situation = catalogue.situation(kwargs["situation"])
        region = catalogue.region(kwargs["region"]) if "region" in kwargs else None
        if cert is None or situation is None or ("region" in kwargs and region is None):
            return None
        return f"{cert.short_name}{situation.title}" + (f"（{region.name}）" if region else "")
    return "自助核对结果" if url_name.startswith("check") else url_name

"""Write every page the site serves to a directory, to compare a refactor's output with the code before it.

    .venv/bin/python bench/dump_pages.py /tmp/before      # on the old code
    .venv/bin/python bench/dump_pages.py /tmp/after       # on the new code
    diff -r /tmp/before /tmp/after                         # empty when behaviour is unchanged

It builds a fresh SQLite database in a temporary directory (or uses DATABASE_URL when set:
give it a database of its own, it is reloaded), loads the content fixtures, travels to the
tests' frozen date and requests, with Django's test client: every URL of the sitemap, every
checker path of `tests/checker/test_flow.all_paths` (outcomes and their question pages),
the everyday directory and search queries of the tests, error pages, and, logged in as a
superuser, every admin list, the first row's change and history pages, the review
list, and every guide page as a staff preview (drafts, 编辑 links), today and as of PREVIEW_DATE. Redirects are followed. Each response is written as its redirects, its status, its headers that matter and its body; CSRF
tokens are blanked. The index file `urls.txt` lists each URL with its status and file.
"""

import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ["reference", "regions", "guide", "drafts", "offices", "synonyms", "directory"]
# A staff preview date a year after the tests' frozen date, for items not yet in force.
PREVIEW_DATE = "2027-06-01"
HEADERS = ["Content-Type", "Location", "X-Robots-Tag", "Cache-Control", "Content-Language"]
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
# Times of day in the admin (a row's history, the stale-save guard's opened version) are the load's clock;
# the superuser's password hash is salted.
CLOCK = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00|\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d\d|<bdi>[^<*]+\*+</bdi>"
)


def setup():
    if "DATABASE_URL" not in os.environ:
        scratch = tempfile.mkdtemp(prefix="dump-pages-")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/pages.sqlite3"
        os.environ.setdefault("DJANGO_CACHE_DIR", f"{scratch}/cache")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reissue_site.settings.dev")
    import django

    django.setup()


def admin_urls(client):
    from django.apps import apps
    from django.contrib import admin
    from django.urls import reverse

    urls = ["/admin/", "/admin/review/"]
    for model, _model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        urls.append(changelist)
        first = apps.get_model(meta.label).objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[first.pk]))
    return urls


def public_urls(client):
    from django.urls import reverse

    from guides.content.catalogue import get_catalogue
    from tests.checker.test_flow import all_paths
    from tests.directory.test_everyday_queries import QUERIES

    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
    urls = ["/", "/sitemap.xml", "/robots.txt", "/check/", "/feedback/", "/certificates/", "/no-such-page/"]
    urls += sorted({re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)})
    result = reverse("guides:check_result")
    for answers, _kind in all_paths(get_catalogue()):
        urls.append(f"{result}?{urlencode({k: v for k, v in answers.items() if v is not None})}")
    for query in sorted({row[0] for row in QUERIES}):
        urls.append(f"/search/?{urlencode({'q': query})}")
        urls.append(f"/certificates/?{urlencode({'q': query})}")
    return list(dict.fromkeys(urls))


def main(out):
    setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from tests.conftest import FROZEN_NOW

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(FROZEN_NOW, tick=False):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_content", *FIXTURES, verbosity=0)
        from django.core.cache import caches

        for alias in ("default", "pages", "state"):
            caches[alias].clear()
        client = Client(HTTP_HOST="localhost")
        index = []
        urls = [("public", url) for url in public_urls(client)]
        editor = Client(HTTP_HOST="localhost")
        user = get_user_model().objects.create_superuser("dump", "dump@example.com", "dump-pages-password")
        editor.force_login(user)
        urls += [("admin", url) for url in admin_urls(editor)]
        # Staff previews: drafts with their 编辑 links, and the site as of a later date (自…起执行).
        guides = [url for who, url in urls if who == "public" and url.startswith("/guides/")]
        urls += [("admin", url) for url in guides]
        urls += [("admin", f"{url}?on={PREVIEW_DATE}") for url in guides]
        for who, url in urls:
            response = (editor if who == "admin" else client).get(url, follow=True)
            body = response.content.decode("utf-8", "replace")
            body = CSRF.sub(r"\1-\2", body)
            if who == "admin":
                body = CLOCK.sub("<time>", body)
            name = hashlib.sha256(f"{who} {url}".encode()).hexdigest()[:16] + ".txt"
            head = "".join(f"Redirected: {target} {status}\n" for target, status in response.redirect_chain)
            head += "".join(f"{h}: {response[h]}\n" for h in HEADERS if response.has_header(h))
            (out / name).write_text(f"{who} {url}\n{response.status_code}\n{head}\n{body}", encoding="utf-8")
            index.append(f"{response.status_code} {name} {who} {url}")
    (out / "urls.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"{len(index)} responses written to {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

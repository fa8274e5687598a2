"""The editors' interface (Django admin, on the site in guides/admin_site.py).

Editors (the 编辑 group, guides/admin/roles.py) keep fees and rules current here. Every
save bumps the content version (guides/caching/invalidation.py), so the site shows it at
once; every change is kept by django-simple-history and can be reverted from "历史与还原".
Importing this package registers every admin: content tables (content.py), search
synonyms and readers' feedback (feedback.py), the certificate directory (directory.py).
"""

from guides.admin import content, directory, feedback  # noqa: F401

"""`loaddata` that validates content rows and names the failing object by its natural key.

Django's own loaddata saves fixture rows raw, skipping `Model.clean()`, and reports a
failure as "guides.Fee(pk=None)", which does not say which fee. This version runs the
model's field and `clean()` validation for the guides app and names the object by its
natural key. Everything still happens in one transaction, so a bad fixture leaves the
database as it was.
"""

from django.core.exceptions import ValidationError
from django.core.management.commands import loaddata


class Command(loaddata.Command):
    def save_obj(self, obj):
        instance = obj.object
        if instance._meta.app_label == "guides":
            try:
                instance.clean_fields()
                instance.clean()
            except ValidationError as error:
                raise ValueError(f"{describe(instance)} is invalid: {error.message_dict}") from error
        try:
            return super().save_obj(obj)
        except Exception as error:
            error.args = (f"{describe(instance)}: {error}",)
            raise


def describe(instance):
    """Name a fixture object the way an editor would find it: model and natural key."""
    label = instance._meta.label
    try:
        key = instance.natural_key()
    except Exception:  # natural_key may need a related row the fixture failed to name
        key = None
    return f"{label} {list(key)!r}" if key else f"{label}(pk={instance.pk})"

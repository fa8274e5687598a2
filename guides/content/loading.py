"""Fixture rows and their history: loaded rows get a record to revert to, and editors' changes are told apart.

Rows loaded from fixtures are saved raw, which django-simple-history skips, so they
get a history record here (once per distinct state), with FIXTURE_LOAD_REASON: an
editor's first change to loaded content can then be reverted, and `load_content`
tells an editor's change from a load by the reason of the latest record.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save, pre_save

from guides.registry import BOOKKEEPING_FIELDS, CONTENT_MODELS

# The change reason of a history record made by loading a fixture (`load_content`
# tells such records from an editor's changes by it).
FIXTURE_LOAD_REASON = "从内容文件导入"


def record_fixture_load(sender, instance, created=False, raw=False, **kwargs):
    """Give a row loaded from a fixture a history record to revert to (once per distinct state)."""
    if not raw:
        return
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is not None and not fields_differ(instance, latest):
        return
    instance.history.bulk_history_create(
        [instance], update=latest is not None, default_change_reason=FIXTURE_LOAD_REASON
    )


def fields_differ(instance, other):
    """Return whether two states of a row differ in anything but bookkeeping."""
    return any(
        getattr(instance, field.attname) != getattr(other, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in BOOKKEEPING_FIELDS
    )


def validate_raw_save(sender, instance, raw=False, **kwargs):
    """Run the model's validation on a row saved raw (Django's `loaddata`), as `load_content` does.

    `manage.py loaddata` skips `Model.clean()`: an office with no source and a
    `javascript:` link went public that way. `load_content` validates each row itself
    (naming it by its natural key) and marks it, so it is not checked twice.
    """
    if not raw or getattr(instance, "_validated_for_load", False):
        return
    try:
        instance.clean_fields()
        instance.clean()
    except ValidationError as error:
        raise ValidationError(
            f"{instance._meta.verbose_name}“{instance}”不符合校验规则，未载入（内容请用 manage.py load_content 载入）："
            f"{error.message_dict}"
        ) from error


def connect_fixture_history():
    for model in CONTENT_MODELS:
        pre_save.connect(validate_raw_save, sender=model, dispatch_uid=f"content-validate-{model.__name__}")
        post_save.connect(record_fixture_load, sender=model, dispatch_uid=f"content-history-{model.__name__}")


@dataclass(frozen=True)
class Removal:
    """A row an editor deleted, or whose natural key (key, slug, channel label) an editor changed."""

    pk: int
    kind: str  # "deleted" or "renamed"
    current: object = None  # the renamed row as it is now

    def describe(self):
        if self.kind == "deleted":
            return "编辑已在后台删除"
        return f"编辑已在后台改名为 {list(self.current.natural_key())!r}"


def history_lookup(model, natural_key):
    """Return the filter that finds a model's history records carrying `natural_key`, or None."""
    natural_key = list(natural_key)
    manager = model._default_manager
    field = getattr(manager, "natural_key_field", None)
    if field and len(natural_key) == 1:
        return {field: natural_key[0]}
    if model._meta.model_name == "holiday" and len(natural_key) == 1:
        return {"date": natural_key[0]}
    if model._meta.model_name == "stepchannel" and len(natural_key) == 3:
        step_model = model._meta.get_field("step").related_model
        step_ids = step_model.history.filter(key=natural_key[0]).values_list("id", flat=True)
        return {"step_id__in": list(step_ids), "kind": natural_key[1], "label": natural_key[2]}
    return None


def editors_removal(model, natural_key):
    """Tell whether the row a fixture names by `natural_key` was deleted or renamed since (a `Removal`), or None.

    The row's history says so: a record with that natural key whose row is now gone
    (its last record a deletion) or carries another natural key. Loads never delete or
    rename rows, so either is an editor's change.
    """
    if not hasattr(model, "history") or any(part is None for part in natural_key):
        return None
    lookup = history_lookup(model, natural_key)
    if lookup is None:
        return None
    record = model.history.filter(**lookup).order_by("-history_date", "-history_id").first()
    if record is None:
        return None
    current = model._default_manager.filter(pk=record.id).first()
    if current is None:
        last = model.history.filter(id=record.id).order_by("-history_date", "-history_id").first()
        return Removal(record.id, "deleted") if last.history_type == "-" else None
    if [str(part) for part in current.natural_key()] != [str(part) for part in natural_key]:
        return Removal(record.id, "renamed", current)
    return None

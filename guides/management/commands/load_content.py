"""Load the content fixtures: validated, named by natural key, never over an editor's change.

Django's own loaddata saves fixture rows raw, skipping `Model.clean()`, reports a
failure as "guides.Fee(pk=None)", and overwrites whatever is in the database. This
command (on top of loaddata, under its own name so Django's stays as it is) runs the
model's field and `clean()` validation for the guides app, names a failing object by
its natural key, and leaves alone every row an editor changed in admin since it was
last loaded — it names them; `--overwrite-edits` replaces them with the file's
version. A row an editor deleted, or whose key, slug or channel label an editor
changed, is such an edit too: it is not brought back, nor loaded a second time under
its old name (the rows' history tells), and is named; `--overwrite-edits` restores the
file's version (a renamed row gets its old name back, no duplicate). Everything happens in one transaction, so a bad fixture leaves the database
as it was.
"""

from django.core.exceptions import ValidationError
from django.core.management.commands import loaddata

from guides.content.loading import FIXTURE_LOAD_REASON, editors_removal, fields_differ
from guides.models.base import fixture_defaults


class Command(loaddata.Command):
    help = "载入内容数据文件（校验每一行）；编辑在后台改过的记录默认保留不动，--overwrite-edits 才覆盖。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="用数据文件覆盖编辑在后台改过的记录（默认跳过并列出它们）。",
        )

    def handle(self, *fixture_labels, **options):
        self.overwrite_edits = options["overwrite_edits"]
        self.kept_edits = []
        # A fixture row is published unless it says `is_published: false` (export_content writes it so).
        with fixture_defaults():
            super().handle(*fixture_labels, **options)
        if self.kept_edits:
            self.stderr.write(
                f"保留了 {len(self.kept_edits)} 条编辑在后台改过、删除或改名的记录（数据文件中的版本未载入；"
                "要覆盖，加 --overwrite-edits）：\n" + "\n".join(f"  {name}" for name in self.kept_edits)
            )

    def save_obj(self, obj):
        instance = obj.object
        if instance._meta.app_label == "guides":
            removed = self.editors_removal(obj)
            if removed is not None:
                self.kept_edits.append(f"{fixture_label(instance)}（{removed}）")
                return False
            try:
                instance.clean_fields()
                instance.clean()
            except ValidationError as error:
                raise ValueError(f"{fixture_label(instance)} is invalid: {error.message_dict}") from error
            instance._validated_for_load = True
            if not self.overwrite_edits and edited_since_loaded(obj):
                self.kept_edits.append(fixture_label(instance))
                return False
            # Setting the row's limits (m2m) makes history records of their own; they are
            # part of this load, not an editor's change for the next load to keep.
            instance._change_reason = FIXTURE_LOAD_REASON
        try:
            return super().save_obj(obj)
        except Exception as error:
            error.args = (f"{fixture_label(instance)}: {error}",)
            raise

    def editors_removal(self, obj):
        """Return why `obj` must not be loaded because an editor deleted or renamed its row (or its parent's), or None.

        With --overwrite-edits, a renamed row is loaded over (its old name comes back)
        and a deleted one is created again; None is returned.
        """
        instance = obj.object
        model = type(instance)
        for field, value in list((obj.deferred_fields or {}).items()):
            if field.many_to_many:
                obj.deferred_fields[field] = self._live_keys(field.related_model, value)
                continue
            removal = editors_removal(field.related_model, value)
            if removal is None:
                continue  # a forward reference loaddata resolves at the end
            parent = f"{field.related_model._meta.label} {list(value)!r}"
            if removal.kind == "deleted":
                return f"所属的 {parent} {removal.describe()}"
            setattr(instance, field.name, removal.current)  # the parent under its new name
            del obj.deferred_fields[field]
            existing = _by_natural_key(model, instance.natural_key())
            instance.pk = existing.pk if existing else None
        if instance.pk is not None:
            return None
        removal = editors_removal(model, instance.natural_key())
        if removal is None:
            return None
        if self.overwrite_edits:
            if removal.kind == "renamed":
                instance.pk = removal.pk  # load over the renamed row: no second copy
            return None
        return removal.describe()

    def _live_keys(self, model, natural_keys):
        """Drop, from a limit's natural keys, rows an editor deleted; follow rows an editor renamed."""
        kept = []
        for key in natural_keys:
            removal = editors_removal(model, key)
            if removal is None:
                kept.append(key)
            elif removal.kind == "renamed":
                kept.append(list(removal.current.natural_key()))
            elif self.overwrite_edits:
                kept.append(key)  # restored by this load, or loaddata names it missing
        return kept


def _by_natural_key(model, natural_key):
    try:
        return model._default_manager.get_by_natural_key(*natural_key)
    except model.DoesNotExist:
        return None


def edited_since_loaded(obj):
    """Tell whether the row `obj` would overwrite was last changed by someone other than a load, and differs."""
    instance = obj.object
    model = type(instance)
    if instance.pk is None or not hasattr(model, "history"):
        return False
    current = model._default_manager.filter(pk=instance.pk).first()
    if current is None:
        return False
    latest = current.history.order_by("-history_date", "-history_id").first()
    if latest is None or latest.history_change_reason == FIXTURE_LOAD_REASON:
        return False
    return differs(instance, current, obj.m2m_data or {})


def differs(instance, current, m2m_data):
    limits_differ = any(
        {str(pk) for pk in pks} != {str(pk) for pk in getattr(current, name).values_list("pk", flat=True)}
        for name, pks in m2m_data.items()
    )
    return fields_differ(instance, current) or limits_differ


def fixture_label(instance):
    """Name a fixture object the way an editor would find it: model and natural key."""
    label = instance._meta.label
    try:
        key = instance.natural_key()
    except Exception:  # natural_key may need a related row the fixture failed to name
        key = None
    return f"{label} {list(key)!r}" if key else f"{label}(pk={instance.pk})"

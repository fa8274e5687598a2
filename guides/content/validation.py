"""Rules an editor's change must pass before it is saved, beyond what one row can check.

`Model.clean()` checks a row on its own (amounts, dates, day ranges). The rules
here need the item's limits (its many-to-many fields), which a form knows before
they are saved, so the admin forms and `check_content` both call them.
"""

from guides.models import Notice

LIMIT_FIELDS = {
    "certificate_types": "证书类型",
    "situations": "情形",
    "regions": "地区",
}


def replacement_errors(item, replaced, limits, kind=None):
    """Return {field: message} for what is wrong with `item` replacing `replaced`.

    `limits` maps each limit field to the rows the item will be limited to (empty
    means "all"); `kind` is a notice's kind as the form has it, if not yet on `item`.
    A replacing item must be another item of the same kind, must not
    lead back to itself, and must apply nowhere the replaced item does not.
    """
    if replaced is None:
        return {}
    if item.pk is not None and replaced.pk == item.pk:
        return {"replaces": "一条内容不能替代它自己。"}
    if type(replaced) is not type(item):
        return {"replaces": f"只能替代同一种内容（{item._meta.verbose_name}）。"}
    if isinstance(item, Notice) and replaced.kind != (kind or item.kind):
        return {
            "replaces": f"只能替代同一类型的提示（{Notice.Kind(kind or item.kind).label}），不能替代「{replaced.get_kind_display()}」。"
        }
    if item.pk is not None and _leads_back(replaced, item.pk):
        return {"replaces": f"「{replaced}」已经直接或间接替代了本条，不能再反过来替代它。"}
    errors = {}
    for field, label in LIMIT_FIELDS.items():
        allowed = set(getattr(replaced, field).all())
        if not allowed:
            continue
        chosen = set(limits.get(field) or ())
        names = "、".join(str(row) for row in sorted(allowed, key=lambda row: row.pk))
        if not chosen:
            errors[field] = (
                f"被替代的「{replaced}」只适用于{label}：{names}。本条不能比它适用得更广，请在这些{label}中选择。"
            )
        elif not chosen <= allowed:
            extra = "、".join(str(row) for row in sorted(chosen - allowed, key=lambda row: row.pk))
            errors[field] = f"被替代的「{replaced}」不适用于{extra}。本条的{label}只能从以下选择：{names}。"
    return errors


def _leads_back(item, target_pk):
    """Return True if following `replaces` from `item` reaches `target_pk`."""
    seen = set()
    while item is not None and item.pk not in seen:
        if item.pk == target_pk:
            return True
        seen.add(item.pk)
        item = item.replaces
    return False

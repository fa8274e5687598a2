"""One list of content models (guides.registry.CONTENT_MODELS): every consumer reads it,
and every change to any of them, or to any of their limits, shows on the next request."""

from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.urls import reverse

from guides.admin.roles import EDITOR_GROUP
from guides.caching.version import get_content_version
from guides.models import Holiday, StepChannel
from guides.registry import CONTENT_MODELS, READER_WRITTEN_MODELS

pytestmark = pytest.mark.django_db

READER_WRITTEN = set(READER_WRITTEN_MODELS)


def guides_models():
    return [m for m in apps.get_app_config("guides").get_models() if not m.__name__.startswith("Historical")]


def test_every_model_is_content_or_reader_written():
    assert set(guides_models()) == set(CONTENT_MODELS) | READER_WRITTEN


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_every_content_model_is_in_admin_and_editable_by_editors(model):
    assert model in admin.site._registry
    granted = set(Group.objects.get(name=EDITOR_GROUP).permissions.values_list("codename", flat=True))
    name = model._meta.model_name
    assert {f"{action}_{name}" for action in ("view", "add", "change", "delete")} <= granted


def moved_on(change):
    before = get_content_version()
    change()
    return get_content_version() != before


def try_delete(model):
    """Delete one row of `model`, in a savepoint rolled back afterwards.

    A row other rows protect (every certificate type is named by directory entries) is
    deleted after the rows that protect it, as an editor would have to.
    """
    obj = model.objects.first()
    with transaction.atomic():
        try:
            with transaction.atomic():
                changed = moved_on(obj.delete)
        except (ProtectedError, RestrictedError) as error:
            blockers = getattr(error, "protected_objects", None) or error.restricted_objects
            for blocker in blockers:
                blocker.delete()
            changed = moved_on(obj.delete)
        transaction.set_rollback(True)
    return changed


def test_every_save_delete_and_limit_change_moves_the_version(content):
    Holiday.objects.create(date="2027-01-01", name="元旦")  # the fixtures have none: chinese-calendar knows them
    for model in CONTENT_MODELS:
        obj = model.objects.first()
        assert obj is not None, f"no {model.__name__} in the fixtures"
        assert moved_on(obj.save), f"{model.__name__}: save"
        assert try_delete(model), f"{model.__name__}: delete"
        for field in model._meta.many_to_many:
            limit = getattr(obj, field.name)
            related = field.related_model.objects.first()
            assert moved_on(lambda: limit.add(related)), f"{model.__name__}.{field.name}: add"  # noqa: B023
            assert moved_on(limit.clear), f"{model.__name__}.{field.name}: clear"


def test_a_step_channel_edit_shows_on_the_next_request(content, client):
    url = reverse("guides:guide", args=["professional-title", "lost"])
    step = next(s for s in client.get(url).context["guide"].steps if s.channels.exists())  # one this page shows
    assert client.get(url).status_code == HTTPStatus.OK
    channel = StepChannel.objects.filter(step=step).first()
    channel.label = "新的办理渠道名称"
    channel.save()
    assert "新的办理渠道名称" in client.get(url).content.decode()

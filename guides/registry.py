"""The content models editors keep, declared once.

Every consumer walks these lists instead of naming models itself: cache
invalidation (guides/caching/invalidation.py), the 编辑 group's permissions
(guides/admin/roles.py), export (guides/content/export.py), the admin index order
(guides/admin_site.py), the guide's sections as pages, search and feedback show them
(guides/content/selectors.py, guides/search/, guides/feedback/selectors.py) and the
sitemap's dates. A new content model goes here, or no consumer sees it;
tests/test_registry.py checks every model of the app is here or reader-written.
"""

from dataclasses import dataclass

from guides.models import (
    FAQ,
    CertificateType,
    DirectoryEntry,
    Fee,
    Holiday,
    Material,
    Notice,
    Office,
    PageFeedback,
    Precondition,
    ProblemReport,
    ProcessingTime,
    Region,
    Situation,
    Source,
    Step,
    StepChannel,
    SynonymGroup,
)

# Fields the machine keeps on every save: never exported, compared or shown as an edit.
BOOKKEEPING_FIELDS = ("updated_at",)

# How a guide item is published, in the order editors and exported fixtures show them
# (after what the item says and its limits).
PUBLISHING_FIELDS = ["is_published", "effective_from", "effective_to", "reviewed_on", "source", "order"]


@dataclass(frozen=True)
class Section:
    """One kind of guide item as a guide shows it."""

    model: type
    attribute: str  # the attribute of an assembled Guide that holds these items
    slug: str  # its name in search results
    label: str  # its heading


# The sections of a guide, in the order a page shows them.
GUIDE_SECTIONS = [
    Section(Precondition, "preconditions", "conditions", "能否补办"),
    Section(Material, "materials", "materials", "申请材料"),
    Section(Step, "steps", "steps", "办理步骤"),
    Section(ProcessingTime, "processing_times", "time", "办理时限"),
    Section(Fee, "fees", "fees", "费用"),
    Section(Notice, "notices", "notices", "注意事项"),
    Section(FAQ, "faqs", "faqs", "常见问题"),
    Section(Office, "offices", "offices", "办理地点"),
]
GUIDE_ITEM_MODELS = [section.model for section in GUIDE_SECTIONS]


@dataclass(frozen=True)
class Table:
    """A table editors keep, and the fixture file `export_content` writes its rows to."""

    model: type
    fixture: str  # guide items split by publication: published to "guide", drafts to "drafts"


# Every table editors keep, in load order (a row comes after the rows it names).
CONTENT_TABLES = [
    Table(Source, "reference"),
    Table(CertificateType, "reference"),
    Table(Situation, "reference"),
    Table(Holiday, "reference"),
    Table(Region, "regions"),
    *(Table(model, "guide") for model in GUIDE_ITEM_MODELS if model is not Office),
    Table(StepChannel, "guide"),
    # Offices keep drafts beside published rows: an office waiting for a source is a draft.
    Table(Office, "offices"),
    Table(SynonymGroup, "synonyms"),
    Table(DirectoryEntry, "directory"),
]
CONTENT_MODELS = [table.model for table in CONTENT_TABLES]

# Written by readers, not editors: no editor permissions, not exported.
READER_WRITTEN_MODELS = [PageFeedback, ProblemReport]

# The admin index order: what editors change most first, then the reference tables.
ADMIN_ORDER = [
    Fee,
    Material,
    Step,
    StepChannel,
    ProcessingTime,
    Precondition,
    Notice,
    FAQ,
    Office,
    CertificateType,
    Situation,
    Region,
    Source,
    Holiday,
    DirectoryEntry,
    SynonymGroup,
    ProblemReport,
    PageFeedback,
]

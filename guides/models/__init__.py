"""The app's tables, one module per kind; import them from here.

Which of them editors keep, and how every consumer walks them, is declared once in
guides/registry.py.
"""

from guides.models.base import Content, HolidayManager, KeyManager, NaturalKeyManager, Source, StepChannelManager
from guides.models.calendar import Holiday
from guides.models.directory import DirectoryEntry
from guides.models.feedback import PageFeedback, ProblemReport
from guides.models.items import FAQ, Fee, GuideItem, Material, Notice, Precondition, ProcessingTime, Step, StepChannel
from guides.models.offices import Office
from guides.models.reference import CertificateType, Region, Situation
from guides.models.synonyms import SynonymGroup

__all__ = [
    "FAQ",
    "CertificateType",
    "Content",
    "DirectoryEntry",
    "Fee",
    "GuideItem",
    "Holiday",
    "HolidayManager",
    "KeyManager",
    "Material",
    "NaturalKeyManager",
    "Notice",
    "Office",
    "PageFeedback",
    "Precondition",
    "ProblemReport",
    "ProcessingTime",
    "Region",
    "Situation",
    "Source",
    "Step",
    "StepChannel",
    "StepChannelManager",
    "SynonymGroup",
]

"""The checker's questions: their wording, options, hints and error messages, and how each parses its answer.

The order they are asked in is guides/checker/flow.py's FLOW; what the answers lead to
is guides/checker/outcomes.py.
"""

import re
from dataclasses import dataclass
from datetime import date

from guides.models import Precondition

YES, NO = "yes", "no"
# Reasons the content has no guide for: they route straight to an outcome.
CHANGED, REVOKED = "changed", "revoked"
# Not sure which kind the certificate is: identify it by name in the directory first.
UNSURE = "unsure"
NOT_URGENT = "no"
MAIL, IN_PERSON = "mail", "in-person"

DATE_PATTERN = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
CONFLICT_MESSAGE = "这个问题有多个互相矛盾的回答，请重新选择一项。"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    """One question page: its slug (the query parameter), wording and how to parse it."""

    slug: str
    title: str
    summary_label: str
    kind: str  # "radio", "select" or "date"
    options: tuple = ()
    hint: str = ""
    required_message: str = "请选择一项。"
    precondition: Precondition | None = None

    def parse(self, raw):
        """Return the answer for the raw parameter value, or raise `InvalidAnswer`."""
        if self.kind == "date":
            return parse_date(raw)
        if not any(option.value == raw for option in self.options):
            raise InvalidAnswer("这个回答无法识别，请重新选择。")
        return raw

    def display(self, value):
        if self.kind == "date":
            return f"{value.year}年{value.month}月{value.day}日"
        return next((o.label for o in self.options if o.value == value), value)

    @property
    def field_id(self):
        return f"f-{self.slug}"


class InvalidAnswer(ValueError):
    pass


def parse_date(raw):
    """Parse a YYYY-MM-DD date that is a real day; the window check is the caller's."""
    match = DATE_PATTERN.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        # A browser's date field cannot show an impossible date, so say what was entered.
        raise InvalidAnswer(f"请输入一个真实存在的日期，例如 2026-12-01（您输入的是：{raw[:20]}）。") from None


def yes_no_question(precondition):
    return Question(
        slug=precondition.key,
        title=precondition.question,
        summary_label=precondition.statement,
        kind="radio",
        options=(Option(YES, "是"), Option(NO, "否")),
        hint=precondition.detail
        + ("（这是建议，不是补办条件：回答“否”也可以继续补办。）" if precondition.is_advice else ""),
        required_message="请选择“是”或“否”。",
        precondition=precondition,
    )


def certificate_question(catalogue):
    return Question(
        slug="cert",
        title="您要补办哪种证书？",
        summary_label="证书类型",
        kind="radio",
        options=(
            *(Option(c.slug, c.name, c.examples or c.summary) for c in catalogue.certificate_types),
            Option(UNSURE, "不确定 / 我的证书不在这里", "先按证书上的名称在证书目录里查一查它归谁补办，再回来继续。"),
        ),
        required_message="请选择证书类型。",
    )


def reason_question(catalogue):
    return Question(
        slug="reason",
        title="您的证书怎么了？",
        summary_label="证书情况",
        kind="radio",
        options=(
            *(Option(r.slug, r.name, r.summary) for r in catalogue.reasons),
            Option(CHANGED, "信息有误或需要变更", "例如姓名、身份证号变了，或证书上的信息印错了。"),
            Option(REVOKED, "证书已被收回或注销"),
        ),
        required_message="请选择证书的情况。",
    )


def province_question(catalogue, slug):
    issued = slug == "issued-in"
    return Question(
        slug=slug,
        title="您的证书是在哪个省份发的？" if issued else "您现在在哪个省份工作或生活？",
        summary_label="发证省份" if issued else "现在所在省份",
        kind="select",
        options=tuple(Option(r.code, r.name) for r in catalogue.regions),
        hint="看证书上的发证机关。补办向发证机构申请，所以本站按发证省份的规定给出指南。"
        if issued
        else "与发证省份不同的（异地），补办仍向发证机构申请，不是向现在住的地方。",
        required_message="请选择发证省份。" if issued else "请选择您现在所在的省份。",
    )


URGENT_QUESTION = Question(
    slug="urgent",
    title="您急着拿到新证书吗？",
    summary_label="是否加急",
    kind="radio",
    options=(
        Option(NOT_URGENT, "不急，按正常时限办理"),
        Option("title-review", "急：职称评审截止日期临近"),
        Option("other", "急：有其他紧急事由", "例如项目投标、会议。"),
    ),
    hint="本站没有找到补办可以加急的官方规定；急需的，请直接向发证机构说明情况。",
    required_message="请选择是否需要加急。",
)

DELIVERY_QUESTION = Question(
    slug="delivery",
    title="您打算怎样递交申请？",
    summary_label="递交方式",
    kind="radio",
    options=(
        Option(MAIL, "邮寄", "寄给发证机构；会产生快递费。"),
        Option(IN_PERSON, "到窗口现场递交", "工作日到发证机构指定的地点递交。"),
    ),
    hint="能否邮寄、邮费由谁付，各地做法不同；结果页按本站掌握的发证省份资料说明。",
    required_message="请选择递交方式。",
)

DATE_QUESTION = Question(
    slug="date",
    title="您打算哪天提交申请？",
    summary_label="计划提交日期",
    kind="date",
    hint="默认是今天。我们按中国的工作日（扣除法定节假日，计入调休上班日）推算办结日期。",
    required_message="请输入计划提交日期。",
)

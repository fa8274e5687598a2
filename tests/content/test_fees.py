"""Fee estimates: itemised lines, a min–max total in 元, Decimal arithmetic, and the checker's use."""

import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from guides.content.fees import estimate_fees
from guides.models import Fee
from tests.content.test_offices import lost_guangdong_answers


def fee(name="费用", min_amount=None, max_amount=None, **kwargs):
    def dec(value):
        return None if value is None else Decimal(value)

    kwargs.setdefault("is_published", True)
    return Fee(key=name, name=name, min_amount=dec(min_amount), max_amount=dec(max_amount), **kwargs)


PRODUCTION = dict(name="工本费", min_amount="20.00", max_amount="50.00", counts_as_regular=True)
NEWSPAPER = dict(name="登报费", min_amount="100.00", max_amount="300.00")
EXPRESS = dict(name="快递服务费", basis="按实际重量计算", only_when_mailing=True)
URGENT = dict(name="加急手续费", basis="另计", regular_multiplier_max=Decimal("2.00"))


def test_total_is_the_sum_of_the_priced_lines():
    estimate = estimate_fees([fee(**PRODUCTION), fee(**NEWSPAPER)])
    assert (estimate.total_min, estimate.total_max) == (Decimal("120.00"), Decimal("350.00"))
    assert [line.fee.name for line in estimate.lines] == ["工本费", "登报费"]


def test_decimal_arithmetic_is_exact():
    estimate = estimate_fees([fee("a", "0.10", "0.10"), fee("b", "0.20", "0.20")])
    assert estimate.total_max == Decimal("0.30")
    assert isinstance(estimate.total_max, Decimal)


def test_a_fee_with_one_amount_counts_it_as_both_ends():
    estimate = estimate_fees([fee("固定", max_amount="30")])
    assert (estimate.total_min, estimate.total_max) == (Decimal("30"), Decimal("30"))


def test_unpriced_fee_is_listed_without_a_number():
    estimate = estimate_fees([fee(**PRODUCTION), fee(**EXPRESS)], mailing=True)
    assert [line.fee.name for line in estimate.unpriced] == ["快递服务费"]
    assert estimate.unpriced[0].min_amount is None
    assert estimate.total_max == Decimal("50.00")


def test_express_fee_only_when_mailing():
    in_person = estimate_fees([fee(**PRODUCTION), fee(**EXPRESS)], mailing=False)
    assert in_person.unpriced == []
    assert [line.fee.name for line in in_person.excluded] == ["快递服务费"]
    by_post = estimate_fees([fee(**PRODUCTION), fee(**EXPRESS)], mailing=True)
    assert [line.fee.name for line in by_post.counted] == ["工本费", "快递服务费"]


def test_urgent_surcharge_is_a_multiple_of_the_regular_fees():
    # "通常为常规费用的2倍以内": up to 2 × the 工本费 maximum (50) = 100; 登报费 is not regular.
    estimate = estimate_fees([fee(**PRODUCTION), fee(**NEWSPAPER), fee(**URGENT)])
    surcharge = next(line for line in estimate.lines if line.fee.name == "加急手续费")
    assert (surcharge.min_amount, surcharge.max_amount) == (Decimal("0"), Decimal("100.00"))
    assert (estimate.total_min, estimate.total_max) == (Decimal("120.00"), Decimal("450.00"))


def test_urgent_surcharge_follows_the_regular_fees_whatever_their_order():
    estimate = estimate_fees([fee(**URGENT), fee(**PRODUCTION)])
    assert estimate.total_max == Decimal("150.00")


def test_an_urgent_surcharge_on_no_priced_regular_fee_is_unpriced_not_0_yuan():
    estimate = estimate_fees([fee(**URGENT), fee(**NEWSPAPER)])
    assert [line.fee.name for line in estimate.unpriced] == ["加急手续费"]
    assert (estimate.total_min, estimate.total_max) == (Decimal("100.00"), Decimal("300.00"))


def test_no_urgent_fee_without_the_urgent_row():
    estimate = estimate_fees([fee(**PRODUCTION), fee(**NEWSPAPER)])
    assert estimate.total_max == Decimal("350.00")


# ── the checker applies these rules to the real fixtures ─────────────────────


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "urgent", "delivery", "total", "express"),
    [
        ("lost", "no", "in-person", "120–350 元", False),
        ("lost", "no", "mail", "120–350 元", False),
        # no 加急 fee: 0–100 元 was the site's own arithmetic, no source gives one (issue 18 §7 row 6)
        ("lost", "title-review", "mail", "120–350 元", False),
        ("damaged", "no", "in-person", "20–50 元", False),
        ("damaged", "other", "in-person", "20–50 元", False),
    ],
)
def test_checker_outcome_fee_total(client, content, reason, urgent, delivery, total, express):
    answers = {
        "cert": "skill-certificate",
        "reason": reason,
        "identity-unchanged": "yes",
        "issued-in": "110000",
        "living-in": "110000",
        "urgent": urgent,
        "delivery": delivery,
    }
    answers["date"] = timezone.localdate().isoformat()
    response = client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert f"<strong data-fee-total>{total}</strong>" in page
    assert ("另加快递服务费（按实际重量计算）" in page) is express


def test_a_mail_only_fee_is_counted_when_the_delivery_is_not_known():
    """Not known (mailing=None): a mail-only fee may apply, so its amount is in the total (issue 20, point 18)."""
    postage = dict(name="邮寄费", min_amount="10.00", max_amount="22.00", only_when_mailing=True)
    unknown = estimate_fees([fee(**PRODUCTION), fee(**postage)], mailing=None)
    assert unknown.excluded == []
    assert [line.fee.name for line in unknown.counted] == ["工本费", "邮寄费"]
    assert (unknown.total_min, unknown.total_max) == (Decimal("30.00"), Decimal("72.00"))
    in_person = estimate_fees([fee(**PRODUCTION), fee(**postage)], mailing=False)
    assert (in_person.total_min, in_person.total_max) == (Decimal("20.00"), Decimal("50.00"))


# ── the fee table (one macro, on the guide page and the checker's outcome) ───


def fee_table(estimate):
    template = engines["jinja2"].from_string(
        '{% import "guides/includes/items.html" as items %}{{ items.fee_table(fees, rows, "费用", "金额", "备注") }}'
    )
    rows = tuple((line.fee, None) for line in estimate.lines)  # the fees with nothing to label
    return template.render({"fees": estimate, "rows": rows})


def amount_cells(html):
    return re.findall(r'<th scope="row">(.+?) </th>\s*<td>(.*?)</td>', html)


def test_an_unpriced_fee_shows_how_it_is_charged_never_0_yuan():
    html = fee_table(estimate_fees([fee(**NEWSPAPER), fee(**URGENT)]))
    assert amount_cells(html) == [("登报费", "100–300 元"), ("加急手续费", "另计")]
    assert "<strong data-fee-total>100–300 元</strong>，另加加急手续费（另计）" in html
    assert ">0 元<" not in html


def test_each_unpriced_fee_is_named_with_its_basis_after_the_total():
    courier = dict(name="登记表快递费", basis="到付")
    html = fee_table(estimate_fees([fee(**PRODUCTION), fee(**EXPRESS), fee(**courier)]))
    assert "<strong data-fee-total>20–50 元</strong>，另加快递服务费（按实际重量计算）、登记表快递费（到付）" in html


def test_fees_that_are_all_unpriced_do_not_total_0_yuan():
    html = fee_table(estimate_fees([fee(**EXPRESS)], mailing=True))
    assert "<strong data-fee-total>另计</strong>：快递服务费（按实际重量计算）" in html


def test_a_multiplier_fee_says_its_ceiling_and_a_mail_only_fee_says_so():
    html = fee_table(estimate_fees([fee(**PRODUCTION), fee(**URGENT, note="来源文章的说法"), fee(**EXPRESS)]))
    assert "<td>最多为常规费用的 2 倍；来源文章的说法</td>" in html
    assert "<td>仅邮寄时产生</td>" in html


@pytest.mark.django_db
def test_the_guide_page_and_the_checker_outcome_show_a_fee_row_alike(client, content):
    """广东's EMS fee, on the province's guide page and on a by-post checker outcome for it."""
    answers = lost_guangdong_answers()
    guide = client.get(reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"]))
    outcome = client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True)
    row = re.compile(r"<tr>\s*<th scope=\"row\">证书邮寄费（EMS）.*?</tr>", re.S)
    assert row.search(guide.text).group() == row.search(outcome.text).group()
    assert "仅邮寄时产生" in row.search(outcome.text).group()

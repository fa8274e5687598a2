"""Fee estimates: itemised lines and a min–max total in 元, with Decimal arithmetic."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

ZERO = Decimal("0")


@dataclass
class FeeLine:
    fee: object
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    excluded_reason: str = ""

    @property
    def priced(self):
        return self.max_amount is not None


@dataclass
class FeeEstimate:
    lines: list = field(default_factory=list)
    total_min: Decimal = ZERO
    total_max: Decimal = ZERO

    @cached_property
    def fragment_key(self):
        """What the fee table shows of it, as a key for guides/caching/fragments.py (read once it is built)."""
        lines = tuple((line.fee.pk, line.min_amount, line.max_amount, line.excluded_reason) for line in self.lines)
        return (lines, self.total_min, self.total_max)

    @property
    def counted(self):
        return [line for line in self.lines if not line.excluded_reason]

    @property
    def unpriced(self):
        return [line for line in self.counted if not line.priced]

    @property
    def excluded(self):
        return [line for line in self.lines if line.excluded_reason]


def estimate_fees(fees, *, mailing=None):
    """Return the estimate for the applicable `fees`.

    `mailing` is True (by post), False (in person: mail-only fees are left out) or
    None (not known: mail-only fees are listed, unpriced ones without a number).
    A fee with a multiplier (加急手续费, "常规费用的2倍以内") adds up to that many
    times the regular fees' maximum; its minimum is taken as zero because the
    source gives only a ceiling. Without a priced regular fee it is unpriced.
    """
    estimate = FeeEstimate()
    regular_max = ZERO
    multiplied = []
    for fee in fees:
        if fee.regular_multiplier_max is not None:
            multiplied.append(fee)
            continue
        line = FeeLine(fee=fee)
        if fee.only_when_mailing and mailing is False:
            line.excluded_reason = "现场领取，不产生此项"
        elif fee.has_amount:
            line.min_amount = fee.min_amount if fee.min_amount is not None else fee.max_amount
            line.max_amount = fee.max_amount if fee.max_amount is not None else fee.min_amount
            estimate.total_min += line.min_amount
            estimate.total_max += line.max_amount
            if fee.counts_as_regular:
                regular_max += line.max_amount
        estimate.lines.append(line)
    for fee in multiplied:
        line = FeeLine(fee=fee)
        if regular_max:  # with no priced regular fee, the multiple of nothing is unpriced, not 0 元
            line.min_amount = ZERO
            line.max_amount = (regular_max * fee.regular_multiplier_max).quantize(Decimal("0.01"))
            estimate.total_max += line.max_amount
        estimate.lines.append(line)
    return estimate


def estimate_for(guide, *, mailing=None):
    """Return `estimate_fees(guide.fees, mailing=mailing)`, worked out once per guide (and day)."""
    return guide.per_day(("fees", mailing), lambda: estimate_fees(guide.fees, mailing=mailing))

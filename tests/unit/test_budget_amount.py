"""The Budget planner's typed budget (`components.inputs.budget_inputs.read_budget`): what people
type is read as money, and what cannot be a budget is refused with a sentence to show."""

from __future__ import annotations

import pytest

from calculators.settings import MAX_BUDGET
from components.inputs.budget_inputs import NotABudget, read_budget


@pytest.mark.parametrize(
    "typed",
    ["170000", "170,000", "$170,000", "170k", "170K", "$170k", " 170 000 ", "USD 170,000", "0.17M", "1.7e5"],
)
def test_a_budget_is_read_as_people_write_it(typed):
    """Every usual way of writing a hundred and seventy thousand reads as 170,000."""
    assert read_budget(typed, "USD") == 170_000.0


def test_other_currencies_and_cents():
    assert read_budget("€95,500", "EUR") == 95_500.0
    assert read_budget("CHF 1'000", "CHF") == 1_000.0
    assert read_budget("1,234.50", "USD") == 1_234.5


def test_zero_is_a_budget():
    """Zero funds only what costs nothing: a budget, not an error (the model allows ≥ 0)."""
    assert read_budget("0", "USD") == 0.0


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("lots", '"lots" is not an amount: type it as 170,000, $170,000 or 170k.'),
        ("170.000,50", '"170.000,50" is not an amount'),
        ("1,23", '"1,23" is not an amount'),
        ("nan", '"nan" is not an amount'),
        ("inf", '"inf" is not an amount'),
        ("", "Type a budget, such as 170,000, $170,000 or 170k."),
        ("   ", "Type a budget"),
        ("-5,000", "A budget cannot be below $0."),
        ("1e15", "A budget can be at most $100,000,000,000."),
    ],
)
def test_what_cannot_be_a_budget_says_why(typed, says):
    with pytest.raises(NotABudget) as refused:
        read_budget(typed, "USD")
    assert says in str(refused.value)


def test_the_highest_budget_is_allowed():
    assert read_budget(f"{MAX_BUDGET:,.0f}", "USD") == MAX_BUDGET


def test_a_long_text_is_quoted_short():
    """A pasted paragraph is not repeated whole in the message."""
    with pytest.raises(NotABudget) as refused:
        read_budget("x" * 500, "USD")
    assert len(str(refused.value)) < 120 and "..." in str(refused.value)


def test_the_message_is_in_the_scenarios_currency():
    with pytest.raises(NotABudget, match="€0"):
        read_budget("-1", "EUR")

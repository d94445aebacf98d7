"""Each risk measure's class owns its words, unit and column note (model/formulation/risk.py): the
summary, the answers and the column notes take them from there, so a measure added with its class
is spoken of everywhere."""

from __future__ import annotations

import pytest

from model.case.schema import RISK_MEASURES
from model.formulation.risk import MEASURES
from model.results.excel.notes import COLUMN_NOTES, context, note_for
from model.results.words import risk_measure_words, risk_shown, risk_words


@pytest.mark.parametrize("name", RISK_MEASURES)
def test_every_measure_speaks_for_itself(name):
    rm = MEASURES[name]
    assert rm.name == name
    meaning, unit = rm.note
    assert meaning and unit and COLUMN_NOTES[name] == rm.note
    assert risk_measure_words(name, 0.9).startswith(f"{name}")
    sentence = risk_words(name, 0.9, 0.25, 0.5, "USD")
    assert sentence.endswith("at the cheapest plan")
    shown = risk_shown(name, 0.25, "USD")
    assert (shown == "0.25 USD") == rm.in_money and (shown == "25.0 %") != rm.in_money
    assert ("USD" in note_for(name, ctx=context(name, "USD"))) == rm.in_money


def test_a_tail_measure_names_its_tail():
    for name, rm in MEASURES.items():
        assert ("worst 5 %" in risk_words(name, 0.95, 0.1)) == rm.tail

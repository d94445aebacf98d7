"""What-if toggles from the command line: ``--ban RULE``, ``--lift RULE`` and ad-hoc bans
``"ISSUER:MATERIALS[>COUNTRIES][@OWNER[,OWNER...]][!]"`` (``!`` = extraterritorial reach)."""

from __future__ import annotations

import re
from dataclasses import replace

from .case import Case, Rule
from .issues import CaseError

GRAMMAR = ('--ban RULE | --lift RULE | --ban "ISSUER:MATERIALS[>COUNTRIES][@OWNER[,OWNER...]][!]" '
           '(e.g. "CN:heavy_REE>US,JP", "CN:*@MP Materials!", "CN:NdPr_oxide")')
_ADHOC = re.compile(r"^\s*(?P<issuer>[^:>@!]+?)\s*:\s*(?P<materials>[^>@!]+?)\s*"
                    r"(?:>\s*(?P<countries>[^@!]+?)\s*)?(?:@\s*(?P<owners>[^!]+?)\s*)?(?P<et>!)?\s*$")


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip()) if text else ()


def parse_adhoc(spec: str, case: Case, number: int, start: int) -> Rule:
    """An ad-hoc ban rule from its text; CaseError (bad input) if malformed or unknown names."""
    match = _ADHOC.match(spec)
    if not match:
        raise CaseError(f"--ban {spec!r} is not a rule id or an ad-hoc ban; expected {GRAMMAR}")
    issuer = match["issuer"].strip()
    countries = {c.lower(): c for c in case.countries}
    if issuer.lower() not in countries:
        raise CaseError(f"--ban {spec!r}: issuer {issuer!r} is not a country of the case; expected {GRAMMAR}")
    issuer = countries[issuer.lower()]
    names = _split(match["materials"])
    if not names:
        raise CaseError(f"--ban {spec!r}: no materials named; expected {GRAMMAR}")
    mats: list[str] = []
    by_lower = {m.lower(): m for m in case.materials}
    for name in names:
        if name == "*":
            mats.extend(case.materials)
        elif name.lower() in by_lower:
            mats.append(by_lower[name.lower()])
        else:
            members = [m for m, mat in case.materials.items() if name.lower() in (g.lower() for g in mat.groups)]
            if not members:
                raise CaseError(f"--ban {spec!r}: {name!r} is neither a material nor a material group; "
                                f"expected {GRAMMAR}")
            mats.extend(members)
    to_countries = _split(match["countries"])
    for c in to_countries:
        if c != "*" and c.lower() not in countries:
            raise CaseError(f"--ban {spec!r}: destination {c!r} is not a country of the case; expected {GRAMMAR}")
    to_countries = tuple("*" if c == "*" else countries[c.lower()] for c in to_countries)
    owners = {s.owner.lower(): s.owner for s in case.sites.values()}
    to_owners = _split(match["owners"])
    for o in to_owners:
        if o != "*" and o.lower() not in owners:
            raise CaseError(f"--ban {spec!r}: owner {o!r} owns no site of the case; expected {GRAMMAR}")
    to_owners = tuple("*" if o == "*" else owners[o.lower()] for o in to_owners)
    return Rule(rule=f"ADHOC{number}", description=f"ad-hoc ban {spec}", issuer=issuer,
                materials=tuple(dict.fromkeys(mats)), technologies=(), to_countries=to_countries,
                to_owners=to_owners, extraterritorial=bool(match["et"]), kind="ban", licence_lead_time=0,
                quota_per_period=None, status="in_force", start_period=start, end_period=case.settings.periods)


def apply_toggles(case: Case, bans: list[str], lifts: list[str], from_period: int | None = None) -> Case:
    """The case with rules put in force (--ban) or switched off (--lift), and ad-hoc bans added."""
    if from_period is not None and not 1 <= from_period <= case.settings.periods:
        raise CaseError(f"--from {from_period}: expected a period within 1..{case.settings.periods}")
    if from_period is not None and not bans:
        raise CaseError(f"--from {from_period}: it sets the period from which --ban applies, and no --ban is "
                        "given; expected --from with --ban (a --lift switches a rule off for the whole horizon)")
    rules = dict(case.rules)
    by_lower = {r.lower(): r for r in rules}
    both = sorted({by_lower[b.strip().lower()] for b in bans if b.strip().lower() in by_lower}
                  & {by_lower[x.strip().lower()] for x in lifts if x.strip().lower() in by_lower})
    if both:
        raise CaseError(f"--ban and --lift both name rule {', '.join(both)}; expected each rule in one of them "
                        "(a rule cannot be put in force and switched off at once)")
    words = []
    adhoc = 0
    for spec in bans:
        rid = by_lower.get(spec.strip().lower())
        if rid is not None:
            r = rules[rid]
            start = from_period or r.start_period
            rules[rid] = replace(r, status="in_force", start_period=start, end_period=max(r.end_period, start),
                                 keeps_scenario_windows=r.keeps_scenario_windows or r.status == "scenario")
            kind = "" if r.kind == "ban" else f" ({r.kind})"  # --ban puts a licence or quota in force as it is
            same = r.status == "in_force" and start == r.start_period
            words.append(f"ban {rid}{kind} from period {start}"
                         + (" (already in force from that period: no change)" if same else ""))
        elif ":" in spec:
            adhoc += 1
            rule = parse_adhoc(spec, case, adhoc, from_period or 1)
            rules[rule.rule] = rule
            words.append(f"ban {rule.rule} = {spec} from period {rule.start_period}")
        else:
            raise CaseError(f"--ban {spec!r}: no rule with this id (rules: {', '.join(rules) or 'none'}); "
                            f"expected {GRAMMAR}")
    for spec in lifts:
        rid = by_lower.get(spec.strip().lower())
        if rid is None:
            raise CaseError(f"--lift {spec!r}: no rule with this id (rules: {', '.join(rules) or 'none'}); "
                            f"expected {GRAMMAR}")
        was_off = rules[rid].status == "off"
        rules[rid] = replace(rules[rid], status="off")
        words.append(f"lift {rid}" + (" (already off: no change)" if was_off else ""))
    return case.with_rules(rules, tuple(words))


def only_scenario(case: Case, scenario: str, label: str | None = None) -> Case:
    """The case with one scenario left, of probability 1, with its own events (e.g. a scenario
    solved alone with perfect foresight, or the nominal world of a stress run)."""
    sc = case.scenarios[scenario]
    return replace(case, scenarios={scenario: replace(sc, probability=1.0)},
                   events=tuple(e for e in case.events if e.scenario == scenario),
                   end_stock_scenario=case.hard_end_stock_scenario,
                   toggles=case.toggles + ((label or f"scenario {scenario} alone"),))

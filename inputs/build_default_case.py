"""Build the default case workbook ``inputs/rare_earth_magnets.xlsx`` (docs/default_case.md).

Run from the repository root:  python inputs/build_default_case.py  [OUT.xlsx]

The case: "OurCo", a fictional magnet and motor maker with its own sintering plant in the United
States (OWN_US) and a bonded, DFARS-compliant strategic store next to it (OWN_WH), buys rare-earth
materials and magnets along real mine-to-magnet routes (China; Australia/Malaysia; USA; Japan;
Estonia; Vietnam; Brazil/France; Korea; UK; Germany) and serves automotive and defence magnet demand
over 36 months. Period 1 = January 2027: the DFARS rule that reaches back to mining and separation
takes effect on 2027-01-01 (period 1), the Section 301 tariff on Chinese magnets (2026-01-01) and the
entity list of 2026-06-22 are in force, USA Rare Earth owns Less Common Metals (deal closed
2025-11-18); the horizon (to December 2029) reaches the ex-China capacity sources date to 2027-2029
(Iluka Eneabba 2027, MP's 10X magnet plant 2028, Energy Fuels Phase 2 Q1 2029, Lynas's Malaysian
heavy-RE expansion).

Units: quantities in tonnes (concentrates in tonnes of contained REO), money in USD, prices and
costs in USD per tonne, time in months.

Every figure carries a source row in the workbook's ``sources`` sheet (what figure, its value, the
source, the reliability mark and, for an estimate, why it is plausible). "facts 1.4" and the like
name the section of the case's compiled fact sheet (2026-11-23, ``inputs/rare_earth_facts.md``) the
figure was taken from; the row names the original source. Marks:
  P primary, S secondary, W weak, D derived (arithmetic from other figures), M unverified default
  of the fact sheet, E our estimate for this case (no source; the note says why it is plausible).
Company names are real where the company's role in the chain is public; the volumes, prices and
contract terms offered to OurCo are estimates (E) unless stated, and no real contract is implied.

Contract terms, qualification times, penalties and crisis effects are not typed per row: they follow
the rules in the RULES section below (one place, one source row each), so that no option is cheaper
than the rule says and a sensitivity run changes one number.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.case.workbook import write_case_workbook  # noqa: E402

OUT = ROOT / "inputs" / "rare_earth_magnets.xlsx"
YES, NO = True, False
_ = None  # a blank cell (the column's default)

T = 36  # planning periods (months): January 2027 - December 2029

# ==================================================================================================
# settings
# ==================================================================================================
SETTINGS = {
    "case_name": "Rare-earth magnets: OurCo US magnet and motor plant, Jan 2027 - Dec 2029 "
                 "(USD, prices USD/t, quantities t)",
    "periods": T,
    "period_unit": "month",
    "currency": "USD",
    "origin_groups": ["free", "covered", "CN"],  # least to most controlled
    "risk_measure": "cvar_shortfall",
    "cvar_alpha": 0.9,
    "frontier_points": 11,
    # solver settings, not case data: a point's solve stops at a 1 % gap or after 60 s, so that the
    # whole frontier runs in minutes on 2 cores (docs/performance.md); a tighter run is
    # `sourcing frontier --mip-gap auto --time-limit 600`
    "time_limit_s": 60,
    "mip_gap": 0.01,
}

# Source rows collected while the tables are built: (item, value, source, reliability, note).
SOURCES: list[tuple[str, str, str, str, str]] = []


def src(item: str, value, source: str, mark: str, note: str = "") -> None:
    SOURCES.append((item, value if isinstance(value, str) else _fmt(value), source, mark, note))


def _fmt(x) -> str:
    if isinstance(x, float) and not x.is_integer():
        return f"{x:,.3g}" if abs(x) < 10 else f"{x:,.0f}"
    return f"{int(x):,}"


# ==================================================================================================
# RULES: the terms every offer, toll and build follows (each with its source row)
# ==================================================================================================
# --- qualification (months before the first order; cost paid once) --------------------------------
QUAL = {
    # class: (months, cost USD, note)
    "auto_magnet": (18, 1_500_000,
                    "a new magnet source for automotive motors: supplier PPAP 4-7 months (W: mainrichinternational "
                    "playbook) plus the OEM's motor re-validation and durability testing; the industry range is "
                    "12-24 months (facts 1.7 gives 6-18, M, for non-China suppliers): 18 is the middle of 12-24. "
                    "Cost: samples, motor builds and dyno durability tests, ~5-10 engineer-years (E)"),
    "defence_magnet": (27, 2_500_000,
                       "a magnet source that also serves DFARS demand: first-article testing, programme "
                       "requalification and mine-to-magnet traceability on top of automotive validation; the "
                       "industry range for defence is 24-30 months, 27 is its middle (E)"),
    "alloy": (12, 750_000,
              "a new strip-cast alloy source: alloy trials, sintering and magnet tests at OurCo, then a PPAP "
              "change submission to OurCo's customers (a sub-supplier change needs customer approval) (E)"),
    "feed": (9, 500_000,
             "a new oxide, metal or concentrate source (or toll route) upstream of OurCo's own alloy and magnet "
             "lines: trial lots, alloy and magnet tests, customer change notification; shorter than a magnet "
             "source because the magnet maker (OurCo) does not change (E)"),
}
src("Rule: qualification of a new automotive magnet source", "18 months, $1.5M", "industry range 12-24 months for "
    "automotive magnets; mainrichinternational 2026 (supplier PPAP 4-7 months); facts 1.7", "W/M/E",
    QUAL["auto_magnet"][2])
src("Rule: qualification of a magnet source that also serves defence", "27 months, $2.5M", "DFARS 252.225-7052 "
    "(facts 1.6); industry range 24-30 months for defence", "E", QUAL["defence_magnet"][2])
src("Rule: qualification of a new alloy source", "12 months, $0.75M", "case estimate", "E", QUAL["alloy"][2])
src("Rule: qualification of a new oxide/metal/concentrate source or toll route", "9 months, $0.5M",
    "case estimate", "E", QUAL["feed"][2])
src("Rule: capacity that a source dates later", "an offer from a plant still to be commissioned is ordered only "
    "after max(commissioning + ramp, qualification) months", "sources per offer (facts 1.5)", "S/E",
    "written as the offer's qualification_periods: qualification runs while the plant is built, so the later of "
    "the two dates decides")

# --- reserved ex-China capacity: never a free option (docs/default_case.md) ----------------------------------
TOP_SHARE = 0.5           # take-or-pay on qualified ex-China contracts: share of the reserved capacity
RESERVE_RATE = 0.10       # reservation fee (offer to qualify, Chinese content, toll): share of reserved value
CONTRACT_EXCH = 100_000   # legal and commercial cost of an ex-China contract
src("Rule: take-or-pay on a qualified ex-China contract that no Chinese rule can stop (Lynas NdPr oxide)",
    "min_per_period = 50 % of the reserved capacity",
    "case estimate", "E",
    "offtake contracts with non-Chinese producers are take-or-pay on most of the contracted volume (the DoD-MP "
    "deal is a 10-year floor price and 100 % offtake, facts 1.4/1.5, S); 50 % is the firm share we assume, and "
    "in a crisis a supplier delivers the firm share and rations the rest (see the scramble rule)")
src("Rule: reservation fee on an ex-China offer still to qualify, or with Chinese content", "10 % x capacity x "
    "price x the months it can deliver, plus $0.1M contracting", "case estimate", "E",
    "a supplier holding capacity for a buyer who may not take it loses the margin on it; ~10 % of the reserved "
    "value is of the order of a magnet or oxide maker's margin. Used instead of take-or-pay (a) on an offer still "
    "to qualify, because the model charges take-or-pay from period 1, before it can deliver, and (b) on an offer "
    "whose Chinese content a Chinese rule can block, because no buyer pays take-or-pay on goods an export "
    "control may stop (force majeure)")
src("Rule: contracting cost of an ex-China contract", "$100,000", "case estimate", "E",
    "legal, audit and commercial effort of one supply agreement")

# --- toll arrangements and own builds --------------------------------------------------------------
CAPITAL_CHARGE = 0.50     # share of a new line's capex that the 36-month plan consumes
src("Rule: toll arrangements are options, not free capacity", "exists = no; build_cost = qualification cost + "
    "10 % x toll fee x capacity x months it can run; build_periods = qualification months", "case convention",
    "E", "a toller's capacity is reserved ex-China capacity like an offer's; the route's output must be "
    "qualified like a new source (the 'build' is the contract and the qualification)")
src("Rule: cost of an own new line within the plan", "build_cost = 50 % of capex", "case estimate", "E",
    "the line outlives the 36-month plan: 3 of ~10 years of life (30 % straight-line) plus ~8 % a year cost of "
    "capital on the capital tied up (~20 %) consume ~50 % of its value; charging the whole capex to 36 months "
    "would price every build out by construction")

# --- crises: every buyer turns to the same ex-China sources (docs/default_case.md) ------------------
# A crisis has a severity: (price factor, allocation factor) on every ex-China contract offer of the
# scrambled material groups while it lasts. Spot offers keep their (small) capacity at the crisis
# price: that is the supply above a buyer's crisis allocation, at crisis prices.
SEVERITY = {"mild": (1.5, 0.7), "standard": (2.0, 0.5), "severe": (3.0, 0.3)}
SCRAMBLE_PRICE, SCRAMBLE_ALLOC = SEVERITY["standard"]
src("Rule: crisis price of ex-China heavy rare earths", "x2 (standard), x1.5 (mild), x3 (severe) on every offer of "
    "the heavy_REE group while China blocks them", "Argus via gmteight (facts 1.4): Europe Dy oxide $250-310 -> "
    "$700-1,000/kg, Tb oxide $930-1,000 -> $2,000-4,000/kg, Apr-May 2025", "S/D",
    "crisis midpoints $850/kg Dy, $3,000/kg Tb against the case's ex-China contract prices $450/kg, $1,800/kg "
    "give x1.9 and x1.7 (standard); the tops ($1,000, $4,000) give x2.2-2.2 and Rotterdam asks >$1,100/kg "
    "(Adamas, S) x2.4, so x3 is a severe crisis beyond 2025's; Adamas (S): <1 % of 2025 Dy volume traded at "
    ">= $800/kg, so contract buyers saw less than the spot peak (x1.5 mild)")
src("Rule: crisis price of ex-China magnets and alloy", "x2 (standard; x1.5 mild, x3 severe) on every offer of the "
    "magnet and magnet_material groups while China blocks them", "IEA commentary 2025-10-23 via REEx (facts "
    "1.2): Europe magnet price ~6x China's domestic after the April 2025 controls", "S/E",
    "x2 sits between the raw-material pass-through (+15-30 % for a magnet with ~2 % Dy+Tb at x2 Dy/Tb prices, D) "
    "and the spot 6x (S): contracted volumes reprice partly; x3 for a severe crisis is half of the spot 6x")
src("Rule: crisis allocation to one buyer", "capacity x0.5 (standard), x0.7 (mild), x0.3 (severe) on every ex-China "
    "contract offer of the scrambled groups", "case estimate", "E",
    "when China blocks a group every buyer turns to the same few ex-China sources; a supplier delivers contracted "
    "firm volumes (the 50 % take-or-pay share) and rations the rest. No source gives allocation shares; the "
    "three levels span the guess")
src("Rule: supply above the crisis allocation", "spot offers are not rationed, and pay the crisis price", "case "
    "convention", "E",
    "a trader's or distributor's stock on hand is sold to whoever pays (Rotterdam Dy asks >$1,100/kg in 2025, "
    "Adamas, S); its capacity is small, so buying above the allocation is possible but dear")

# --- shortfall penalties: the company's own loss --------------------------------------------------
# A tonne of magnets short costs OurCo what it would have earned on the motors and assemblies the
# magnets go into (their price less the variable costs the model does not count; the model counts
# the magnets' materials and processing, which a unit short saves), plus the charges its contracts
# would really make it pay. An export ban or licence freeze is force majeure in most supply
# contracts, so the customer's line-down cost is not OurCo's.
MOTOR_PRICE = 700             # USD per traction or auxiliary motor assembly sold to an OEM
MOTOR_OTHER_VC = 0.5          # share of the motor price that is variable cost outside the model
MAGNET_KG_PER_MOTOR = 2.0     # kg NdFeB per motor (EV traction motor: 1-2 kg)
CONTRACT_CHARGE_AUTO = 20_000  # USD per t short: premium freight, expediting, late-delivery charges
PENALTY_AUTO = round((MOTOR_PRICE * (1 - MOTOR_OTHER_VC)) / MAGNET_KG_PER_MOTOR * 1000 + CONTRACT_CHARGE_AUTO, -4)
DEFENCE_VALUE_PER_KG = 1_500  # USD of defence assembly (actuators, motors, seekers) per kg of magnet content
DEFENCE_OTHER_VC = 0.5
PENALTY_DEFENCE = round(DEFENCE_VALUE_PER_KG * (1 - DEFENCE_OTHER_VC) * 1000, -4)
src("Motor assembly price", f"${MOTOR_PRICE}/motor", "case estimate", "E",
    "a rotor-stator assembly without inverter for an EV traction or auxiliary drive sells for a few hundred to "
    "~$1,000; its 2 kg of magnets cost $100-260 at $50-130/kg (facts 1.4), consistent with magnets being a large "
    "part of a PM motor's bill of materials (Adamas 2019: PM motors have a higher bill of materials, S)")
src("Variable cost of a motor outside the model", f"{MOTOR_OTHER_VC:.0%} of its price", "case estimate", "E",
    "copper windings, steel laminations, housing, labour and energy; the magnets are in the model")
src("NdFeB per motor", "2 kg (1-2 kg per EV; other sources 1.2-3.8 kg)", "UNSPSC report; ti22strategies "
    "(facts 1.3)", "W", "the top of the 1-2 kg range gives the lower penalty per tonne")
src("Contract charges for automotive shortfall", f"${CONTRACT_CHARGE_AUTO:,}/t", "case estimate", "E",
    "premium freight, expediting and capped late-delivery charges (~10 % of the motors' value); the OEM's "
    "line-down cost ($22,000 per minute, ATS/Nielsen survey 2005; $2.3M/hour Senseye 2022, S/W) is not charged: "
    "an export ban or licence freeze is force majeure in most supply contracts")
src("Shortfall penalty, automotive magnets", f"${PENALTY_AUTO:,.0f}/t", "D from the four rows above", "D",
    f"(${MOTOR_PRICE} x {1 - MOTOR_OTHER_VC:.0%}) per motor / 2 kg + ${CONTRACT_CHARGE_AUTO:,}/t. Range: "
    "$80k/t (OurCo sells the magnets alone at ~China + tariff, facts 1.4, and pays no charge) to $500k/t (a "
    "$1,000 motor at 30 % other cost, plus a share of line-down charges where force majeure is contested); the "
    "old case's 11 M USD/t was the OEM's line-down cost, not OurCo's")
src("Defence assembly value per kg of magnet", f"${DEFENCE_VALUE_PER_KG:,}/kg", "case estimate", "E",
    "actuators, fin and seeker motors and generators for missiles, aircraft and ships carry magnets worth a small "
    "share of their price; F-35 ~920 lb of rare-earth material per aircraft (facts 1.3, S) against a ~$80M "
    "aircraft is ~$190k per kg of the aircraft, so $1,500 per kg of magnet for OurCo's sub-assemblies is low")
src("Shortfall penalty, defence magnets", f"${PENALTY_DEFENCE:,.0f}/t", "D from the row above", "D/E",
    f"${DEFENCE_VALUE_PER_KG:,}/kg x {1 - DEFENCE_OTHER_VC:.0%} contribution; no contract charge: US government "
    "contracts excuse delays caused by acts of government (FAR 52.249-14, M), and an export ban is one. "
    "Range $0.3M/t (magnets sold alone at defence prices) to $3M/t (sole-source programme, with "
    "re-procurement costs charged under a default termination)")

def usable_months(qual_months: int, lead: int) -> int:
    """Periods in which an order can still arrive within the horizon after qualification."""
    return max(0, T - qual_months - lead)


# ==================================================================================================
# countries: (country, name, origin_group)
# ==================================================================================================
COUNTRIES = [
    ("CN", "China", "CN"),
    ("RU", "Russia", "covered"),  # DFARS covered; no site in this case (sanctioned, not a source)
    ("MM", "Myanmar", "covered"),
    ("US", "United States", "free"),
    ("AU", "Australia", "free"),
    ("MY", "Malaysia", "free"),
    ("JP", "Japan", "free"),
    ("KR", "South Korea", "free"),
    ("VN", "Vietnam", "free"),
    ("EE", "Estonia", "free"),
    ("FR", "France", "free"),
    ("DE", "Germany", "free"),
    ("GB", "United Kingdom", "free"),
    ("BR", "Brazil", "free"),
]
src("Origin groups", "free < covered < CN", "DFARS 252.225-7052 covered countries CN, RU, KP, IR (facts 1.6)",
    "P/S", "CN is its own group because the Chinese rules follow Chinese origin")
src("Myanmar in 'covered'", "MM -> covered", "facts 2 (MM figures come from China's import data)", "E",
    "not a DFARS covered country, but its ionic-clay output is mined in conflict areas and separated in China; "
    "no Myanmar site in this case (a US defence supplier does not buy Kachin concentrate)")

# ==================================================================================================
# materials: (material, name, stage, unit, groups)
# Groups are what rules and events name:
#   licence_2025 = items of MOFCOM/GAC No. 18 (Apr 2025): Sm, Dy, Tb oxides, metals, alloys (DyFe),
#                  SmCo magnet materials, and magnets and alloys containing Dy/Tb, which includes the
#                  commercial NdFeB grades (~1 % Dy) (facts 1.6, P/S; vendor guidance: above 0.1 % Dy+Tb a
#                  licence per shipment, W);
#   heavy_REE    = separated heavy rare earths (Dy, Tb, Sm oxides, metals, DyFe): the crisis events name it;
#   magnet, magnet_material = finished magnets / magnet alloy (No. 61 Annex 1 Part 2; crisis events);
#   dual_use     = what China's dual-use rules (entity bans) cover: the licence_2025 items;
#   light_REE, NdPr, REE = descriptive (Nd and Pr are not on China's licence list);
#   RE_metal     = metals and alloys that keep only in an inert store (a storage option names it).
# ==================================================================================================
MATERIALS = [
    ("MREC", "Mixed rare-earth carbonate from ionic clay (Serra Verde type), t REO", "concentrate", "t REO",
     "REE"),
    ("NdPr_oxide", "NdPr oxide (PrNd oxide, 99 %)", "oxide", "t", "REE, light_REE, NdPr, dual_use"),
    ("Dy_oxide", "Dysprosium oxide (99.5 %)", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Tb_oxide", "Terbium oxide (Tb4O7, 99.99 %)", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Sm_oxide", "Samarium oxide", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("NdPr_metal", "NdPr metal", "metal", "t", "REE, light_REE, NdPr, dual_use, RE_metal"),
    ("DyFe_alloy", "Dysprosium-iron alloy (~80 % Dy)", "alloy", "t", "REE, heavy_REE, licence_2025, dual_use, RE_metal"),
    ("Tb_metal", "Terbium metal", "metal", "t", "REE, heavy_REE, licence_2025, dual_use, RE_metal"),
    ("Sm_metal", "Samarium metal", "metal", "t", "REE, heavy_REE, licence_2025, dual_use, RE_metal"),
    ("NdFeB_alloy", "Strip-cast NdFeB alloy (~31 % NdPr, ~1 % Dy)", "alloy", "t",
     "REE, magnet_material, licence_2025, dual_use, RE_metal"),
    ("NdFeB_swarf", "NdFeB grinding swarf and scrap from sintering (~30 % RE)", "alloy", "t", "REE, scrap"),
    ("NdFeB_magnet", "Sintered NdFeB magnet, commercial grade (N/M/H, ~1 % Dy)", "magnet", "t",
     "REE, magnet, NdFeB, licence_2025, dual_use"),
    ("NdFeB_HT_magnet", "Sintered NdFeB magnet, high-temperature grade (SH/UH/EH, Dy/Tb by GBD)", "magnet", "t",
     "REE, magnet, NdFeB, licence_2025, dual_use"),
    ("SmCo_magnet", "Sintered SmCo magnet (Sm2Co17)", "magnet", "t", "REE, magnet, licence_2025, dual_use"),
    ("NdFeB_HT_DyFree", "Hot-deformed NdFeB magnet without heavy REs (Daido type), for redesigned HT motors",
     "magnet", "t", "REE, magnet, NdFeB, dual_use"),
]
src("Commercial NdFeB grades under the heavy-RE licence", "NdFeB_magnet and NdFeB_alloy in licence_2025",
    "MOFCOM No. 18: magnets containing Dy/Tb are caught (osencmagnet; Holland & Knight, facts 1.6); vendor "
    "guidance: >0.1 % Dy+Tb needs a licence per shipment (mainrichinternational, W)", "P/S/W",
    "commercial sintered grades carry 0.6-1.2 wt% Dy (facts 1.3, W), far above 0.1 %")
src("Nd and Pr outside the licence regime", "NdPr oxide/metal outside licence_2025", "No. 18 lists Sm, Gd, Tb, "
    "Dy, Lu, Sc, Y; No. 57 Ho, Er, Tm, Eu, Yb (facts 1.6); FAS 2025-07-15: the April 2025 list 'did not include "
    "NdPr'", "P/S", "")
src("NdPr is dual-use for the entity bans", "NdPr_oxide, NdPr_metal in dual_use", "entity list 2026-06-22: full ban "
    "on dual-use exports to the listed companies, and no one may pass them Chinese-origin dual-use items (facts "
    "1.6, S); No. 61 Part 1 covers Chinese-origin rare earths in general (P/S)", "S/E",
    "the entity rules (CN_ENTITY_2026 in force, CN_ENTITY_OURCO in the escalation) name the buyer, and a listed "
    "buyer gets no Chinese-origin rare earth at all, NdPr included")
src("Dy-free hot-deformed magnets", "NdFeB_HT_DyFree outside licence_2025 and heavy_REE", "Honda and Daido Steel "
    "2016: hot-deformed NdFeB with no heavy rare earth in the i-DCD hybrid drive motor, mass production at "
    "Daido Electronics' Nakatsugawa line, magnet cost -10 %, weight -8 % (globalspec, autofreaks, pm-review, S); "
    "distributors: low/no-Dy/Tb grades avoid licences (adamsmagnetic, W)", "S/W",
    "a motor must be redesigned for it (Honda revised rotor and magnet shape), so it is a substitute to qualify, "
    "not a drop-in grade")

# ==================================================================================================
# sites: (site, name, country, owner, role)
# ==================================================================================================
OURCO = "OurCo"
USAR = "USA Rare Earth"
SITES = [
    # --- us ---
    ("OWN_US", "OurCo magnet and motor plant (US)", "US", OURCO, "own"),
    ("OWN_WH", "OurCo bonded strategic store, DFARS-compliant stock (US)", "US", OURCO, "warehouse"),
    # --- China ---
    ("CN_BAOTOU", "China Northern Rare Earth, Baotou (separation, metal, alloy)", "CN",
     "China Northern Rare Earth", "supplier"),
    ("CN_GANZHOU", "China Rare Earth Group, Ganzhou (heavy RE separation, Dy/Tb metals)", "CN",
     "China Rare Earth Group", "supplier"),
    ("CN_JLMAG", "JL Mag Rare-Earth, Ganzhou (sintered NdFeB)", "CN", "JL Mag Rare-Earth", "supplier"),
    ("CN_NINGBO", "Ningbo Yunsheng (sintered NdFeB)", "CN", "Ningbo Yunsheng", "supplier"),
    ("CN_HANGZHOU", "Hangzhou Permanent Magnet Group (SmCo)", "CN", "Hangzhou Permanent Magnet Group",
     "supplier"),
    # --- Australia / Malaysia ---
    ("MY_GEBENG", "Lynas Malaysia, Gebeng/Kuantan (separation, HRE circuit)", "MY", "Lynas Rare Earths",
     "supplier"),
    ("AU_ENEABBA", "Iluka Eneabba refinery (WA, commissioning 2027)", "AU", "Iluka Resources", "supplier"),
    # --- United States ---
    ("US_MTPASS", "MP Materials, Mountain Pass CA (mine, separation)", "US", "MP Materials", "supplier"),
    ("US_INDEPENDENCE", "MP Materials Independence, Fort Worth TX (NdPr metal, magnets)", "US",
     "MP Materials", "supplier"),
    ("US_WHITEMESA", "Energy Fuels White Mesa mill UT (monazite separation)", "US", "Energy Fuels", "supplier"),
    ("US_STILLWATER", "USA Rare Earth, Stillwater OK (sintered NdFeB, toll)", "US", USAR, "processor"),
    ("US_SUMTER", "e-VAC (VAC), Sumter SC (sintered NdFeB)", "US", "VAC", "supplier"),
    ("US_SANMARCOS", "Noveon Magnetics, San Marcos TX (recycled sintered NdFeB)", "US", "Noveon Magnetics",
     "supplier"),
    ("US_ARNOLD", "Arnold Magnetic Technologies, Rochester NY (SmCo)", "US", "Arnold Magnetic Technologies",
     "supplier"),
    ("US_AVEOX", "Aveox, California (motors and drives for UAVs)", "US", "Aveox", "customer"),
    ("US_10X", "MP Materials 10X magnet facility (commissioning 2028)", "US", "MP Materials", "supplier"),
    ("US_DLA", "Defense Logistics Agency, National Defense Stockpile (magnet block)", "US",
     "Defense Logistics Agency", "supplier"),
    # --- Japan ---
    ("JP_SANTOKU", "Santoku Corporation, Kobe (strip-cast NdFeB alloy)", "JP", "Santoku", "supplier"),
    ("JP_TAKEFU", "Shin-Etsu Chemical, Takefu (sintered NdFeB)", "JP", "Shin-Etsu Chemical", "supplier"),
    ("JP_PROTERIAL", "Proterial (ex-Hitachi Metals) magnet plant", "JP", "Proterial", "supplier"),
    ("JP_DAIDO", "Daido Electronics, Nakatsugawa (hot-deformed NdFeB)", "JP", "Daido Steel", "supplier"),
    # --- Korea / Vietnam ---
    ("KR_KMP", "ASM Korean Metals Plant, Ochang (NdPr metal, toll)", "KR", "Australian Strategic Materials",
     "processor"),
    ("VN_SMMV", "Shin-Etsu Magnetic Materials Vietnam, Hai Phong (sintered NdFeB)", "VN", "Shin-Etsu Chemical",
     "supplier"),
    ("VN_VTRE", "Vietnam Rare Earth JSC (VTRE), Hanoi (RE metals)", "VN", "Vietnam Rare Earth JSC", "supplier"),
    # --- Europe ---
    ("EE_SILMET", "Neo Performance Materials, Silmet, Sillamae (separation)", "EE", "Neo Performance Materials",
     "supplier"),
    ("EE_NARVA", "Neo Performance Materials magnet plant, Narva (sintered NdFeB)", "EE",
     "Neo Performance Materials", "supplier"),
    ("FR_LAROCHELLE", "Solvay, La Rochelle (separation, toll; Sm)", "FR", "Solvay", "processor"),
    ("GB_LCM", "Less Common Metals (USA Rare Earth), Ellesmere Port (metals, strip-cast alloy, toll)", "GB",
     USAR, "processor"),
    ("DE_TRADIUM", "TRADIUM, Frankfurt (rare-earth metals trader, Chinese-origin stock)", "DE", "TRADIUM",
     "supplier"),
    # --- Brazil ---
    ("BR_SERRAVERDE", "Serra Verde, Minacu GO (ionic-clay MREC)", "BR", "Serra Verde", "supplier"),
]
src("Site owners", "real companies in their public roles", "facts 1.5 (S/W); company sites", "S/W",
    "OurCo is fictional")
src("Less Common Metals owner", USAR, "USA Rare Earth release 2025-11-18 'completes acquisition of Less Common "
    "Metals' (investing.com copy); UK approval 2025-11-12 (investingnews); deal announced 2025-09-29 "
    "(rawmaterials.net, inkl)", "S",
    "the deal closed before period 1 (Jul 2026), so LCM's site belongs to USA Rare Earth and the 2026-06-22 entity "
    "ban reaches it: no Chinese-origin dual-use item may be passed to it (not in the facts file; found in the "
    "stored web pages)")
src("Aveox as a site", "US_AVEOX (no flows in this case)", "entity list 2026-06-22 names Aveox with MP "
    "Materials and USA Rare Earth (facts 1.6, S)", "S",
    "a site so that CN_ENTITY_2026 can name its owner; OurCo neither buys from nor sells to Aveox here (a "
    "customer relationship would be an invented figure). Aveox makes motors and drives for UAVs; its location in "
    "California is from memory (M)")
src("Lynas Seadrift (Texas) heavy-RE plant", "not in the case", "Lynas FY2025 results 2025-08-27: 'significant "
    "uncertainty as to whether construction of the Seadrift processing facility will proceed' (Northern Miner, "
    "S); offtake talks with DoD stalled, 'unlikely to go ahead under current conditions' (samarium.dev "
    "2025-11-28, W/S)", "S/W",
    "Lynas serves US buyers of heavy rare earths from Malaysia instead (Northern Miner, S): its Malaysian HRE "
    "expansion is the Lynas heavy-RE line in this case")

# ==================================================================================================
# offers
# ==================================================================================================
# Each offer: its price, capacity, lead time and origin, with sources; its contract terms follow the
# RULES by kind:
#   "cn"      Chinese incumbent contract, sold by the order: no reservation; contracting cost as given;
#   "exq"     ex-China contract already qualified: take-or-pay TOP_SHARE x capacity, CONTRACT_EXCH;
#   "exf"     ex-China contract already qualified whose Chinese content a Chinese rule can block: a
#             reservation fee instead of take-or-pay (no buyer pays take-or-pay on goods an export
#             control may stop; force majeure);
#   "exn"     ex-China offer still to qualify (class): qualification per QUAL, reservation fee;
#   "spot"    no contract (a trader's or spot seller's price, with its premium).
# origin: where the rare earths really come from (blank = the site's country).
CHINA_REF = {  # China's price of the same item, USD/t (for the notes)
    "NdPr_oxide": 60_000, "NdPr_metal": 74_000, "Dy_oxide": 230_000, "Tb_oxide": 970_000,
    "DyFe_alloy": 228_000, "Tb_metal": 1_200_000, "NdFeB_alloy": 31_000, "NdFeB_magnet": 50_000,
    "NdFeB_HT_magnet": 95_000, "SmCo_magnet": 120_000,
}

TARIFF_301 = 0.25  # Section 301 duty on Chinese-origin permanent magnets imported into the US, from 2026-01-01
src("Section 301 tariff on Chinese permanent magnets", "+25 % on the price of every magnet offer made in China "
    "(NdFeB HTS 8505.19, SmCo 8505.11), in force from 2026-01-01", "USTR four-year review, White House 2024-05-14 "
    "(Fastmarkets 2024-05, S); duramag 2025-12-16 and adamsmagnetic: the exemption of HTS 8505.11/8505.19 ends "
    "on 2026-01-01, additive to other duties (S/W); mademagnet 2026-02-06: in force (W)", "S/W",
    "applied to the five offers from Chinese magnet makers; not to magnets sintered in Vietnam or Japan from "
    "Chinese material (the duty follows the country of origin of the magnet, where it is made); the IEEPA "
    "'fentanyl' and universal tariffs (adamsmagnetic 2025-06, W) are left out as changeable by executive action")

OFFER_SPECS = [
    # (offer, site, material, price, capacity, lead, kind, class / (class, months before first order) or
    #  contracting cost, origin, price source, price mark, capacity/other note, its mark)
    # --- China (CN origin): OurCo's incumbent suppliers ---
    ("CNR_NDPR_OX", "CN_BAOTOU", "NdPr_oxide", 60_000, 80, 1, "cn", 50_000, _,
     "SMM PrNd oxide CNY 433-437k/t = ~$60/kg, 2025-04-10 (facts 1.4)", "S",
     "OurCo's allocation (E); China's 2024 separation quota 254 kt REO caps China's supply, not OurCo's (S)", "E"),
    ("CNR_NDPR_METAL", "CN_BAOTOU", "NdPr_metal", 74_000, 80, 1, "cn", 50_000, _,
     "SMM PrNd metal CNY 531-535k/t = ~$74/kg, 2025-04-10 (facts 1.4)", "S", "OurCo's allocation", "E"),
    ("CNR_ALLOY", "CN_BAOTOU", "NdFeB_alloy", 31_000, 80, 1, "cn", 50_000, _,
     "0.31 t NdPr metal x $74k + 0.012 t DyFe x $228k + ~$5k Fe/B/casting (facts 1.3/1.4)", "D",
     "OurCo's allocation", "E"),
    ("CNR_SM_METAL", "CN_BAOTOU", "Sm_metal", 20_000, 4, 1, "cn", 50_000, _,
     "no Sm price in the facts file", "E", "OurCo's allocation", "E"),
    ("CREG_DY_OX", "CN_GANZHOU", "Dy_oxide", 230_000, 3, 1, "cn", 50_000, _,
     "SMM Dy oxide CNY 1.68-1.70M/t = ~$230/kg, 2025-04-10 (facts 1.4); 96 % of 2025 volume at ~$224/kg "
     "(Adamas, S)", "S",
     "its only use here was tolling at LCM, which the entity ban now forbids (LCM belongs to USA Rare Earth)", "E"),
    ("CREG_DYFE", "CN_GANZHOU", "DyFe_alloy", 228_000, 4, 1, "cn", 50_000, _,
     "SMM DyFe CNY 1.63-1.65M/t, 2025-04-10 (facts 1.4)", "S", "OurCo's allocation", "E"),
    ("CREG_TB_METAL", "CN_GANZHOU", "Tb_metal", 1_200_000, 0.8, 1, "cn", 50_000, _,
     "SMM Tb metal CNY 8.6-8.7M/t = ~$1,200/kg, 2025-04-10 (facts 1.4)", "S", "OurCo's allocation", "E"),
    ("JLMAG_MAG", "CN_JLMAG", "NdFeB_magnet", 50_000, 120, 2, "cn", 100_000, _,
     "RE content ~$40k/t + sintering; commodity N35 $19.5-22/kg (W) is a floor (facts 1.3/1.4); before the "
     "Section 301 duty", "E/D",
     "OurCo's allocation; lead 4-8 weeks ex-China (facts 1.7, M)", "E/M"),
    ("JLMAG_HT", "CN_JLMAG", "NdFeB_HT_magnet", 95_000, 50, 2, "cn", 100_000, _,
     "HT premium 2-3x N grades (mcmagnets, W; facts 1.4), here ~1.9x; before the Section 301 duty", "E",
     "OurCo's allocation", "E"),
    ("NINGBO_MAG_SPOT", "CN_NINGBO", "NdFeB_magnet", 62_000, 40, 1, "spot", _, _,
     "spot premium ~25 % over contract; before the Section 301 duty", "E", "spot availability", "E"),
    ("HPMG_SMCO", "CN_HANGZHOU", "SmCo_magnet", 120_000, 4, 2, "cn", 50_000, _,
     "no SmCo price in the facts file; before the Section 301 duty", "E", "OurCo's allocation", "E"),
    # --- Lynas (Mt Weld ore separated in Malaysia; MY origin) ---
    ("LYNAS_NDPR_OX", "MY_GEBENG", "NdPr_oxide", 80_000, 40, 1, "exq", _, _,
     "Argus Europe NdPr oxide $82.5-85/kg, 2025-09-25 (facts 1.4)", "S",
     "Lynas NdPr 6,558 t in FY25 (S); 40 t/month = ~7 % of it", "S/E"),
    ("LYNAS_DY_OX", "MY_GEBENG", "Dy_oxide", 450_000, 0.4, 1, "exn", "feed", _,
     "between China $230/kg and Europe's 2025 peak $700-1,000/kg (Argus, S); Lynas: prices 'expected to "
     "reflect strong demand outside China' (australianmining 2025-05-16, S)", "E",
     "Lynas first Dy oxide May 2025; no Dy/Tb capacity disclosed (Fastmarkets 2024-06, S); HRE circuit fed by "
     "1,500 t/yr SEGH (S); Mt Weld ore is poor in Dy (M), so tens of t/yr in all; 0.4 t/month is a tenth to a "
     "fifth of that", "S/E"),
    ("LYNAS_TB_OX", "MY_GEBENG", "Tb_oxide", 1_800_000, 0.08, 1, "exn", "feed", _,
     "Europe Tb oxide $930-1,000 -> $2,000-4,000/kg, Apr-May 2025 (Argus, S); China ~$970/kg (SMM, S)", "E",
     "Tb is a fifth of Dy in light-RE ores (M); as for Dy", "E"),
    ("LYNAS_HRE2_DY_OX", "MY_GEBENG", "Dy_oxide", 450_000, 0.6, 1, "exn", ("feed", 18), _,
     "as LYNAS_DY_OX", "E",
     "Lynas Malaysia HRE expansion, MYR 500M (~$120M) for 5,000 t/yr of HRE feedstock (lcdproduct, W); Lynas "
     "serves US heavy-RE buyers from Malaysia as Seadrift stalls (Northern Miner 2025-08, S); ready mid-2028 "
     "(month 19) is our estimate (E); OurCo's share as for LYNAS_DY_OX", "W/S/E"),
    ("LYNAS_HRE2_TB_OX", "MY_GEBENG", "Tb_oxide", 1_800_000, 0.12, 1, "exn", ("feed", 18), _,
     "as LYNAS_TB_OX", "E", "as LYNAS_HRE2_DY_OX, Tb a fifth of Dy (M)", "W/E"),
    # --- Iluka (AU), Eneabba refinery commissioning 2027 ---
    ("ILUKA_NDPR_OX", "AU_ENEABBA", "NdPr_oxide", 82_000, 40, 1, "exn", ("feed", 12), _,
     "ex-China oxide price as Argus Europe (S), less volume", "E",
     "Eneabba 12,100-18,400 t/yr REO incl. NdPr, Dy, Tb, commissioning 2027 (metalnomist, NS Energy, S): "
     "first orders after 12 months (commissioning late 2027, E)", "S/E"),
    ("ILUKA_DY_OX", "AU_ENEABBA", "Dy_oxide", 450_000, 0.5, 1, "exn", ("feed", 15), _,
     "as LYNAS_DY_OX", "E",
     "Eneabba makes Dy and Tb oxide from monazite/xenotime feed (S); the heavy circuit a quarter after the "
     "light one (E); 0.5 t/month for OurCo (E)", "S/E"),
    ("ILUKA_TB_OX", "AU_ENEABBA", "Tb_oxide", 1_800_000, 0.1, 1, "exn", ("feed", 15), _,
     "as LYNAS_TB_OX", "E", "as ILUKA_DY_OX", "S/E"),
    # --- MP Materials (US), on China's entity list (buying from MP is allowed) ---
    ("MP_NDPR_OX", "US_MTPASS", "NdPr_oxide", 85_000, 15, 1, "exn", "feed", _,
     "ex-China market ~$85/kg (Argus Europe 2025-09, S). MP's $110/kg floor is paid by the DoD: it pays MP the "
     "difference between $110/kg and the market price (Nasdaq 2025-07-14; MP release via REEx forum, S), so a "
     "buyer pays the market, not the floor", "S/E",
     "Mountain Pass 1,294 t NdPr oxide 2024 (MP release, P); MP stopped shipping concentrate to China 2025-04-17 "
     "(Reuters via steelprices.com, S), so no concentrate offer in this case", "P/S"),
    ("MP_NDPR_METAL", "US_INDEPENDENCE", "NdPr_metal", 110_000, 10, 1, "exn", "feed", _,
     "~$85/kg oxide / 0.857 + reduction, which is also the $110/kg floor (S)", "E",
     "Independence NdPr metal from Dec 2024 (Fastmarkets, MP 10-K, S)", "S"),
    ("MP_10X_HT", "US_10X", "NdFeB_HT_magnet", 180_000, 5, 1, "exn", ("defence_magnet", 20), _,
     "ex-China HT grade, above eVAC's; the DoD shares 30 % of the upside above the floor (Nasdaq, S)", "E",
     "10X: magnet capacity to 10,000 t/yr, commissioning 2028; DoD ensures 100 % of its magnets are bought by "
     "defence and commercial customers for 10 years (MP release via REEx forum, S): OurCo's DFARS programmes "
     "are such customers. Origin US: MP is on China's entity list, so no Chinese-origin Dy/Tb may reach it, and "
     "it separates heavy REs at Mountain Pass ($150M DoD loan, S) (D). 5 t/month for OurCo (E)", "S/D/E"),
    # --- Energy Fuels (US): Phase 1 now, Phase 2 (heavy REs) from Q1 2029 ---
    ("EF_NDPR_OX", "US_WHITEMESA", "NdPr_oxide", 85_000, 20, 1, "exn", "feed", _,
     "ex-China oxide price as Argus Europe (S)", "E",
     "White Mesa Phase 1 850-1,000 t/yr NdPr (Engineering News 2024, S)", "S"),
    ("EF_P2_NDPR_OX", "US_WHITEMESA", "NdPr_oxide", 85_000, 30, 1, "exn", ("feed", 27), _,
     "as EF_NDPR_OX", "E",
     "Phase 2 BFS (Jan 2026): >6,000 t/yr NdPr, commissioning Q1 2029 (S): first orders in April 2029 (month "
     "28); 30 t/month = 6 % of it (E)", "S/E"),
    ("EF_P2_DY_OX", "US_WHITEMESA", "Dy_oxide", 450_000, 0.6, 1, "exn", ("feed", 27), _,
     "as LYNAS_DY_OX", "E", "Phase 2: ~240 t/yr Dy (S); 0.6 t/month = 3 % of it (E)", "S/E"),
    ("EF_P2_TB_OX", "US_WHITEMESA", "Tb_oxide", 1_800_000, 0.15, 1, "exn", ("feed", 27), _,
     "as LYNAS_TB_OX", "E", "Phase 2: ~66 t/yr Tb (S); 0.15 t/month = 3 % of it (E)", "S/E"),
    # --- Neo Performance (EE) ---
    ("NEO_NDPR_OX", "EE_SILMET", "NdPr_oxide", 85_000, 15, 1, "exn", "feed", _,
     "ex-China oxide price as Argus Europe (S)", "E", "Silmet ~3,000 t/yr light-RE separation (Argus, S)", "S"),
    ("NEO_NARVA_MAG", "EE_NARVA", "NdFeB_magnet", 80_000, 40, 2, "exn", "auto_magnet", "CN",
     "ex-China commercial magnet, ~1.6x China", "E",
     "Narva phase 1 2,000 t/yr, ramp 2026 (Argus, S). Origin CN: Silmet separates light REs only (S), so the "
     "magnets' Dy comes from elsewhere, mostly China (E)", "S/E"),
    # --- Serra Verde (BR) MREC, separated by toll at Solvay La Rochelle ---
    ("SERRA_MREC", "BR_SERRAVERDE", "MREC", 12_000, 30, 1, "exn", "feed", _,
     "MREC payability; Nd, Pr, Tb, Dy are >85 % of the concentrate's value (mining.com, S)", "E",
     "Serra Verde >=5,000 t/yr REO at full rate; offtakes for a large share already placed (mining.com, "
     "Fastmarkets via miningsee, S); 30 t REO/month = 7 %; the route to La Rochelle is our assumption", "S/E"),
    # --- Solvay (FR) samarium ---
    ("SOLVAY_SM_OX", "FR_LAROCHELLE", "Sm_oxide", 60_000, 3, 1, "exn", "feed", _,
     "no Sm price in the facts file; ex-China premium", "E",
     "La Rochelle magnet-RE line opened 2025-04-09 (Solvay release, S)", "S"),
    # --- Japan: Japanese makers buy much of their Dy/Tb from China (origin CN) ---
    ("SANTOKU_ALLOY", "JP_SANTOKU", "NdFeB_alloy", 45_000, 30, 1, "exn", "alloy", "CN",
     "non-China NdPr metal ~$105k/t x 0.31 + DyFe + casting", "E",
     "origin CN: Japan relies on China for ~70 % of its RE supply (feedzop 2026-01, W)", "W/E"),
    ("SHINETSU_HT", "JP_TAKEFU", "NdFeB_HT_magnet", 140_000, 6, 2, "exf", _, "CN",
     "small allocation of a Japanese HT grade, ~1.5x China", "E",
     "OurCo's incumbent Japanese supply (qualified). Origin CN: its Dy/Tb largely Chinese (W, as above), so it "
     "cannot serve DFARS demand and Chinese rules reach it", "W/E"),
    ("SHINETSU_HT_SPOT", "JP_TAKEFU", "NdFeB_HT_magnet", 180_000, 3, 2, "spot", _, "CN",
     "spot premium ~30 % over Shin-Etsu's contract price", "E",
     "what a Japanese maker sells beyond its contracted allocations from stock; origin CN as SHINETSU_HT", "E"),
    ("PROTERIAL_HT", "JP_PROTERIAL", "NdFeB_HT_magnet", 150_000, 10, 2, "exn", "auto_magnet", "CN",
     "Japanese HT grade", "E", "Proterial capacity not disclosed (W); origin CN as for Shin-Etsu", "W/E"),
    ("DAIDO_DYFREE", "JP_DAIDO", "NdFeB_HT_DyFree", 125_000, 10, 2, "exf", _, "CN",
     "Japanese HT price less Honda's -10 % magnet cost (S)", "E",
     "Daido Electronics mass-produces hot-deformed magnets at Nakatsugawa (S); 10 t/month for OurCo (E). Usable "
     "only once the substitute (motor redesign) is qualified, which also qualifies the source. Origin CN: its "
     "NdPr, as Japan's, is largely Chinese (W); no Dy/Tb, so no heavy-RE licence", "S/W/E"),
    # --- Vietnam: Chinese-origin feed ---
    ("SMMV_MAG", "VN_SMMV", "NdFeB_magnet", 70_000, 40, 2, "exf", _, "CN",
     "ex-China commercial magnet, ~1.4x China", "E",
     "Shin-Etsu Vietnam 2,200 t/yr (Shin-Etsu release, P/W); feed assumed Chinese-origin (E); incumbent", "P/E"),
    ("VTRE_NDPR_METAL_SPOT", "VN_VTRE", "NdPr_metal", 80_000, 15, 1, "spot", _, "CN",
     "spot premium over China's $74k", "E", "metal reduced in Vietnam from Chinese oxide", "E"),
    # --- European trader selling Chinese-origin stock ---
    ("TRADIUM_DYFE_SPOT", "DE_TRADIUM", "DyFe_alloy", 320_000, 1, 0, "spot", _, "CN",
     "Rotterdam asks >$1,100/kg Dy oxide in 2025 but <1 % of volume traded there (Adamas, S)", "E",
     "a trader's stock of Chinese-origin metal", "E"),
    ("TRADIUM_TB_SPOT", "DE_TRADIUM", "Tb_metal", 1_700_000, 0.2, 0, "spot", _, "CN",
     "trader's premium over China's $1,200/kg", "E", "a trader's stock of Chinese-origin metal", "E"),
    # --- US magnet makers ---
    ("EVAC_HT", "US_SUMTER", "NdFeB_HT_magnet", 160_000, 15, 1, "exn", "auto_magnet", "CN",
     "ex-China HT grade, ~1.7x China", "E",
     "eVAC Sumter: DoD $94.1M + 48C $111.8M, operations late 2025, ~2,000 t/yr, GM offtake (Fastmarkets S; "
     "investornews W). Origin CN: no source says where its Dy/Tb comes from, and a non-Chinese magnet maker's "
     "Dy/Tb is Chinese unless a source says otherwise, so it serves automotive demand only", "S/W/E"),
    ("NOVEON_MAG", "US_SANMARCOS", "NdFeB_magnet", 110_000, 20, 1, "exn", "auto_magnet", "CN",
     "Noveon 2,000 t/yr ~ $250M revenue -> ~$125/kg (noveon.co, S/D), less volume", "D",
     "recycled from end-of-life magnets (noveon.co, S), which are ~90 % Chinese-made (China 94 % of magnet "
     "making, IEA 2025, S): recycled feed keeps its feed's origin, CN; Nidec takes 1,000 t over 5 years (S)",
     "S/D"),
    ("ARNOLD_SMCO", "US_ARNOLD", "SmCo_magnet", 250_000, 2, 2, "exn", "auto_magnet", "CN",
     "no SmCo price in the facts file", "E",
     "origin CN: China dominates samarium and no non-Chinese Sm source of Arnold's is in the corpus (E); "
     "melted in the US but not DFARS-compliant under the 2027 rule (mined and separated in China): it serves "
     "the commercial SmCo demand, and qualifies as a commercial magnet source", "E"),
    ("DLA_NDS_HT", "US_DLA", "NdFeB_HT_magnet", 250_000, 1, 1, "spot", _, _,
     "DLA sells stockpile material at replacement cost or above (E): the dearest ex-China HT price, x1.4", "E",
     "the National Defense Stockpile holds or buys 'varying amounts' of NdFeB magnet block (USGS MCS 2025, P); "
     "DoD sought a rotating 6-month NdFeB magnet buffer (Reuters 2019-12, S). Released to a DFARS programme only "
     "while China blocks heavy REs (an outage of factor 0 in every other month), ~1 t/month (E). Origin US: "
     "stockpile material is DFARS-compliant (E). Block needs machining and magnetising at OurCo: in the price",
     "P/S/E"),
    # --- Less Common Metals (GB, USA Rare Earth): strip-cast alloy ---
    ("LCM_ALLOY", "GB_LCM", "NdFeB_alloy", 45_000, 8, 1, "exq", _, _,
     "0.31 t non-China NdPr metal x $110k + 0.012 t DyFe x ~$460k + ~$5k casting (D from E prices)", "D/E",
     "LCM makes strip-cast alloy for magnet makers in Europe and the US (USAR release 2025-11-18, S). Origin GB: "
     "as a USA Rare Earth site under the entity ban it may receive no Chinese-origin item, so its feed is "
     "non-Chinese (D); 8 t/month is a share of a small plant (E). Qualified (incumbent): OurCo serves DFARS "
     "demand today and its clean store holds 30 t of clean alloy, so it already has a qualified clean alloy "
     "source, and LCM is the one Western strip-caster in the corpus (D); as a qualified ex-China contract it "
     "carries the take-or-pay rule", "S/D/E"),
]


SITE_COUNTRY = {s[0]: s[2] for s in SITES}
MATERIAL_STAGE = {m[0]: m[2] for m in MATERIALS}
src("Offer capacities and lead times", "OurCo's allocation, t/month; lead 0-2 months", "plant nameplates in facts "
    "1.5 (S/W); lead times 4-8 weeks for standard sintered NdFeB ex-China (facts 1.7, M)", "E/M",
    "an allocation is what one mid-size buyer (~1,600 t/yr of magnets) can plausibly contract: a few % to ~15 % "
    "of a plant's output, never its nameplate; oxides and metals ~1 month, magnets ~2 months from Asia")


def build_offers():
    offers = []
    for (oid, site, mat, price, cap, lead, kind, term, origin, p_src, p_mark, c_note, c_mark) in OFFER_SPECS:
        in_china = SITE_COUNTRY[site] == "CN"
        magnet = MATERIAL_STAGE[mat] == "magnet"
        base = price
        if in_china and magnet:
            price = round(price * (1 + TARIFF_301), -2)
        row = {"offer": oid, "site": site, "material": mat, "price": price, "capacity_per_period": cap,
               "lead_time": lead, "origin_country": origin, "qualified": YES, "spot": kind == "spot"}
        src(f"offers {oid}: price", f"{price:,} USD/t" + (f" = {base:,} + 25 % Section 301" if price != base else ""),
            p_src, p_mark,
            f"China's price of the same item: {CHINA_REF[mat]:,} USD/t" if mat in CHINA_REF and not in_china else "")
        src(f"offers {oid}: capacity and lead time", f"{_fmt(cap)} t/month, lead {lead} month(s)"
            + (f", origin {origin}" if origin else ""), c_note, c_mark,
            "see 'Offer capacities and lead times'" if "E" in c_mark else "")
        if kind == "cn":
            row["fixed_cost"] = term
            src(f"offers {oid}: contract terms", f"contracting ${term:,}; no reservation", "case estimate", "E",
                "incumbent Chinese supplier selling by the order: an annual agreement, no reserved capacity")
        elif kind == "exq":
            row["min_per_period"] = TOP_SHARE * cap
            row["fixed_cost"] = CONTRACT_EXCH
            src(f"offers {oid}: contract terms", f"take-or-pay {_fmt(TOP_SHARE * cap)} t/month, contracting "
                f"${CONTRACT_EXCH:,}", "rule: take-or-pay on a qualified ex-China contract", "E",
                "qualified today: the take-or-pay applies from period 1 (suspended by force majeure in an outage)")
        elif kind in ("exn", "exf"):
            if kind == "exf":
                months = 0
            else:
                if isinstance(term, tuple):  # (class, months before the plant can deliver)
                    cls_months, qcost, _note = QUAL[term[0]]
                    months = max(cls_months, term[1])
                    cls = (f"{term[0]}, {cls_months} months, while the plant is commissioned ({term[1]} months); "
                           "the later decides")
                else:
                    months, qcost, _note = QUAL[term]
                    cls = term
                row.update(qualified=NO, qualification_periods=months, qualification_cost=qcost)
                src(f"offers {oid}: qualification", f"{months} months, ${qcost:,}", f"rule: qualification ({cls})",
                    "E", f"orders from month {months + 1}")
            usable = usable_months(months, lead)
            fee = RESERVE_RATE * cap * price * usable
            row["fixed_cost"] = round(CONTRACT_EXCH + fee, -3)
            src(f"offers {oid}: reservation fee", f"${row['fixed_cost']:,.0f}",
                "rule: reservation fee (10 % x capacity x price x months it can deliver) + contracting", "D/E",
                f"10 % x {_fmt(cap)} t x ${price:,} x {usable} months + ${CONTRACT_EXCH:,}")
        else:  # spot
            src(f"offers {oid}: contract terms", "spot: no contract, any period at its price", "case convention",
                "E", "a spot seller's capacity is what it has on hand; a crisis raises its price, not its "
                "allocation (see 'Rule: supply above the crisis allocation')")
        offers.append(row)
    return offers


OFFERS = build_offers()

# ==================================================================================================
# processes: (process, site, output, capacity t/month, cost USD/t output, exists, capex or qualification
#             class, build_periods, technology, technology_origin, note, mark)
# Own lines: build_cost = CAPITAL_CHARGE x capex. Toll arrangements (exists = no): build_cost = the
# class's qualification cost + RESERVE_RATE x toll x capacity x months it can run; build_periods = the
# class's qualification months (0: already qualified).
# ==================================================================================================
PROCESS_SPECS = [
    # --- OurCo, existing lines ---
    ("OWN_SINTER_STD", "OWN_US", "NdFeB_magnet", 60, 12_000, "exists", _, "NdFeB_magnet_prep", "JP",
     "existing sintering line, Japanese licensed process; cost of sintering, machining, coating", "E"),
    ("OWN_GBD_HT", "OWN_US", "NdFeB_HT_magnet", 25, 18_000, "exists", _, "GBD_diffusion", "JP",
     "existing grain-boundary-diffusion HT line", "E"),
    ("OWN_SMCO", "OWN_US", "SmCo_magnet", 5, 40_000, "exists", _, "SmCo_magnet_prep", "US",
     "existing SmCo line; cost includes ~0.6 t cobalt per t", "E"),
    # --- OurCo, buildable (capex, build months incl. ~6 months of customer requalification) ---
    ("OWN_STRIPCAST_JP", "OWN_US", "NdFeB_alloy", 120, 4_000, ("capex", 15_000_000), 15, "RE_metal_alloy", "JP",
     "strip caster with Japanese technology: capex $15M (E); ~9 months to install and commission plus ~6 months "
     "of requalification of the magnets made from own alloy (E)", "E"),
    ("OWN_STRIPCAST_CN", "OWN_US", "NdFeB_alloy", 120, 3_500, ("capex", 9_000_000), 12, "RE_metal_alloy", "CN",
     "cheaper turnkey Chinese strip caster: forbidden by the 2023 technology ban (S)", "E"),
    ("OWN_SINTER_CNEQ", "OWN_US", "NdFeB_magnet", 50, 10_000, ("capex", 30_000_000), 12, "RE_equipment", "CN",
     "sintering expansion on Chinese HD furnaces and jet mills (No. 56 list, suspended, S); capex $30M (E)", "E"),
    ("OWN_GBD_JP", "OWN_US", "NdFeB_HT_magnet", 30, 16_000, ("capex", 45_000_000), 18, "GBD_diffusion", "JP",
     "HT sintering + GBD expansion with Japanese technology: capex $45M (E; eVAC's whole plant >$500M, S); "
     "12 months to build plus 6 of requalification (E)", "E"),
    # --- toll arrangements at other companies' plants (options: contract + qualification) ---
    ("SEP_SOLVAY_TOLL", "FR_LAROCHELLE", "NdPr_oxide", 8, 9_000, ("toll", "feed"), _, "RE_separation", "FR",
     "La Rochelle magnet-RE line, 'several hundred t' in 2025, ~4,500 t/yr targeted by 2030 (Solvay release, "
     "Reuters copy, S); 8 t NdPr/month for OurCo (E); separates Serra Verde MREC into NdPr with Dy and Tb oxide "
     "co-products", "S/E"),
    ("MET_KMP_NDPR", "KR_KMP", "NdPr_metal", 20, 9_000, ("toll", "feed"), _, "RE_metal_alloy", "KR",
     "ASM Korean Metals Plant toll reduction of oxide to NdPr metal (volumes E)", "E"),
    ("MET_LCM_DYFE", "GB_LCM", "DyFe_alloy", 3, 20_000, ("toll", "feed"), _, "RE_metal_alloy", "GB",
     "LCM DyFe (LCM makes Dy metal and alloys, S); toll E", "S/E"),
    ("MET_LCM_TB", "GB_LCM", "Tb_metal", 0.5, 40_000, ("toll", "feed"), _, "RE_metal_alloy", "GB",
     "LCM Tb metal (LCM supplies Tb, metalnomist 2025-12, S); toll E", "S/E"),
    ("MET_LCM_SM", "GB_LCM", "Sm_metal", 3, 15_000, ("toll", 0), _, "RE_metal_alloy", "GB",
     "LCM Sm metal (its specialty, USAR release, S): OurCo's clean Sm metal in store came this way, so the route "
     "is qualified (build_periods 0), but its reserved capacity is paid for", "S/E"),
    ("USAR_SINTER_TOLL", "US_STILLWATER", "NdFeB_magnet", 20, 20_000, ("toll", "auto_magnet"), _,
     "NdFeB_magnet_prep", "JP",
     "USA Rare Earth Stillwater 1,200 t/yr initial, ex-Hitachi equipment (minelistings, W/S); toll on our alloy "
     "(E); on China's entity list, so only non-Chinese alloy may go there", "W/S/E"),
    ("NOVEON_SWARF_TOLL", "US_SANMARCOS", "NdFeB_magnet", 8, 60_000, ("toll", "auto_magnet"), _,
     "NdFeB_recycling", "US",
     "Noveon magnet-to-magnet recycling (2,000 t/yr built, S) of OurCo's sintering swarf; Noveon's published feed "
     "is end-of-life magnets, so taking swarf is our assumption (E); toll = its ~$110-125k/t magnet price less "
     "the RE content OurCo supplies (D/E)", "S/E"),
]


def build_processes():
    processes = []
    for (pid, site, out, cap, cost, how, b_periods, tech, torigin, note, mark) in PROCESS_SPECS:
        row = {"process": pid, "site": site, "output": out, "capacity_per_period": cap, "cost_per_unit": cost,
               "technology": tech, "technology_origin": torigin}
        src(f"processes {pid}: capacity and cost", f"{_fmt(cap)} t/month, {cost:,} USD/t", note, mark, "")
        if how == "exists":
            row["exists"] = YES
        elif how[0] == "capex":
            row.update(exists=NO, build_cost=round(CAPITAL_CHARGE * how[1], -3), build_periods=b_periods)
            src(f"processes {pid}: build", f"${row['build_cost']:,.0f}, {b_periods} months",
                "rule: cost of an own new line within the plan (30 % of capex)", "E",
                f"capex ${how[1]:,}; produces from month {b_periods + 1}")
        else:  # toll arrangement
            cls = how[1]
            months, qcost = (0, 0) if cls == 0 else QUAL[cls][:2]
            run = T - months
            fee = RESERVE_RATE * cost * cap * run
            row.update(exists=NO, build_cost=round(qcost + fee, -3), build_periods=months)
            src(f"processes {pid}: toll arrangement", f"${row['build_cost']:,.0f}, {months} months",
                "rule: toll arrangements are options" + (f"; qualification ({cls})" if cls else
                                                          "; already qualified"), "D/E",
                f"qualification ${qcost:,} + 10 % x {cost:,} USD/t x {_fmt(cap)} t x {run} months")
        processes.append(row)
    return processes


PROCESSES = build_processes()

# process_inputs: (process, input, t input per t output, source, mark)
PROCESS_INPUTS = [
    ("OWN_SINTER_STD", "NdFeB_alloy", 1.25, "alloy -> magnet ~80 % yield (Minowa, Resource Geology 2008, "
     "facts 1.3)", "S"),
    ("OWN_GBD_HT", "NdFeB_alloy", 1.25, "as OWN_SINTER_STD", "S"),
    ("OWN_GBD_HT", "Tb_metal", 0.006, "GBD adds ~0.5 wt% Tb (0.6 % with losses)", "E"),
    ("OWN_GBD_HT", "DyFe_alloy", 0.02, "GBD adds ~1.6 wt% Dy as DyFe (80 % Dy)", "E"),
    ("OWN_SMCO", "Sm_metal", 0.30, "Sm2Co17 23-28 wt% Sm (couragemagnet, brm-metal, facts 1.3) at ~85 % yield",
     "W/D"),
    ("OWN_STRIPCAST_JP", "NdPr_metal", 0.31, "Nd+Pr 29-32.5 wt% (W); 'about a third' (Fastmarkets, S) "
     "(facts 1.3)", "S/W"),
    ("OWN_STRIPCAST_JP", "DyFe_alloy", 0.012, "Dy 0.6-1.2 wt% (vendor composition, facts 1.3) as DyFe", "W"),
    ("OWN_STRIPCAST_CN", "NdPr_metal", 0.31, "as OWN_STRIPCAST_JP", "S/W"),
    ("OWN_STRIPCAST_CN", "DyFe_alloy", 0.012, "as OWN_STRIPCAST_JP", "W"),
    ("OWN_SINTER_CNEQ", "NdFeB_alloy", 1.25, "as OWN_SINTER_STD", "S"),
    ("OWN_GBD_JP", "NdFeB_alloy", 1.25, "as OWN_SINTER_STD", "S"),
    ("OWN_GBD_JP", "Tb_metal", 0.006, "as OWN_GBD_HT", "E"),
    ("OWN_GBD_JP", "DyFe_alloy", 0.02, "as OWN_GBD_HT", "E"),
    ("SEP_SOLVAY_TOLL", "MREC", 4.2, "NdPr ~25 % of ionic-clay REO (E) at ~95 % recovery (facts 1.3, M)", "E/M"),
    ("MET_KMP_NDPR", "NdPr_oxide", 1.2, "0.857 stoichiometric (facts 1.3, D) + ~3 % losses", "D"),
    ("MET_LCM_DYFE", "Dy_oxide", 0.97, "0.80 Dy / 0.871 (Dy2O3 -> Dy) / 0.95 yield (atomic masses)", "D"),
    ("MET_LCM_TB", "Tb_oxide", 1.24, "1 / 0.850 (Tb4O7 -> Tb) / 0.95 yield", "D"),
    ("MET_LCM_SM", "Sm_oxide", 1.22, "1 / 0.862 (Sm2O3 -> Sm) / 0.95 yield", "D"),
    ("USAR_SINTER_TOLL", "NdFeB_alloy", 1.25, "as OWN_SINTER_STD", "S"),
    ("NOVEON_SWARF_TOLL", "NdFeB_swarf", 1.5, "swarf is partly oxidised: ~2/3 recovered into new magnet", "E"),
]
for p, m, r, s_, mk in PROCESS_INPUTS:
    src(f"process_inputs {p} <- {m}", f"{r} t per t output", s_, mk, "")

# process_coproducts: (process, material, t per t of the process's output, source, mark, note)
PROCESS_COPRODUCTS = [
    ("SEP_SOLVAY_TOLL", "Dy_oxide", 0.05,
     "Energy Fuels' monazite basket: >6,000 t/yr NdPr with ~240 t Dy and ~66 t Tb (Phase 2 BFS, facts 1.5, S) = "
     "0.040 Dy and 0.011 Tb per t NdPr", "S/E",
     "Serra Verde's ionic clay is richer in heavy REs ('elevated proportion', S), so a little above monazite's "
     "0.040; no Serra Verde distribution in the corpus"),
    ("SEP_SOLVAY_TOLL", "Tb_oxide", 0.011, "as above (monazite basket 0.011 Tb per t NdPr)", "S/E",
     "kept at monazite's ratio for want of a clay figure"),
    ("OWN_SINTER_STD", "NdFeB_swarf", 0.25,
     "1.25 t alloy per t magnet, ~20 % of alloy lost mostly as machining/grinding sludge (Minowa 2008, facts 1.3)",
     "S/D", "swarf carries the magnet's origin group; discarded if not shipped"),
    ("OWN_GBD_HT", "NdFeB_swarf", 0.25, "as OWN_SINTER_STD", "S/D", ""),
    ("OWN_SINTER_CNEQ", "NdFeB_swarf", 0.25, "as OWN_SINTER_STD", "S/D", ""),
    ("OWN_GBD_JP", "NdFeB_swarf", 0.25, "as OWN_SINTER_STD", "S/D", ""),
]
for p, m, r, s_, mk, note in PROCESS_COPRODUCTS:
    src(f"process_coproducts {p} -> {m}", f"{r} t per t output", s_, mk, note)

# ==================================================================================================
# lanes: (from_site, to_site, materials, cost USD/t, lead_time months, capacity t/month or None)
# Ocean freight + customs between continents ~1 month, domestic/overland 0 (E); costs E (air freight
# for the small, valuable heavy-RE lots).
# ==================================================================================================
WH_MATERIALS = "NdFeB_HT_magnet, SmCo_magnet, NdFeB_alloy, DyFe_alloy, Tb_metal, Sm_metal"
LANES = [
    # --- into OurCo's plant ---
    ("CN_BAOTOU", "OWN_US", "NdPr_metal, NdFeB_alloy, Sm_metal", 2_000, 1, _),
    ("CN_GANZHOU", "OWN_US", "DyFe_alloy, Tb_metal", 5_000, 1, _),
    ("CN_JLMAG", "OWN_US", "NdFeB_magnet, NdFeB_HT_magnet", 2_500, 1, _),
    ("CN_NINGBO", "OWN_US", "NdFeB_magnet", 2_500, 1, _),
    ("CN_HANGZHOU", "OWN_US", "SmCo_magnet", 5_000, 1, _),
    ("VN_SMMV", "OWN_US", "NdFeB_magnet", 2_500, 1, _),
    ("VN_VTRE", "OWN_US", "NdPr_metal", 2_000, 1, _),
    ("KR_KMP", "OWN_US", "NdPr_metal", 2_000, 1, _),
    ("JP_SANTOKU", "OWN_US", "NdFeB_alloy", 2_000, 1, _),
    ("JP_TAKEFU", "OWN_US", "NdFeB_HT_magnet", 3_000, 1, _),
    ("JP_PROTERIAL", "OWN_US", "NdFeB_HT_magnet", 3_000, 1, _),
    ("EE_NARVA", "OWN_US", "NdFeB_magnet", 3_000, 1, _),
    ("GB_LCM", "OWN_US", "DyFe_alloy, Tb_metal, Sm_metal, NdFeB_alloy", 5_000, 1, 15),
    ("DE_TRADIUM", "OWN_US", "DyFe_alloy, Tb_metal", 5_000, 0, 2),
    ("US_INDEPENDENCE", "OWN_US", "NdPr_metal", 500, 0, _),
    ("US_SUMTER", "OWN_US", "NdFeB_HT_magnet", 500, 0, _),
    ("US_SANMARCOS", "OWN_US", "NdFeB_magnet", 500, 0, _),
    ("US_ARNOLD", "OWN_US", "SmCo_magnet", 800, 0, _),
    ("US_STILLWATER", "OWN_US", "NdFeB_magnet", 500, 0, _),
    ("US_10X", "OWN_US", "NdFeB_HT_magnet", 500, 0, _),
    ("US_DLA", "OWN_US", "NdFeB_HT_magnet", 500, 0, _),
    ("JP_DAIDO", "OWN_US", "NdFeB_HT_DyFree", 3_000, 1, _),
    # --- OurCo's own moves: toll sintering at USA Rare Earth, swarf to Noveon, strategic store ---
    ("OWN_US", "US_STILLWATER", "NdFeB_alloy", 500, 0, 25),
    ("OWN_US", "US_SANMARCOS", "NdFeB_swarf", 300, 0, _),
    ("OWN_US", "OWN_WH", WH_MATERIALS, 200, 0, _),
    ("OWN_WH", "OWN_US", WH_MATERIALS, 200, 0, _),
    # --- NdPr oxide to the Korean metal toller ---
    ("CN_BAOTOU", "KR_KMP", "NdPr_oxide", 1_000, 1, _),
    ("MY_GEBENG", "KR_KMP", "NdPr_oxide", 1_500, 1, _),
    ("AU_ENEABBA", "KR_KMP", "NdPr_oxide", 1_500, 1, _),
    ("US_MTPASS", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    ("US_WHITEMESA", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    ("EE_SILMET", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    ("FR_LAROCHELLE", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    # --- feed to the separation toller ---
    ("BR_SERRAVERDE", "FR_LAROCHELLE", "MREC", 400, 1, _),
    # --- oxides to the UK metal toller ---
    ("MY_GEBENG", "GB_LCM", "Dy_oxide, Tb_oxide", 3_000, 1, _),
    ("CN_GANZHOU", "GB_LCM", "Dy_oxide", 3_000, 1, _),
    ("AU_ENEABBA", "GB_LCM", "Dy_oxide, Tb_oxide", 3_000, 1, _),
    ("US_WHITEMESA", "GB_LCM", "Dy_oxide, Tb_oxide", 3_000, 1, _),
    ("FR_LAROCHELLE", "GB_LCM", "Sm_oxide, Dy_oxide, Tb_oxide", 1_000, 0, _),
]
src("Lanes", "ocean + customs ~1 month between continents, 0 domestic; $200-5,000/t", "case estimate", "E",
    "air freight for the small, valuable heavy-RE lots; lane capacities only where a toller's or trader's "
    "throughput limits a route")

# ==================================================================================================
# demand at OurCo's plant: (site, material, period, t/month, shortfall_penalty USD/t, max_origin_group,
#                           note)
# Scale: one manufacturer, ~1,600 t of magnets a year (E; cf. Noveon 2,000 t/yr, Narva 2,000 t/yr, S).
# Defence under DFARS 252.225-7052: from 2027-01-01 (period 7) no covered-country mining, separation,
# melting (S/P); applied from period 1 (max_origin_group free), which the DFARS store covers.
# ==================================================================================================
DEMAND = [
    ("OWN_US", "NdFeB_magnet", "*", 90, PENALTY_AUTO, _, "automotive motors (auxiliary and traction)"),
    ("OWN_US", "NdFeB_HT_magnet", "*", 30, PENALTY_AUTO, _, "automotive traction motors, HT grade"),
    ("OWN_US", "NdFeB_HT_magnet", "*", 10, PENALTY_DEFENCE, "free", "defence programmes, DFARS"),
    ("OWN_US", "SmCo_magnet", "*", 2, PENALTY_DEFENCE, "free", "defence programmes, DFARS"),
    ("OWN_US", "SmCo_magnet", "*", 1, PENALTY_AUTO, _, "commercial aerospace/industrial"),
]
for d in DEMAND:
    src(f"demand {d[0]} {d[1]} ({d[6]})", f"{d[3]} t/month, penalty ${d[4]:,.0f}/t"
        + (f", max origin {d[5]}" if d[5] else ""), "volumes: case estimate; penalty: see the penalty rows",
        "E/D", "~1,600 t/yr of magnets for one manufacturer (cf. Noveon 2,000 t/yr, Narva 2,000 t/yr, S)")
src("DFARS rule from its effective date", "defence demand max_origin_group = free from period 1 (January 2027)",
    "DFARS 2024 final rule: from 2027-01-01 no mining, refining, separation, melting or production in covered "
    "countries (Crowell & Moring, Federal Register 2024-11513, facts 1.6)", "S/P",
    "the case starts on the rule's effective date, so every period is under it; COTS items are exempt below "
    "50 % covered material by weight, which magnets are not")
src("No DFARS waiver in the case", "no lever", "DFARS 225.7018-4: the head of contracting activity may grant an "
    "individual nonavailability determination when compliant magnets 'cannot be procured as and when needed at a "
    "reasonable price' (acquisition.gov PGI 225.7018-4, P; Wolters Kluwer 2019, S)", "P/S",
    "a waiver is the government's decision, case by case, after an analysis of alternatives, not a lever OurCo "
    "holds; the model's origin rule cannot relax one demand row in some scenarios. What a government gives "
    "here is the stockpile release (DLA_NDS_HT) and MP's DoD-backed 10X magnets (MP_10X_HT)")

# ==================================================================================================
# inventory: (site, material, initial_stock t, initial_origin_group, max_stock t,
#             holding USD/t/month, min_stock t, end_stock_min t (None: = initial_stock), max_origin_group)
# ==================================================================================================
INVENTORY = [
    # (..., max_origin_group, end_stock_value USD/t or None: the lowest base price of an offer of it)
    ("OWN_US", "NdFeB_magnet", 180, "CN", 600, 750, 30, _, _, _),
    ("OWN_US", "NdFeB_HT_magnet", 60, "CN", 250, 1_400, _, _, _, _),
    ("OWN_US", "NdFeB_HT_DyFree", 0, "CN", 60, 1_400, _, _, _, _),
    ("OWN_US", "NdFeB_alloy", 150, "CN", 500, 470, _, _, _, _),
    ("OWN_US", "NdPr_metal", 0, "CN", 200, 1_100, _, _, _, _),
    ("OWN_US", "DyFe_alloy", 1.2, "CN", 10, 3_400, _, _, _, _),
    ("OWN_US", "Tb_metal", 0.4, "CN", 3, 18_000, _, _, _, _),
    ("OWN_US", "Sm_metal", 1.5, "CN", 10, 300, _, _, _, _),
    ("OWN_US", "SmCo_magnet", 2, "CN", 20, 1_800, _, _, _, _),
    ("OWN_US", "NdFeB_swarf", 0, "CN", 0, 0, _, _, _, _),
    ("OWN_WH", "NdFeB_HT_magnet", 60, "free", 250, 1_400, _, _, "free", 180_000),
    ("OWN_WH", "SmCo_magnet", 12, "free", 40, 2_500, _, _, "free", 250_000),
    ("OWN_WH", "NdFeB_alloy", 30, "free", 300, 450, _, _, "free", 45_000),
    ("OWN_WH", "DyFe_alloy", 1.0, "free", 10, 4_600, _, _, "free", 456_000),
    ("OWN_WH", "Tb_metal", 0.3, "free", 3, 22_000, _, _, "free", 2_270_000),
    ("OWN_WH", "Sm_metal", 3, "free", 15, 870, _, _, "free", 88_000),
]
src("End-of-horizon stock value at the plant", "blank: the lowest base price of an offer of the material", "model "
    "default (docs/inputs.md, inventory)", "D",
    "a crisis scenario may end with the plant's stock below its starting level; putting it back costs what the "
    "cheapest supplier charges in normal times (the Chinese price, Section 301 included for magnets)")
src("End-of-horizon stock value in the DFARS store", "HT magnets $180k/t (MP_10X_HT), SmCo $250k/t (ARNOLD_SMCO "
    "price), alloy $45k/t (LCM_ALLOY), DyFe $456k/t (0.97 t Dy oxide x $450k + $20k toll), Tb metal $2.27M/t "
    "(1.24 x $1.8M + $40k), Sm metal $88k/t (1.22 x $60k + $15k)", "D from the offers and tolls of this case",
    "D", "clean stock must be replaced with clean material: the cheapest clean route's price, not China's")
src("Initial stocks at the plant", "~2-3 months of use (Chinese origin)", "automakers' 2025 buffer ~2-3 months "
    "(AP/Magnosphere, S/D); magnet makers 60-90 days of RE metal, 30-60 days of magnets (facts 1.7, M)", "S/D/M",
    "")
src("Initial stocks in the DFARS store", "~6 months of defence demand (clean)", "DoD rotating 6-month NdFeB "
    "buffer (Reuters 2019, facts 1.7, S)", "S/E",
    "the clean alloy and Dy/Tb metal make ~2 more months of HT magnets in OurCo's GBD line")
src("Strategic store holds clean stock only", "OWN_WH max_origin_group = free", "DFARS 252.225-7052 (facts 1.6)",
    "P/S", "a store that could fill with Chinese-origin stock would not be DFARS-compliant")
src("Stock limits", "plant: 4-8 months of use; store: up to ~2 years of defence demand", "case estimate", "E",
    "finished magnets are part-specific and age; space and working capital bound the rest")
src("Holding cost", "1-1.5 % of value per month", "case estimate", "E",
    "~8 % a year cost of capital plus storage, insurance and obsolescence")
src("Swarf is not stocked", "OWN_US NdFeB_swarf max_stock 0", "case convention", "E",
    "swarf is shipped to the recycler as it is made, or discarded")

# ==================================================================================================
# storage_options: (option, site, materials, extra_max_stock t, cost USD, build_periods, note, mark)
# ==================================================================================================
STORAGE_OPTIONS = [
    ("STORE_3PL_MAGNETS", "OWN_US", "magnet", 400, 400_000, 2,
     "rented bonded space at a logistics provider near the plant for finished magnets: ~400 pallets of ~1 t, "
     "~650 m2 with aisles, at ~$130/m2/yr for 3 years (~$250k) plus security, climate control and set-up "
     "(~$150k); 2 months to contract and fit out", "E"),
    ("STORE_METALS_INERT", "OWN_US", "RE_metal", 300, 1_500_000, 6,
     "an inert-gas, fire-rated store for rare-earth metals and alloy (they oxidise in air, and fines are "
     "pyrophoric): a built room with argon blanketing, monitoring and racking; 6 months to permit and build", "E"),
    ("STORE_WH_EXPANSION", "OWN_WH", "*", 150, 2_000_000, 9,
     "extension of the bonded DFARS store: segregated, audited, access-controlled space with the same "
     "traceability as the store; 9 months to build and certify", "E"),
]
for o in STORAGE_OPTIONS:
    src(f"storage_options {o[0]}", f"+{o[3]} t for {o[2]} at {o[1]}, ${o[4]:,}, ready from month {o[5] + 1}",
        "case estimate", o[7], o[6])
src("Storage room is cheap; stock is not", "storage options cost $0.4-2M; holding cost 1-1.5 % of value a month",
    "case estimate", "E", "what a stockpile costs is the capital tied up in it (the holding cost) and the "
    "material's price, not the room: magnets are dense (~7.5 t/m3)")

# ==================================================================================================
# scheduled_receipts: (site, material, period, t, origin_group): orders on their way on 2027-01-01
# ==================================================================================================
SCHEDULED_RECEIPTS = [
    ("OWN_US", "NdFeB_magnet", 1, 30, "CN"),     # JL Mag, ordered Nov/Dec 2026 (lead 2)
    ("OWN_US", "NdFeB_magnet", 2, 30, "CN"),
    ("OWN_US", "NdFeB_HT_magnet", 1, 16, "CN"),  # Shin-Etsu 6 t + JL Mag 10 t a month (lead 2)
    ("OWN_US", "NdFeB_HT_magnet", 2, 16, "CN"),
    ("OWN_US", "NdFeB_alloy", 1, 100, "CN"),     # CNR alloy ordered Dec 2026 (lead 1)
    ("OWN_US", "DyFe_alloy", 1, 0.5, "CN"),      # China Rare Earth Group (lead 1)
    ("OWN_US", "Tb_metal", 1, 0.15, "CN"),
    ("OWN_WH", "NdFeB_alloy", 1, 8, "free"),     # LCM clean alloy (lead 1)
]
src("Scheduled receipts on 2027-01-01", "one month of orders per month of lead time, at the plan's normal mix: "
    "60 t NdFeB and 32 t HT magnets (months 1-2), 100 t alloy, 0.5 t DyFe, 0.15 t Tb metal (month 1), all "
    "Chinese-origin; 8 t of clean LCM alloy for the DFARS store", "case estimate from the offers' lead times "
    "(facts 1.7: 4-8 weeks for sintered NdFeB ex-China, M)", "E/M",
    "what a plant buying 30 t/month of magnets, ~100 t of alloy and 16 t of HT magnets on 1-2 month lead times "
    "has on the water at any date; paid already and past China's customs, so no later rule stops them")

# ==================================================================================================
# substitutes: (demand_material, substitute, per_unit, max_share, qualification months, cost USD, note)
# ==================================================================================================
SUBSTITUTES = [
    ("NdFeB_HT_magnet", "NdFeB_HT_DyFree", 1.0, 0.3, QUAL["auto_magnet"][0], 4_000_000,
     "a heavy-RE-free hot-deformed magnet in a redesigned motor: Honda revised magnet and rotor shape for it and "
     "got torque, output and heat resistance equal to the Dy-bearing motor, with 8 % less magnet weight and "
     "10 % lower magnet cost (Honda/Daido 2016, S): 1 t replaces 1 t (the weight saving is a margin for the "
     "lower remanence). At most 30 % of OurCo's HT demand: the motor programmes that can be redesigned within "
     "the horizon (E). Qualification as for an automotive magnet source, 18 months (E: the industry's 12-24), "
     "$4M for the redesign, prototypes and OEM validation (E). Not for DFARS demand (its NdPr is Chinese)")]
for d in SUBSTITUTES:
    src(f"substitutes {d[0]} <- {d[1]}", f"per_unit {d[2]}, max_share {d[3]:.0%}, {d[4]} months, ${d[5]:,}",
        "Honda and Daido Steel release 2016 (globalspec, autofreaks, pm-review); case estimate", "S/E", d[6])

# ==================================================================================================
# controls: (rule, description, issuer, materials, technologies, to_countries, to_owners,
#            extraterritorial, kind, licence_lead_time, quota_per_period, status, start_period,
#            end_period)
# A destination is covered when it matches BOTH to_countries AND to_owners (blank or * = all).
# ==================================================================================================
ENTITY_LIST = "MP Materials, USA Rare Earth, Aveox"
CONTROLS = [
    ("CN_TECH_2023",
     "Catalogue of technologies prohibited for export, Dec 2023: RE extraction/separation, metal and alloy "
     "production, NdFeB/SmCo magnet preparation (Reuters via Nasdaq; Fastmarkets, S). Forbids building "
     "OWN_STRIPCAST_CN.",
     "CN", _, "RE_separation, RE_metal_alloy, NdFeB_magnet_prep, SmCo_magnet_prep", _, _, NO, "ban", _, _,
     "in_force", 1, _),
    ("CN_LIC_HRE_2025",
     "MOFCOM/GAC No. 18 (2025-04-04): export licence for Sm, Gd, Tb, Dy, Lu, Sc, Y items incl. SmCo and "
     "Dy/Tb-bearing magnets and alloys, so commercial NdFeB grades too (P/S). In force since Apr 2025: OurCo's "
     "licences flow (review up to 45 working days, S, is inside the order pipeline), so no block at the start; "
     "CN_LIC_FREEZE is when approvals stop.",
     "CN", "licence_2025", _, "*", _, NO, "licence", 0, _, "in_force", 1, _),
    ("CN_ENTITY_2026",
     "Export-control list of 2026-06-22: full ban on dual-use exports to MP Materials, USA Rare Earth (which owns "
     "Less Common Metals since 2025-11-18), Aveox (+7 others); no one anywhere may pass Chinese-origin dual-use "
     "items to them (S).",
     "CN", "dual_use", _, "*", ENTITY_LIST, YES, "ban", _, _, "in_force", 1, _),
    ("CN_JP_DUALUSE_2026",
     "Ban on dual-use exports to Japan, Jan 2026 (feedzop, W). Off: a weak source, and in the model a "
     "Chinese-origin offer at a Japanese site counts as a flow from China into Japan, so the rule would also stop "
     "sales from Japanese makers' pre-ban stock. Japanese offers carry CN origin instead; switch it on with "
     "`whatif --ban CN_JP_DUALUSE_2026` to see Japanese supply lost outright.",
     "CN", "dual_use", _, "JP", _, NO, "ban", _, _, "off", 1, _),
    ("CN_0P1_RULE",
     "MOFCOM No. 61 (2025-10-09): licence for foreign-made magnets/alloys with >=0.1 % Chinese-origin RE by "
     "value; suspended by No. 70 until 2026-11-10 (P/S). What happened then is not in the sources; the case "
     "assumes the suspension was extended, as the truce's other suspensions were (No. 72, S). Scenario: re-imposed.",
     "CN", "magnet, magnet_material", _, "*", _, YES, "licence", 2, _, "scenario", 1, _),
    ("CN_TECH_2025",
     "MOFCOM No. 56/62 (2025-10-09): RE equipment (HD furnaces, jet mills) and help by Chinese persons to "
     "overseas magnet projects; suspended with No. 61 (S). Stops OWN_SINTER_CNEQ if built after it.",
     "CN", _, "RE_equipment, RE_separation, RE_metal_alloy, NdFeB_magnet_prep", _, _, NO, "ban", _, _,
     "scenario", 1, _),
    ("CN_LIC_FREEZE",
     "Licence approvals frozen, as in Apr-May 2025 when magnet exports fell 74 % y/y (Automotive World / WSJ, "
     "S): while a window lasts no No. 18 item (heavy REs, Dy/Tb-bearing magnets and alloy, SmCo) leaves China.",
     "CN", "licence_2025", _, "*", _, NO, "ban", _, _, "scenario", 1, _),
    ("CN_HRE_BAN",
     "Escalation: ban on No. 18 items (heavy REs, Dy/Tb-bearing magnets and alloys, SmCo) to the United States, "
     "as No. 46 (2024) banned Ga/Ge/Sb exports to the US alone (Clark Hill, S); not extraterritorial (E).",
     "CN", "licence_2025", _, "US", _, NO, "ban", _, _, "scenario", 1, _),
    ("CN_MAGNET_BAN",
     "Escalation: export ban on all permanent magnets and magnet alloy (E).",
     "CN", "magnet, magnet_material", _, "*", _, NO, "ban", _, _, "scenario", 1, _),
    ("CN_ENTITY_OURCO",
     "Escalation: OurCo (a DoD supplier) added to the export-control list; Chinese-origin dual-use items may "
     "not reach it from anywhere (E, by analogy with 2026-06-22).",
     "CN", "dual_use", _, "*", OURCO, YES, "ban", _, _, "scenario", 1, _),
]
CONTROL_MARKS = {"CN_TECH_2023": "S", "CN_LIC_HRE_2025": "P/S", "CN_ENTITY_2026": "S", "CN_JP_DUALUSE_2026": "W",
                 "CN_0P1_RULE": "P/S", "CN_TECH_2025": "S", "CN_LIC_FREEZE": "S/E", "CN_HRE_BAN": "S/E",
                 "CN_MAGNET_BAN": "E", "CN_ENTITY_OURCO": "E"}
for r in CONTROLS:
    src(f"controls {r[0]}", r[8] + (" (in force)" if r[11] == "in_force" else f" ({r[11]})"), r[1],
        CONTROL_MARKS[r[0]], "facts 1.6 for every measure; an E rule is an escalation we assume")
src("Export quota (removed)", "none", "China's export quotas ended in 2015 (WTO ruling, M); the mining quota "
    "(270 kt REO in 2024, S) caps China's own supply, not a buyer's share", "S/M",
    "the first version's CN_EXPORT_QUOTA (40 t/month for OurCo) was invented")

# ==================================================================================================
# scenarios. Each crisis family's probability is split over onsets, durations and severities; no
# scenario but the nominal one holds 1 - cvar_alpha (0.10) of probability alone. Probabilities are
# E (judgement), reasoned in the sources sheet.
# scenario_events: (scenario, event, target, start_period, duration, notice, factor)
# A crisis on a group is a price event on each scrambled material group (every offer of it) and an
# outage event (the allocation) on each ex-China contract offer of it; spot offers are not rationed.
# ==================================================================================================
GROUPS_OF = {m[0]: {g.strip() for g in m[4].split(",")} | {m[0]} for m in MATERIALS}
SCRAMBLE_GROUPS = {"lapse": ("magnet", "magnet_material"),
                   "licence": ("heavy_REE", "magnet", "magnet_material")}


def scramble(scenario: str, groups, start: int, duration, notice: int, severity: str = "standard") -> list[tuple]:
    price, alloc = SEVERITY[severity]
    rows = [(scenario, "price", g, start, duration, notice, price) for g in groups]
    for o in OFFERS:
        if o["spot"] or SITE_COUNTRY[o["site"]] == "CN" or not (GROUPS_OF[o["material"]] & set(groups)):
            continue
        rows.append((scenario, "outage", o["offer"], start, duration, notice, alloc))
    return rows


def freeze(scenario, start, duration, severity="standard"):
    return [(scenario, "rule", "CN_LIC_FREEZE", start, duration, 0, _),
            *scramble(scenario, SCRAMBLE_GROUPS["licence"], start, duration, 0, severity)]


def reimpose(scenario, start):
    return [(scenario, "rule", "CN_0P1_RULE", start, _, 1, _),
            (scenario, "rule", "CN_TECH_2025", start, _, 1, _),
            *scramble(scenario, SCRAMBLE_GROUPS["lapse"], start, 2, 1)]


def hre_ban(scenario, start, scramble_months, severity="standard"):
    return [(scenario, "rule", "CN_HRE_BAN", start, _, 2, _),
            *scramble(scenario, SCRAMBLE_GROUPS["licence"], start, scramble_months, 2, severity)]


def lynas(scenario, start, duration):
    return [(scenario, "outage", "MY_GEBENG", start, duration, 0, _),
            (scenario, "price", "LYNAS_NDPR_OX", start, duration, 0, 0.0),  # force majeure: no take-or-pay
            *[(scenario, "outage", o, start, duration, 0, SCRAMBLE_ALLOC)
              for o in ("MP_NDPR_OX", "EF_NDPR_OX", "EF_P2_NDPR_OX", "NEO_NDPR_OX", "ILUKA_NDPR_OX")]]


def escalation(scenario, lapse, ban, magnets):
    return [(scenario, "rule", "CN_0P1_RULE", lapse, _, 1, _),
            (scenario, "rule", "CN_TECH_2025", lapse, _, 1, _),
            *scramble(scenario, SCRAMBLE_GROUPS["lapse"], lapse, 2, 1),
            (scenario, "rule", "CN_HRE_BAN", ban, _, 1, _),
            *scramble(scenario, SCRAMBLE_GROUPS["licence"], ban, _, 1),
            (scenario, "rule", "CN_MAGNET_BAN", magnets, _, 0, _),
            (scenario, "rule", "CN_ENTITY_OURCO", magnets, _, 0, _)]


# (scenario, probability, description, events, months in which China blocks heavy REs to OurCo)
SCENARIO_SPECS = [
    ("baseline", 0.40, "Status quo for three years: April 2025 licences flow, the June 2026 entity list stays, the "
     "Oct 2025 rules stay suspended.", [], []),
    ("freeze_m4_6m", 0.07, "Licence approvals frozen for 6 months from month 4 (Apr 2027), as in Apr-Jun 2025; "
     "ex-China heavy REs, magnets and alloy scrambled for meanwhile.", freeze("freeze_m4_6m", 4, 6),
     range(4, 10)),
    ("freeze_m13_6m_mild", 0.06, "A 6-month freeze from month 13 (Jan 2028), mild: the scramble is softer (x1.5 "
     "price, 70 % allocation).", freeze("freeze_m13_6m_mild", 13, 6, "mild"), range(13, 19)),
    ("freeze_m7_12m", 0.05, "A 12-month freeze from month 7 (Jul 2027).", freeze("freeze_m7_12m", 7, 12),
     range(7, 19)),
    ("freeze_m19_12m", 0.04, "A 12-month freeze from month 19 (Jul 2028).", freeze("freeze_m19_12m", 19, 12),
     range(19, 31)),
    ("freeze_m13_24m", 0.02, "A freeze from month 13 to the horizon (24 months).",
     freeze("freeze_m13_24m", 13, 24), range(13, 37)),
    ("freeze_m4_24m_severe", 0.03, "A 24-month freeze from month 4, severe: x3 prices and 30 % allocation ex-China.",
     freeze("freeze_m4_24m_severe", 4, 24, "severe"), range(4, 28)),
    ("reimpose_m7", 0.05, "The suspended Oct 2025 rules (0.1 % rule, equipment and technology) return in month 7, "
     "known a month ahead; ex-China magnets and alloy scrambled for while licences are pending.",
     reimpose("reimpose_m7", 7), []),
    ("reimpose_m19", 0.05, "The suspended Oct 2025 rules return in month 19.", reimpose("reimpose_m19", 19), []),
    ("hre_ban_m7", 0.04, "Ban on heavy REs and Dy/Tb-bearing magnets to the US from month 7, announced 2 months "
     "ahead; US buyers scramble for ex-China supply for a year.", hre_ban("hre_ban_m7", 7, 12), range(7, 37)),
    ("hre_ban_m16_severe", 0.03, "The heavy-RE ban to the US from month 16, severe scramble for a year.",
     hre_ban("hre_ban_m16_severe", 16, 12, "severe"), range(16, 37)),
    ("hre_ban_m25", 0.03, "The heavy-RE ban to the US from month 25; the scramble lasts to the horizon.",
     hre_ban("hre_ban_m25", 25, _), range(25, 37)),
    ("lynas_m8_9m", 0.05, "Lynas Malaysia stops for 9 months from month 8 (licence or plant failure); its buyers "
     "turn to the other ex-China NdPr oxide.", lynas("lynas_m8_9m", 8, 9), []),
    ("lynas_m20_4m", 0.03, "Lynas Malaysia stops for 4 months from month 20.", lynas("lynas_m20_4m", 20, 4), []),
    ("escalation_early", 0.03, "Suspended rules return (month 7), heavy-RE ban to the US (month 10), magnet ban "
     "and OurCo listed (month 16); ex-China supply scrambled for from month 10 on.",
     escalation("escalation_early", 7, 10, 16), range(10, 37)),
    ("escalation_late", 0.02, "The same escalation a year later: months 13, 19 and 25.",
     escalation("escalation_late", 13, 19, 25), range(19, 37)),
]


def stockpile_release(scenario: str, blocked) -> list[tuple]:
    """DLA_NDS_HT is released only in months in which China blocks heavy REs: factor-0 outages elsewhere."""
    blocked = set(blocked)
    rows, t = [], 1
    while t <= T:
        if t in blocked:
            t += 1
            continue
        start = t
        while t <= T and t not in blocked:
            t += 1
        rows.append((scenario, "outage", "DLA_NDS_HT", start, t - start, 0, 0.0))
    return rows


SCENARIOS = [(n, p, d) for n, p, d, _e, _b in SCENARIO_SPECS]
SCENARIO_EVENTS = [e for n, _p, _d, events, blocked in SCENARIO_SPECS
                   for e in (*events, *stockpile_release(n, blocked))]

src("Scenario probabilities: the nominal one", "baseline 0.40", "judgement (E); the status after 2026-11-10 is "
    "not in the sources (facts 2)", "E",
    "from mid-2023 to mid-2026 China added a rare-earth or critical-mineral export measure every 4-12 months "
    "(Ga/Ge Jul 2023, graphite Oct 2023, technology catalogue Dec 2023, Sb Aug 2024, US-only ban Dec 2024, heavy-RE "
    "licences Apr 2025, Oct 2025 package, entity list Jun 2026; facts 1.6, S), and suspended one package in a "
    "truce (Nov 2025). Three years with no step that reaches a US magnet maker is the likeliest single path but "
    "less likely than not: 0.40")
src("Scenario probabilities: licence freezes", "0.27 in all: 6 months 0.07 (month 4) + 0.06 (month 13, mild); "
    "12 months 0.05 (month 7) + 0.04 (month 19); 24 months 0.03 (month 4, severe) + 0.02 (month 13)", "judgement "
    "(E); the one precedent, Apr-Jun 2025 (magnet exports -74 % y/y in May, S), lasted ~2-3 months", "E",
    "a freeze is China's cheapest lever and has been used, so it is the likeliest crisis; short freezes more "
    "likely than long ones (the 2025 one eased within a quarter under trade talks), early ones more likely than "
    "late ones only because a later one needs the truce to last first; a severe 2-year freeze is the tail")
src("Scenario probabilities: the suspended rules return", "0.10: month 7 0.05, month 19 0.05", "judgement (E); "
    "No. 70 suspended them for a year (facts 1.6, S)", "E",
    "a return at the next review (about a year out) or the one after is as likely as not; they hurt OurCo "
    "little (licences for ex-China magnets with Chinese content), so the split matters little")
src("Scenario probabilities: heavy-RE ban to the US", "0.10: month 7 0.04, month 16 (severe) 0.03, month 25 0.03",
    "judgement (E); precedent: No. 46 (Dec 2024) banned Ga/Ge/Sb to the US alone (Clark Hill, S)", "E",
    "a country ban is a step beyond a freeze and has been taken once for other minerals; permanent once taken "
    "(the Ga/Ge/Sb ban was suspended only in a truce, No. 72, S)")
src("Scenario probabilities: Lynas outage", "0.08: 9 months from month 8 0.05, 4 months from month 20 0.03",
    "judgement (E); Lynas's Malaysian operating licence has been contested and renewed with conditions "
    "(M); a plant failure of months happens to any chemical plant", "E/M",
    "Lynas is about half of ex-China NdPr (Lynas 6,558 t FY25, MP 1,294 t 2024, S)")
src("Scenario probabilities: escalation", "0.05: early (months 7/10/16) 0.03, late (13/19/25) 0.02", "judgement (E); "
    "OurCo's listing by analogy with the 2026-06-22 list of US defence suppliers (S)", "E",
    "the worst path: every measure in turn and OurCo listed as a DoD supplier")
src("Scenario events", "group price events and per-offer allocation outages while a block lasts; the stockpile "
    "release only in months in which heavy REs are blocked", "rules 'crisis price', 'crisis allocation', 'supply "
    "above the crisis allocation'; offer DLA_NDS_HT", "E", "")
src("Units", "USD; USD/t; t (concentrates t REO); months", "case convention", "-", "")
src("Period 1", "January 2027", "case convention", "-",
    "the DFARS 2027 rule's effective date; entity list 2026-06-22 and Section 301 on magnets (2026-01-01) in "
    "force; LCM deal closed 2025-11-18; the horizon, December 2029, reaches Energy Fuels' Phase 2 (Q1 2029)")
src("OurCo", "fictional US magnet and motor maker", "case convention", "E", "")
src("Fact sheet", "compiled 2026-11-23 from stored public sources", "'facts 1.4' etc. in a row name the section of that sheet; the original source is named in the same row", "-", "reliability marks P/S/W/D/M as in the fact sheet, E our estimate")


# ==================================================================================================
# Assembly
# ==================================================================================================

def _rows(columns: tuple[str, ...], data) -> list[dict]:
    out = []
    for values in data:
        row = {c: v for c, v in zip(columns, values) if c and v is not None}
        out.append(row)
    return out


def _clean(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if v is not None} for r in rows]


def case_rows() -> dict:
    """The default case as sheet -> rows, ready for write_case_workbook."""
    return {
        "settings": dict(SETTINGS),
        "countries": _rows(("country", "name", "origin_group"), COUNTRIES),
        "materials": _rows(("material", "name", "stage", "unit", "groups"), MATERIALS),
        "sites": _rows(("site", "name", "country", "owner", "role"), SITES),
        "offers": _clean(OFFERS),
        "processes": _clean(PROCESSES),
        "process_inputs": _rows(("process", "input", "per_unit_output"), PROCESS_INPUTS),
        "process_coproducts": _rows(("process", "material", "per_unit_output"), PROCESS_COPRODUCTS),
        "lanes": _rows(("from_site", "to_site", "materials", "cost_per_unit", "lead_time",
                        "capacity_per_period"), LANES),
        "demand": _rows(("site", "material", "period", "quantity", "shortfall_penalty", "max_origin_group",
                         None), DEMAND),
        "inventory": _rows(("site", "material", "initial_stock", "initial_origin_group", "max_stock",
                            "holding_cost_per_period", "min_stock", "end_stock_min", "max_origin_group",
                            "end_stock_value"), INVENTORY),
        "scheduled_receipts": _rows(("site", "material", "period", "quantity", "origin_group"),
                                    SCHEDULED_RECEIPTS),
        "storage_options": _rows(("option", "site", "material", "extra_max_stock", "cost", "build_periods"),
                                 STORAGE_OPTIONS),
        "substitutes": _rows(("demand_material", "substitute", "per_unit", "max_share", "qualification_periods",
                              "qualification_cost"), SUBSTITUTES),
        "controls": _rows(("rule", "description", "issuer", "materials", "technologies", "to_countries",
                           "to_owners", "extraterritorial", "kind", "licence_lead_time", "quota_per_period",
                           "status", "start_period", "end_period"), CONTROLS),
        "scenarios": _rows(("scenario", "probability", "description"), SCENARIOS),
        "scenario_events": _rows(("scenario", "event", "target", "start_period", "duration", "notice",
                                  "factor"), SCENARIO_EVENTS),
        "sources": _rows(("item", "value", "source", "reliability", "note"), SOURCES),
    }


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(",") if p.strip()]


def self_check() -> list[str]:
    """Cheap sanity checks the reader does not make: routes exist (ignoring rules and timing).

    Returns a list of problems (empty when fine): every offer's material reaches a place where it is
    used; every demand can be reached; every defence (free) demand has a clean mine-to-magnet route
    through free-origin offers, free-country sites and buildable processes not forbidden by an
    in-force technology ban; every event names a scenario, and a group event a material group.
    """
    problems = []
    groups = SETTINGS["origin_groups"]
    country_group = {c: g for c, _, g in COUNTRIES}
    site_country = {s[0]: s[2] for s in SITES}
    mat_groups = {m[0]: set(_split(m[4])) | {m[0]} for m in MATERIALS}

    def expand(cell):
        out = set()
        for item in _split(cell):
            out |= {m for m, tags in mat_groups.items() if item in tags}
        return out

    lanes = [(a, b, expand(ms)) for a, b, ms, *_ in LANES]
    inputs: dict[str, list[str]] = {}
    for p, m, *_r in PROCESS_INPUTS:
        inputs.setdefault(p, []).append(m)
    coproducts: dict[str, list[str]] = {}
    for p, m, *_r in PROCESS_COPRODUCTS:
        coproducts.setdefault(p, []).append(m)
    banned_tech = set()
    for r in CONTROLS:
        if r[4] and r[11] == "in_force":
            banned_tech |= {(t, r[2]) for t in _split(r[4])}

    def reachable(max_rank: int) -> set:
        ok_site = {s for s, c in site_country.items() if groups.index(country_group[c]) <= max_rank}
        have = {(o["site"], o["material"]) for o in OFFERS
                if groups.index(country_group[o["origin_country"] or site_country[o["site"]]]) <= max_rank
                and o["site"] in ok_site}
        changed = True
        while changed:
            changed = False
            for a, b, ms in lanes:
                for m in ms:
                    if (a, m) in have and (b, m) not in have:
                        have.add((b, m))
                        changed = True
            for p in PROCESSES:
                name, site, out = p["process"], p["site"], p["output"]
                if site not in ok_site or (p["technology"], p["technology_origin"]) in banned_tech:
                    continue
                if all((site, m) in have for m in inputs.get(name, [])):
                    for m in (out, *coproducts.get(name, [])):
                        if (site, m) not in have:
                            have.add((site, m))
                            changed = True
        return have

    any_route = reachable(len(groups) - 1)
    clean_route = reachable(0)
    for d in DEMAND:
        site, mat, maxg = d[0], d[1], d[5]
        pool = clean_route if maxg == "free" else any_route
        if (site, mat) not in pool:
            problems.append(f"demand {site}/{mat} (max {maxg or 'any'}) has no route")
    consumers = {(p["site"], m) for p in PROCESSES for m in inputs.get(p["process"], [])}
    consumers |= {(d[0], d[1]) for d in DEMAND}
    consumers |= {(d[0], sub[1]) for d in DEMAND for sub in SUBSTITUTES if sub[0] == d[1]}
    for o in OFFERS:
        used = {(s, m) for (s, m) in any_route if m == o["material"] and (s, m) in consumers}
        if not used:
            problems.append(f"offer {o['offer']}: its {o['material']} reaches no process or demand")
    total = sum(p for _, p, _ in SCENARIOS)
    if abs(total - 1.0) > 1e-9:
        problems.append(f"scenario probabilities sum to {total}")
    names = {s for s, *_ in SCENARIOS}
    all_tags = set().union(*mat_groups.values())
    targets = ({s[0] for s in SITES} | {o["offer"] for o in OFFERS} | {p["process"] for p in PROCESSES}
               | {r[0] for r in CONTROLS} | {c[0] for c in COUNTRIES} | all_tags)
    for e in SCENARIO_EVENTS:
        if e[0] not in names:
            problems.append(f"event {e}: unknown scenario")
        if e[2] not in targets:
            problems.append(f"event {e}: unknown target {e[2]}")
    owners = {s[3] for s in SITES}
    for r in CONTROLS:
        for o in _split(r[6] or ""):
            if o != "*" and o not in owners:
                problems.append(f"rule {r[0]}: owner {o} owns no site")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT
    problems = self_check()
    for p in problems:
        print(f"self-check: {p}", file=sys.stderr)
    if problems:
        return 1
    path = write_case_workbook(out, case_rows())
    rows = case_rows()
    counts = ", ".join(f"{k} {len(v)}" for k, v in rows.items())
    print(f"wrote {path} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the default case workbook ``inputs/rare_earth_magnets.xlsx`` (DESIGN.md §7).

Run from the repository root:  python inputs/build_default_case.py  [OUT.xlsx]

The case: "OurCo", a fictional magnet and motor maker with its own sintering plant in the United
States (OWN_US) and a bonded, DFARS-compliant strategic store next to it (OWN_WH), buys rare-earth
materials and magnets along real mine-to-magnet routes (China; Australia/Malaysia; USA; Japan;
Estonia; Vietnam; Brazil/France; Korea; UK; Germany) and serves automotive and defence magnet demand
over 24 months. Period 1 = July 2026: the entity list of 2026-06-22 is in force, USA Rare Earth owns
Less Common Metals (deal closed 2025-11-18), and the suspension of MOFCOM No. 61/62 ends in period 5
(November 2026).

Units: quantities in tonnes (concentrates in tonnes of contained REO), money in USD, prices and
costs in USD per tonne, time in months.

Every figure carries a source row in the workbook's ``sources`` sheet (what figure, its value, the
source, the reliability mark and, for an estimate, why it is plausible), with the marks of
../shared/domain/rare_earth_facts.md:
  P primary, S secondary, W weak, D derived (arithmetic from other figures), M unverified default
  from the facts file, E our estimate for this case (no source; the note says why it is plausible).
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
FACTS = "../shared/domain/rare_earth_facts.md"
YES, NO = True, False
_ = None  # a blank cell (the column's default)

T = 24  # planning periods (months)

# ==================================================================================================
# settings
# ==================================================================================================
SETTINGS = {
    "case_name": "Rare-earth magnets: OurCo US magnet and motor plant, Jul 2026 - Jun 2028 "
                 "(USD, prices USD/t, quantities t)",
    "periods": T,
    "period_unit": "month",
    "currency": "USD",
    "origin_groups": ["free", "covered", "CN"],  # least to most controlled
    "risk_measure": "cvar_shortfall",
    "cvar_alpha": 0.9,
    "frontier_points": 11,
    "time_limit_s": 60,
    "mip_gap": "auto",
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
    "auto_magnet": (15, 1_500_000,
                    "a new magnet source for automotive motors: supplier PPAP 4-7 months (W: mainrichinternational "
                    "playbook) plus the OEM's motor re-validation and durability testing; the industry range "
                    "is 12-24 months, facts 1.7 (M) gives 6-18 for non-China suppliers; 15 is the middle. Cost: "
                    "samples, motor builds and dyno durability tests, ~5-10 engineer-years (E)"),
    "defence_magnet": (18, 2_000_000,
                       "a magnet source that also serves DFARS demand: first-article testing and mine-to-magnet "
                       "traceability on top of automotive validation ('longer for defence'); 18 is the short end, "
                       "a longer one would fall outside the 24-month horizon (E)"),
    "alloy": (12, 750_000,
              "a new strip-cast alloy source: alloy trials, sintering and magnet tests at OurCo, then a PPAP "
              "change submission to OurCo's customers (a sub-supplier change needs customer approval) (E)"),
    "feed": (9, 500_000,
             "a new oxide, metal or concentrate source (or toll route) upstream of OurCo's own alloy and magnet "
             "lines: trial lots, alloy and magnet tests, customer change notification; shorter than a magnet "
             "source because the magnet maker (OurCo) does not change (E)"),
}
src("Rule: qualification of a new automotive magnet source", "15 months, $1.5M", "domain review: 12-24 months for "
    "automotive magnets; mainrichinternational 2026 (supplier PPAP 4-7 months); facts 1.7", "W/M/E",
    QUAL["auto_magnet"][2])
src("Rule: qualification of a magnet source that also serves defence", "18 months, $2.0M", "DFARS 252.225-7052 "
    "(facts 1.6); domain review: 'longer for defence'", "E", QUAL["defence_magnet"][2])
src("Rule: qualification of a new alloy source", "12 months, $0.75M", "case estimate", "E", QUAL["alloy"][2])
src("Rule: qualification of a new oxide/metal/concentrate source or toll route", "9 months, $0.5M",
    "case estimate", "E", QUAL["feed"][2])

# --- reserved ex-China capacity: never a free option (DESIGN §7) ----------------------------------
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
CAPITAL_CHARGE = 0.30     # share of a new line's capex that the 24-month plan consumes
src("Rule: toll arrangements are options, not free capacity", "exists = no; build_cost = qualification cost + "
    "10 % x toll fee x capacity x months it can run; build_periods = qualification months", "case convention",
    "E", "a toller's capacity is reserved ex-China capacity like an offer's; the route's output must be "
    "qualified like a new source (the 'build' is the contract and the qualification)")
src("Rule: cost of an own new line within the plan", "build_cost = 30 % of capex", "case estimate", "E",
    "the line outlives the 24-month plan: 2 of ~10 years of life at ~8 % cost of capital consume ~30 % of its "
    "value; charging the whole capex to 24 months would price every build out by construction")

# --- crises: every buyer turns to the same ex-China sources (DESIGN §7) ----------------------------
SCRAMBLE_PRICE = 2.0      # price factor on every offer of a scrambled material group
SCRAMBLE_ALLOC = 0.5      # capacity factor (allocation to one buyer) on every offer of it
src("Rule: crisis price of ex-China heavy rare earths", "x2 on every offer of the heavy_REE group while China "
    "blocks them", "Argus via gmteight (facts 1.4): Europe Dy oxide $250-310 -> $700-1,000/kg, Tb oxide "
    "$930-1,000 -> $2,000-4,000/kg, Apr-May 2025", "S/D",
    "crisis midpoints $850/kg Dy, $3,000/kg Tb against the case's ex-China contract prices $450/kg, $1,800/kg "
    "give x1.9 and x1.7; several times China's price ($230/kg Dy) as in 2025. Adamas (facts 1.4, S): <1 % of "
    "2025 Dy volume traded at >= $800/kg, so contract buyers saw less than the spot peak")
src("Rule: crisis price of ex-China magnets and alloy", "x2 on every offer of the magnet and magnet_material "
    "groups while China blocks them", "IEA commentary 2025-10-23 via REEx (facts 1.2): Europe magnet price ~6x "
    "China's domestic after the April 2025 controls", "S/E",
    "x2 sits between the raw-material pass-through (+15-30 % for a magnet with ~2 % Dy+Tb at x2 Dy/Tb prices, D) "
    "and the spot 6x (S): contracted volumes reprice partly")
src("Rule: crisis allocation to one buyer", "capacity x0.5 on every offer of the scrambled groups", "case "
    "estimate", "E",
    "when China blocks a group every buyer turns to the same few ex-China sources; a supplier delivers contracted "
    "firm volumes (the 50 % take-or-pay share) and rations the rest. No source gives allocation shares")

# --- shortfall penalties: a customer's line-down cost ---------------------------------------------
LINE_DOWN_PER_MIN = 22_000   # USD per minute of a stopped car assembly line
VEHICLES_PER_MIN = 1.0       # ~60 jobs per hour
MAGNET_KG_PER_VEHICLE = 2.0  # kg NdFeB per vehicle (EV traction motor: 1-2 kg)
PENALTY_AUTO = round(LINE_DOWN_PER_MIN / VEHICLES_PER_MIN / MAGNET_KG_PER_VEHICLE * 1000, -5)  # USD/t
PENALTY_DEFENCE = 20_000_000
src("Automotive line-down cost", "$22,000 per minute (up to $50,000)", "ATS/Nielsen survey of 101 automotive "
    "executives (2005, bartolmagprobe copy); engineerfix, archsys; Senseye/Siemens 2022 $2.3M/hour via oeelab",
    "S/W", "widely repeated industry figure; $2.3M/hour = $38k/min is the 2022 update")
src("Assembly line rate", "~1 vehicle per minute (60 jobs/hour)", "case estimate", "E",
    "typical high-volume car assembly takt")
src("NdFeB per vehicle", "2 kg (1-2 kg per EV; other sources 1.2-3.8 kg)", "UNSPSC report; ti22strategies "
    "(facts 1.3)", "W", "the top of the 1-2 kg range gives the lower penalty per tonne")
src("Shortfall penalty, automotive magnets", f"${PENALTY_AUTO:,.0f}/t", "D from the three rows above", "D",
    "$22k per vehicle not built / 2 kg of magnet per vehicle: a tonne of missing magnets stops ~500 vehicles. "
    "Ford idled its Chicago plant for a week in May 2025 for lack of magnets (cbtnews, fordauthority, S/W). "
    "Below it only if the OEM can build short and retrofit")
src("Shortfall penalty, defence magnets", f"${PENALTY_DEFENCE:,.0f}/t", "case estimate", "E",
    "about twice the automotive figure: DFARS demand has no substitute source (no waiver assumed), a missed "
    "delivery stops a programme line (F-35 ~920 lb of rare-earth material per aircraft, facts 1.3, S) and "
    "costs qualified-source status; contract damages are capped, so not the full programme value")


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
#   light_REE, NdPr, REE = descriptive (Nd and Pr are not on China's control lists).
# ==================================================================================================
MATERIALS = [
    ("MREC", "Mixed rare-earth carbonate from ionic clay (Serra Verde type), t REO", "concentrate", "t REO",
     "REE"),
    ("NdPr_oxide", "NdPr oxide (PrNd oxide, 99 %)", "oxide", "t", "REE, light_REE, NdPr"),
    ("Dy_oxide", "Dysprosium oxide (99.5 %)", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Tb_oxide", "Terbium oxide (Tb4O7, 99.99 %)", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Sm_oxide", "Samarium oxide", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("NdPr_metal", "NdPr metal", "metal", "t", "REE, light_REE, NdPr"),
    ("DyFe_alloy", "Dysprosium-iron alloy (~80 % Dy)", "alloy", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Tb_metal", "Terbium metal", "metal", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Sm_metal", "Samarium metal", "metal", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("NdFeB_alloy", "Strip-cast NdFeB alloy (~31 % NdPr, ~1 % Dy)", "alloy", "t",
     "REE, magnet_material, licence_2025, dual_use"),
    ("NdFeB_swarf", "NdFeB grinding swarf and scrap from sintering (~30 % RE)", "alloy", "t", "REE, scrap"),
    ("NdFeB_magnet", "Sintered NdFeB magnet, commercial grade (N/M/H, ~1 % Dy)", "magnet", "t",
     "REE, magnet, NdFeB, licence_2025, dual_use"),
    ("NdFeB_HT_magnet", "Sintered NdFeB magnet, high-temperature grade (SH/UH/EH, Dy/Tb by GBD)", "magnet", "t",
     "REE, magnet, NdFeB, licence_2025, dual_use"),
    ("SmCo_magnet", "Sintered SmCo magnet (Sm2Co17)", "magnet", "t", "REE, magnet, licence_2025, dual_use"),
]
src("Commercial NdFeB grades under the heavy-RE licence", "NdFeB_magnet and NdFeB_alloy in licence_2025",
    "MOFCOM No. 18: magnets containing Dy/Tb are caught (osencmagnet; Holland & Knight, facts 1.6); vendor "
    "guidance: >0.1 % Dy+Tb needs a licence per shipment (mainrichinternational, W)", "P/S/W",
    "commercial sintered grades carry 0.6-1.2 wt% Dy (facts 1.3, W), far above 0.1 %")
src("Nd and Pr not controlled", "NdPr oxide/metal outside licence_2025 and dual_use", "No. 18 lists Sm, Gd, Tb, "
    "Dy, Lu, Sc, Y; No. 57 Ho, Er, Tm, Eu, Yb (facts 1.6)", "P/S", "")

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
    # --- Japan ---
    ("JP_SANTOKU", "Santoku Corporation, Kobe (strip-cast NdFeB alloy)", "JP", "Santoku", "supplier"),
    ("JP_TAKEFU", "Shin-Etsu Chemical, Takefu (sintered NdFeB)", "JP", "Shin-Etsu Chemical", "supplier"),
    ("JP_PROTERIAL", "Proterial (ex-Hitachi Metals) magnet plant", "JP", "Proterial", "supplier"),
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

OFFER_SPECS = [
    # (offer, site, material, price, capacity, lead, kind, class or contracting cost, origin,
    #  price source, price mark, capacity/other note, its mark)
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
     "RE content ~$40k/t + sintering; commodity N35 $19.5-22/kg (W) is a floor (facts 1.3/1.4)", "E/D",
     "OurCo's allocation; lead 4-8 weeks ex-China (facts 1.7, M)", "E/M"),
    ("JLMAG_HT", "CN_JLMAG", "NdFeB_HT_magnet", 95_000, 50, 2, "cn", 100_000, _,
     "HT premium 2-3x N grades (mcmagnets, W; facts 1.4), here ~1.9x", "E", "OurCo's allocation", "E"),
    ("NINGBO_MAG_SPOT", "CN_NINGBO", "NdFeB_magnet", 62_000, 40, 1, "spot", _, _,
     "spot premium ~25 % over contract", "E", "spot availability", "E"),
    ("HPMG_SMCO", "CN_HANGZHOU", "SmCo_magnet", 120_000, 4, 2, "cn", 50_000, _,
     "no SmCo price in the facts file", "E", "OurCo's allocation", "E"),
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
    # --- Iluka (AU), refinery commissioning 2027 ---
    ("ILUKA_NDPR_OX", "AU_ENEABBA", "NdPr_oxide", 82_000, 40, 1, "exn", 15, _,
     "ex-China oxide price as Argus Europe (S), less volume", "E",
     "Eneabba 12,100-18,400 t/yr REO, commissioning 2027 (metalnomist, NS Energy, S): first orders after 15 "
     "months, commissioning and qualification together", "S/E"),
    # --- MP Materials (US), on China's entity list (buying from MP is allowed) ---
    ("MP_NDPR_OX", "US_MTPASS", "NdPr_oxide", 85_000, 15, 1, "exn", "feed", _,
     "MP realised NdPr $51/kg 2024 (S); DoD floor $110/kg is paid by the DoD, buyers pay market ~$85 (S)", "E",
     "Mountain Pass 1,294 t NdPr oxide 2024 (MP release, P); MP stopped shipping concentrate to China 2025-04-17 "
     "(Reuters via steelprices.com, S), so no concentrate offer in this case", "P/S"),
    ("MP_NDPR_METAL", "US_INDEPENDENCE", "NdPr_metal", 110_000, 10, 1, "exn", "feed", _,
     "~$85/kg oxide / 0.857 + reduction; DoD floor $110/kg (S)", "E",
     "Independence NdPr metal from Dec 2024 (Fastmarkets, MP 10-K, S)", "S"),
    # --- Energy Fuels (US) ---
    ("EF_NDPR_OX", "US_WHITEMESA", "NdPr_oxide", 85_000, 20, 1, "exn", "feed", _,
     "ex-China oxide price as Argus Europe (S)", "E",
     "White Mesa Phase 1 850-1,000 t/yr NdPr (Engineering News 2024, S)", "S"),
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
    # --- Japan: Japanese makers buy much of their Dy/Tb from China (origin CN, DESIGN §7) ---
    ("SANTOKU_ALLOY", "JP_SANTOKU", "NdFeB_alloy", 45_000, 30, 1, "exn", "alloy", "CN",
     "non-China NdPr metal ~$105k/t x 0.31 + DyFe + casting", "E",
     "origin CN: Japan relies on China for ~70 % of its RE supply (feedzop 2026-01, W)", "W/E"),
    ("SHINETSU_HT", "JP_TAKEFU", "NdFeB_HT_magnet", 140_000, 6, 2, "exf", _, "CN",
     "small allocation of a Japanese HT grade, ~1.5x China", "E",
     "OurCo's incumbent Japanese supply (qualified). Origin CN: its Dy/Tb largely Chinese (W, as above), so it "
     "cannot serve DFARS demand and Chinese rules reach it", "W/E"),
    ("PROTERIAL_HT", "JP_PROTERIAL", "NdFeB_HT_magnet", 150_000, 10, 2, "exn", "auto_magnet", "CN",
     "Japanese HT grade", "E", "Proterial capacity not disclosed (W); origin CN as for Shin-Etsu", "W/E"),
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
    ("EVAC_HT", "US_SUMTER", "NdFeB_HT_magnet", 160_000, 15, 1, "exn", "defence_magnet", _,
     "ex-China HT grade, ~1.7x China", "E",
     "eVAC Sumter: DoD $94.1M + 48C $111.8M, operations late 2025, ~2,000 t/yr (Fastmarkets S; investornews W). "
     "Origin US assumes its Dy/Tb is non-Chinese, as DoD funding for DFARS supply from 2027 requires (E)", "S/W/E"),
    ("NOVEON_MAG", "US_SANMARCOS", "NdFeB_magnet", 110_000, 20, 1, "exn", "auto_magnet", _,
     "Noveon 2,000 t/yr ~ $250M revenue -> ~$125/kg (noveon.co, S/D), less volume", "D",
     "recycled from US end-of-life magnets (origin US, E); Nidec takes 1,000 t over 5 years (S)", "S/E"),
    ("ARNOLD_SMCO", "US_ARNOLD", "SmCo_magnet", 250_000, 2, 2, "exn", "auto_magnet", "CN",
     "no SmCo price in the facts file", "E",
     "origin CN: China dominates samarium and no non-Chinese Sm source of Arnold's is in the corpus (E); "
     "melted in the US, so DFARS-compliant only until the 2027 rule: it serves the commercial SmCo demand, and "
     "qualifies as a commercial magnet source", "E"),
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
src("Offer capacities and lead times", "OurCo's allocation, t/month; lead 0-2 months", "plant nameplates in facts "
    "1.5 (S/W); lead times 4-8 weeks for standard sintered NdFeB ex-China (facts 1.7, M)", "E/M",
    "an allocation is what one mid-size buyer (~1,600 t/yr of magnets) can plausibly contract: a few % to ~15 % "
    "of a plant's output, never its nameplate; oxides and metals ~1 month, magnets ~2 months from Asia")


def build_offers():
    offers = []
    for (oid, site, mat, price, cap, lead, kind, term, origin, p_src, p_mark, c_note, c_mark) in OFFER_SPECS:
        row = {"offer": oid, "site": site, "material": mat, "price": price, "capacity_per_period": cap,
               "lead_time": lead, "origin_country": origin, "qualified": YES, "spot": kind == "spot"}
        in_china = SITE_COUNTRY[site] == "CN"
        src(f"offers {oid}: price", f"{price:,} USD/t", p_src, p_mark,
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
                months, qcost, _note = (term, QUAL["feed"][1], "") if isinstance(term, int) else QUAL[term]
                cls = f"{months} months (commissioning and feed qualification)" if isinstance(term, int) else term
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
                "E", "a spot seller's capacity is what it has on hand; crises cut it like any offer's")
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
src("DFARS rule applied from period 1", "defence demand max_origin_group = free", "DFARS 2024 final rule: from "
    "2027-01-01 no mining, refining, separation, melting or production in covered countries (Crowell & Moring, "
    "Federal Register 2024-11513, facts 1.6)", "S/P",
    "periods 1-6 fall under the 2019 melted-or-produced rule, which is looser; the DFARS store covers them")

# ==================================================================================================
# inventory: (site, material, initial_stock t, initial_origin_group, max_stock t,
#             holding USD/t/month, min_stock t, end_stock_min t (None: = initial_stock), max_origin_group)
# ==================================================================================================
INVENTORY = [
    ("OWN_US", "NdFeB_magnet", 180, "CN", 600, 750, 30, _, _),
    ("OWN_US", "NdFeB_HT_magnet", 60, "CN", 250, 1_400, _, _, _),
    ("OWN_US", "NdFeB_alloy", 150, "CN", 500, 470, _, _, _),
    ("OWN_US", "NdPr_metal", 0, "CN", 200, 1_100, _, _, _),
    ("OWN_US", "DyFe_alloy", 1.2, "CN", 10, 3_400, _, _, _),
    ("OWN_US", "Tb_metal", 0.4, "CN", 3, 18_000, _, _, _),
    ("OWN_US", "Sm_metal", 1.5, "CN", 10, 300, _, _, _),
    ("OWN_US", "SmCo_magnet", 2, "CN", 20, 1_800, _, _, _),
    ("OWN_US", "NdFeB_swarf", 0, "CN", 0, 0, _, _, _),
    ("OWN_WH", "NdFeB_HT_magnet", 60, "free", 250, 1_400, _, _, "free"),
    ("OWN_WH", "SmCo_magnet", 12, "free", 40, 2_500, _, _, "free"),
    ("OWN_WH", "NdFeB_alloy", 30, "free", 300, 450, _, _, "free"),
    ("OWN_WH", "DyFe_alloy", 1.0, "free", 10, 4_600, _, _, "free"),
    ("OWN_WH", "Tb_metal", 0.3, "free", 3, 22_000, _, _, "free"),
    ("OWN_WH", "Sm_metal", 3, "free", 15, 870, _, _, "free"),
]
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
     "value; suspended by No. 70 until 2026-11-10 (= period 5) (P/S). Scenario: the suspension lapses.",
     "CN", "magnet, magnet_material", _, "*", _, YES, "licence", 2, _, "scenario", 5, _),
    ("CN_TECH_2025",
     "MOFCOM No. 56/62 (2025-10-09): RE equipment (HD furnaces, jet mills) and help by Chinese persons to "
     "overseas magnet projects; suspended until 2026-11-10 (S). Stops OWN_SINTER_CNEQ if built after it.",
     "CN", _, "RE_equipment, RE_separation, RE_metal_alloy, NdFeB_magnet_prep", _, _, NO, "ban", _, _,
     "scenario", 5, _),
    ("CN_LIC_FREEZE",
     "Licence approvals frozen, as in Apr-May 2025 when magnet exports fell 74 % y/y (Automotive World / WSJ, "
     "S): each window blocks No. 18 items (now all sintered NdFeB) for 4 months, then licences flow again.",
     "CN", "licence_2025", _, "*", _, NO, "licence", 4, _, "scenario", 1, _),
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
# scenarios: (scenario, probability, description). Probabilities are E (judgement; facts §2: nothing
# found on what MOFCOM did after 2026-11-10).
# scenario_events: (scenario, event, target, start_period, duration, notice, factor)
# A crisis on a group is a price and an outage event on each scrambled material group (every offer of
# it: Chinese offers are blocked in those windows, so the events bite on the ex-China ones).
# ==================================================================================================
SCENARIOS = [
    ("baseline", 0.43, "Status quo: April 2025 licences, June 2026 entity list; Oct 2025 rules stay suspended."),
    ("lapse_nov2026", 0.20, "The suspension ends on 2026-11-10: the 0.1 % rule and the equipment/technology "
                            "controls return in month 5 (known a month ahead); ex-China magnets and alloy are "
                            "scrambled for while licences are pending."),
    ("licence_freeze", 0.15, "Licence approvals frozen for 4 months from month 7; ex-China heavy REs, magnets and "
                             "alloy scrambled for meanwhile."),
    ("hre_ban", 0.10, "Ban on heavy REs and Dy/Tb-bearing magnets to the US from month 4, announced 2 months "
                      "ahead; US buyers scramble for ex-China supply for a year."),
    ("lynas_outage", 0.07, "Lynas Malaysia stops for 9 months from month 8 (licence or plant failure); its buyers "
                           "turn to the other ex-China NdPr oxide."),
    ("escalation", 0.05, "Suspension lapses (month 5), heavy-RE ban to the US (month 8), magnet ban and OurCo "
                         "listed (month 12); ex-China supply scrambled for from month 8 on."),
]

SCRAMBLE_GROUPS = {"lapse": ("magnet", "magnet_material"),
                   "licence": ("heavy_REE", "magnet", "magnet_material")}


def scramble(scenario: str, groups, start: int, duration, notice: int) -> list[tuple]:
    rows = []
    for g in groups:
        rows.append((scenario, "price", g, start, duration, notice, SCRAMBLE_PRICE))
        rows.append((scenario, "outage", g, start, duration, notice, SCRAMBLE_ALLOC))
    return rows


SCENARIO_EVENTS = [
    ("lapse_nov2026", "rule", "CN_0P1_RULE", 5, _, 1, _),
    ("lapse_nov2026", "rule", "CN_TECH_2025", 5, _, 1, _),
    *scramble("lapse_nov2026", SCRAMBLE_GROUPS["lapse"], 5, 2, 1),
    ("licence_freeze", "rule", "CN_LIC_FREEZE", 7, 6, 0, _),
    *scramble("licence_freeze", SCRAMBLE_GROUPS["licence"], 7, 4, 0),
    ("hre_ban", "rule", "CN_HRE_BAN", 4, _, 2, _),
    *scramble("hre_ban", SCRAMBLE_GROUPS["licence"], 4, 12, 2),
    ("lynas_outage", "outage", "MY_GEBENG", 8, 9, 0, _),
    ("lynas_outage", "price", "LYNAS_NDPR_OX", 8, 9, 0, 0.0),  # force majeure: no take-or-pay while it is down
    *[("lynas_outage", "outage", o, 8, 9, 0, SCRAMBLE_ALLOC)
      for o in ("MP_NDPR_OX", "EF_NDPR_OX", "NEO_NDPR_OX", "ILUKA_NDPR_OX")],
    ("escalation", "rule", "CN_0P1_RULE", 5, _, 1, _),
    ("escalation", "rule", "CN_TECH_2025", 5, _, 1, _),
    *scramble("escalation", SCRAMBLE_GROUPS["lapse"], 5, 2, 1),
    ("escalation", "rule", "CN_HRE_BAN", 8, _, 1, _),
    *scramble("escalation", SCRAMBLE_GROUPS["licence"], 8, _, 1),
    ("escalation", "rule", "CN_MAGNET_BAN", 12, _, 0, _),
    ("escalation", "rule", "CN_ENTITY_OURCO", 12, _, 0, _),
]
src("Scenario probabilities", "0.43/0.20/0.15/0.10/0.07/0.05", "judgement; post-2026-11-10 status not found "
    "(facts 2)", "E", "a truce since Nov 2025 (No. 70, S) makes the status quo the likeliest single outcome")
src("Scenario lapse_nov2026", "0.1 % rule and No. 56/62 from month 5; magnets/alloy scramble months 5-6",
    "No. 61/62/70 (facts 1.6, P/S)", "P/S/E", "the scramble lasts the 2-month licence window")
src("Scenario licence_freeze", "4-month freeze from month 7; heavy REs, magnets, alloy scramble months 7-10",
    "Apr-May 2025: magnet exports -74 % y/y in May (S); Europe Dy/Tb 2-4x (S)", "S/E", "")
src("Scenario hre_ban", "ban to the US from month 4 (notice 2); scramble for 12 months", "No. 46 (2024) "
    "US-only ban precedent (S)", "S/E",
    "a year for ex-China capacity to respond: Lynas HRE expansion (W), Iluka 2027 (S)")
src("Scenario lynas_outage", "MY_GEBENG stops months 8-16; other ex-China NdPr oxide x0.5; Lynas take-or-pay "
    "suspended (price x0 while down: force majeure)", "Lynas is about half "
    "of ex-China NdPr (Lynas 6,558 t FY25, MP 1,294 t 2024, S)", "S/E",
    "its buyers turn to MP, Energy Fuels, Neo, Iluka")
src("Scenario escalation", "lapse (5), HRE ban to US (8), magnet ban + OurCo listed (12); scramble from 8 on",
    "case assumption", "E", "")
src("Units", "USD; USD/t; t (concentrates t REO); months", "case convention", "-", "")
src("Period 1", "July 2026", "case convention", "-",
    "entity list 2026-06-22 in force; LCM deal closed 2025-11-18; No. 70 suspension ends in period 5")
src("OurCo", "fictional US magnet and motor maker", "case convention", "E", "")
src("Facts file", FACTS, "all reliability marks follow it", "-", "")


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
                            "holding_cost_per_period", "min_stock", "end_stock_min", "max_origin_group"),
                           INVENTORY),
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

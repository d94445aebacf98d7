"""Build the default case workbook ``inputs/rare_earth_magnets.xlsx`` (DESIGN.md §7).

Run from the repository root:  python inputs/build_default_case.py  [OUT.xlsx]

The case: "OurCo", a fictional magnet and motor maker with its own sintering plant in the United
States (OWN_US) and a bonded, DFARS-compliant strategic store next to it (OWN_WH), buys rare-earth
materials and magnets along real mine-to-magnet routes (China; Australia/Malaysia; USA; Japan;
Estonia; Vietnam; Myanmar; Brazil; France; Korea; UK; Germany) and serves commercial and defence
magnet demand over 24 months. Period 1 = July 2026 (so the entity list of 2026-06-22 is in force,
and the suspension of MOFCOM No. 61/62 ends in period 5 = November 2026).

Units: quantities in tonnes (concentrates in tonnes of contained REO), money in USD, prices and
costs in USD per tonne, time in months.

Every figure is in a table below with its source and a reliability mark, as in
/work/shared/domain/rare_earth_facts.md:
  P primary, S secondary, W weak, D derived (arithmetic from other figures), M unverified default
  from the facts file, E our estimate for this case (no source; a plausible round number).
Company names are real where the company's role in the chain is public; the volumes, prices and
contract terms offered to OurCo are estimates (E) unless stated, and no real contract is implied.
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

# ==================================================================================================
# settings
# ==================================================================================================
SETTINGS = {
    "case_name": "Rare-earth magnets: OurCo US magnet and motor plant, Jul 2026 - Jun 2028 "
                 "(USD, prices USD/t, quantities t)",
    "periods": 24,
    "period_unit": "month",
    "currency": "USD",
    "origin_groups": ["free", "covered", "CN"],  # least to most controlled
    "risk_measure": "cvar_shortfall",
    "cvar_alpha": 0.9,
    "frontier_points": 11,
    "time_limit_s": 60,
    "mip_gap": 0.005,
}

# ==================================================================================================
# countries: (country, name, origin_group)
# Source: DFARS 252.225-7052 covered countries are CN, RU, KP, IR (facts §1.6, P/S). MM (Myanmar) is
# not a DFARS covered country; we put it in 'covered' (E) because its ionic-clay output is mined in
# conflict areas and almost all of it is separated in China (facts §2 caveat: MM figures come from
# China's import data). Its material becomes CN-origin anyway once separated in China.
# ==================================================================================================
COUNTRIES = [
    ("CN", "China", "CN"),
    ("RU", "Russia", "covered"),  # DFARS covered; no site in this case (sanctioned, not a source)
    ("MM", "Myanmar", "covered"),  # see note above (E)
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

# ==================================================================================================
# materials: (material, name, stage, unit, groups)
# Groups are what the control rules name:
#   licence_2025 = items of MOFCOM/GAC No. 18 (Apr 2025): Sm, Dy, Tb oxides, metals, alloys (DyFe),
#                  SmCo magnet materials, and magnets containing Dy/Tb (facts §1.6, P/S);
#   heavy_REE    = the medium/heavy rare-earth chain (Dy, Tb, Sm; No. 18 lists Sm as well);
#   dual_use     = items China treats as dual-use (licence_2025 items, NdFeB alloy and magnets);
#   magnet, magnet_material = finished magnets / magnet alloy (No. 61 Annex 1 Part 2, magnet ban);
#   light_REE, NdPr, REE = descriptive.
# The commercial-grade NdFeB magnet carries ~1 % Dy (facts §1.3, W) but is NOT tagged licence_2025:
# China's magnet exports recovered to above the prior year by Jul 2025 (facts §1.6, S), i.e.
# commercial grades flow under routine licences; the licence rule bites on the Dy/Tb-rich HT grade.
# ==================================================================================================
MATERIALS = [
    ("RE_concentrate", "Bastnaesite rare-earth concentrate (Mountain Pass type)", "concentrate", "t REO",
     "REE, light_REE"),
    ("MREC", "Mixed rare-earth carbonate, NdPr-rich (~25 % NdPr of REO)", "concentrate", "t REO",
     "REE, light_REE"),
    ("HREC", "Ionic-clay heavy rare-earth concentrate (Myanmar type)", "concentrate", "t REO",
     "REE, heavy_REE"),
    ("NdPr_oxide", "NdPr oxide (PrNd oxide, 99 %)", "oxide", "t", "REE, light_REE, NdPr"),
    ("Dy_oxide", "Dysprosium oxide (99.5 %)", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Tb_oxide", "Terbium oxide (Tb4O7, 99.99 %)", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Sm_oxide", "Samarium oxide", "oxide", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("NdPr_metal", "NdPr metal", "metal", "t", "REE, light_REE, NdPr"),
    ("DyFe_alloy", "Dysprosium-iron alloy (~80 % Dy)", "alloy", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Tb_metal", "Terbium metal", "metal", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("Sm_metal", "Samarium metal", "metal", "t", "REE, heavy_REE, licence_2025, dual_use"),
    ("NdFeB_alloy", "Strip-cast NdFeB alloy (~31 % NdPr, ~1 % Dy)", "alloy", "t",
     "REE, magnet_material, dual_use"),
    ("NdFeB_magnet", "Sintered NdFeB magnet, commercial grade (N/M/H)", "magnet", "t",
     "REE, magnet, NdFeB, dual_use"),
    ("NdFeB_HT_magnet", "Sintered NdFeB magnet, high-temperature grade (SH/UH/EH, Dy/Tb by GBD)", "magnet", "t",
     "REE, magnet, NdFeB, heavy_REE, licence_2025, dual_use"),
    ("SmCo_magnet", "Sintered SmCo magnet (Sm2Co17)", "magnet", "t",
     "REE, magnet, heavy_REE, licence_2025, dual_use"),
]

# ==================================================================================================
# sites: (site, name, country, owner, role)
# Owners are the real companies where the site's role is public (facts §1.5, S/W; company sites).
# OurCo is fictional: it is "us". Demand sits at OWN_US.
# ==================================================================================================
OURCO = "OurCo"
SITES = [
    # --- us ---
    ("OWN_US", "OurCo magnet and motor plant (US)", "US", OURCO, "own"),
    ("OWN_WH", "OurCo bonded strategic store, DFARS-compliant stock (US)", "US", OURCO, "warehouse"),
    # --- China ---
    ("CN_BAOTOU", "China Northern Rare Earth, Baotou (separation, metal, alloy)", "CN",
     "China Northern Rare Earth", "supplier"),
    ("CN_SHENGHE", "Shenghe Resources, Leshan (toll separation of imported concentrate)", "CN",
     "Shenghe Resources", "processor"),
    ("CN_GANZHOU", "China Rare Earth Group, Ganzhou (heavy RE separation, Dy/Tb metals)", "CN",
     "China Rare Earth Group", "supplier"),
    ("CN_JLMAG", "JL Mag Rare-Earth, Ganzhou (sintered NdFeB)", "CN", "JL Mag Rare-Earth", "supplier"),
    ("CN_NINGBO", "Ningbo Yunsheng (sintered NdFeB)", "CN", "Ningbo Yunsheng", "supplier"),
    ("CN_HANGZHOU", "Hangzhou Permanent Magnet Group (SmCo)", "CN", "Hangzhou Permanent Magnet Group",
     "supplier"),
    # --- Myanmar ---
    ("MM_KACHIN", "Kachin ionic-clay mines (informal cross-border trade)", "MM", "Kachin mine operators",
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
    ("US_STILLWATER", "USA Rare Earth, Stillwater OK (sintered NdFeB, toll)", "US", "USA Rare Earth",
     "processor"),
    ("US_SUMTER", "e-VAC (VAC), Sumter SC (sintered NdFeB)", "US", "VAC", "supplier"),
    ("US_SANMARCOS", "Noveon Magnetics, San Marcos TX (recycled sintered NdFeB)", "US", "Noveon Magnetics",
     "supplier"),
    ("US_ARNOLD", "Arnold Magnetic Technologies, Rochester NY (SmCo)", "US", "Arnold Magnetic Technologies",
     "supplier"),
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
    ("GB_LCM", "Less Common Metals, Ellesmere Port (DyFe, Tb, Sm metals, toll)", "GB", "Less Common Metals",
     "processor"),
    ("DE_TRADIUM", "TRADIUM, Frankfurt (rare-earth metals trader, Chinese-origin stock)", "DE", "TRADIUM",
     "supplier"),
    # --- Brazil ---
    ("BR_SERRAVERDE", "Serra Verde, Minacu GO (ionic-clay MREC)", "BR", "Serra Verde", "supplier"),
]

# ==================================================================================================
# offers: (offer, site, material, price USD/t, capacity t/month, min t/month (take-or-pay),
#          fixed_cost USD, lead_time months, qualified, qualification_periods, qualification_cost USD,
#          origin_country, spot, source note)
# Prices: facts §1.4 (SMM 2025-04-10 China prices, S; Argus Europe 2025, S; Fastmarkets 2024, S;
#   DoD-MP NdPr floor $110/kg, S). Ex-China contract prices carry a premium (E). Capacities are OurCo's
#   plausible allocation, not the plant's nameplate (E; nameplates in facts §1.5). Lead times: standard
#   sintered NdFeB 4-8 weeks ex-China (M), oxides/metals ~1 month (E). Qualification of a non-China
#   supplier 6-18 months (M); qualification and contracting costs are E.
# Take-or-pay (min_per_period) only on offers that are qualified today (Lynas NdPr oxide, Shin-Etsu HT,
#   MP concentrate): DESIGN §4 charges the minimum in every period an order could arrive, which for an
#   unqualified offer would include the months before it may be ordered at all.
# ==================================================================================================
OFFERS = [
    # --- China (CN origin) ---
    ("CNR_NDPR_OX", "CN_BAOTOU", "NdPr_oxide", 60_000, 80, _, 50_000, 1, YES, _, _, _, NO,
     "SMM PrNd oxide CNY 433-437k/t = ~$60/kg (2025-04-10, S)"),
    ("CNR_NDPR_METAL", "CN_BAOTOU", "NdPr_metal", 74_000, 80, _, 50_000, 1, YES, _, _, _, NO,
     "SMM PrNd metal CNY 531-535k/t = ~$74/kg (2025-04-10, S)"),
    ("CNR_ALLOY", "CN_BAOTOU", "NdFeB_alloy", 31_000, 80, _, 50_000, 1, YES, _, _, _, NO,
     "D: 0.31 t NdPr metal x $74k + 0.012 t DyFe x $228k + ~$5k Fe/B/casting"),
    ("CNR_SM_METAL", "CN_BAOTOU", "Sm_metal", 20_000, 4, _, _, 1, YES, _, _, _, NO, "E (no Sm price in facts)"),
    ("CREG_DY_OX", "CN_GANZHOU", "Dy_oxide", 230_000, 3, _, _, 1, YES, _, _, _, NO,
     "SMM Dy oxide CNY 1.68-1.70M/t = ~$230/kg (2025-04-10, S)"),
    ("CREG_DYFE", "CN_GANZHOU", "DyFe_alloy", 228_000, 4, _, _, 1, YES, _, _, _, NO,
     "SMM DyFe CNY 1.63-1.65M/t (2025-04-10, S)"),
    ("CREG_TB_METAL", "CN_GANZHOU", "Tb_metal", 1_200_000, 0.8, _, _, 1, YES, _, _, _, NO,
     "SMM Tb metal CNY 8.6-8.7M/t = ~$1,200/kg (2025-04-10, S)"),
    ("JLMAG_MAG", "CN_JLMAG", "NdFeB_magnet", 50_000, 120, _, 100_000, 2, YES, _, _, _, NO,
     "E/D: RE content ~$40k/t + sintering; commodity N35 $19.5-22/kg (W) is a floor"),
    ("JLMAG_HT", "CN_JLMAG", "NdFeB_HT_magnet", 95_000, 50, _, 100_000, 2, YES, _, _, _, NO,
     "E: HT premium 2-3x N grades (W), here ~1.9x"),
    ("NINGBO_MAG_SPOT", "CN_NINGBO", "NdFeB_magnet", 62_000, 40, _, _, 1, YES, _, _, _, YES,
     "E: spot premium ~25 % over contract"),
    ("HPMG_SMCO", "CN_HANGZHOU", "SmCo_magnet", 120_000, 4, _, _, 2, YES, _, _, _, NO, "E"),
    # --- Myanmar (covered origin), informal spot trade into China ---
    ("MM_HREC_SPOT", "MM_KACHIN", "HREC", 13_000, 30, _, _, 0, YES, _, _, _, YES,
     "E: Dy/Tb-rich ionic-clay concentrate; co-products not credited"),
    # --- Lynas (AU ore, separated in MY) ---
    ("LYNAS_NDPR_OX", "MY_GEBENG", "NdPr_oxide", 80_000, 40, 10, 500_000, 1, YES, _, _, _, NO,
     "E: Argus Europe NdPr oxide $82.5-85/kg (2025-09-25, S); Lynas NdPr 6,558 t FY25 (S)"),
    ("LYNAS_DY_OX", "MY_GEBENG", "Dy_oxide", 450_000, 1.5, _, 100_000, 1, NO, 6, 200_000, _, NO,
     "E: between China $230/kg and Europe peaks $700-1,000/kg (S); HRE circuit first Dy/Tb 2025 (S)"),
    ("LYNAS_TB_OX", "MY_GEBENG", "Tb_oxide", 1_800_000, 0.3, _, 100_000, 1, NO, 6, 200_000, _, NO,
     "E: Europe Tb oxide $930-1,000/kg (Apr 2025) -> $2,000-4,000/kg (May 2025) (S)"),
    # --- Iluka (AU), refinery commissioning 2027: first order after 15 months (qualification) ---
    ("ILUKA_NDPR_OX", "AU_ENEABBA", "NdPr_oxide", 82_000, 40, _, 500_000, 1, NO, 15, 300_000, _, NO,
     "E price; Eneabba 12,100-18,400 t/yr REO, commissioning 2027 (S)"),
    # --- MP Materials (US) ---
    ("MP_CONC", "US_MTPASS", "RE_concentrate", 5_000, 300, 50, 100_000, 1, YES, _, _, _, NO,
     "E: ~$5/kg REO in concentrate; Mountain Pass 45,455 t REO (2024, P)"),
    ("MP_NDPR_OX", "US_MTPASS", "NdPr_oxide", 85_000, 15, _, 100_000, 1, NO, 6, 250_000, _, NO,
     "E: MP realised NdPr $51/kg 2024 (S); DoD floor $110/kg (S)"),
    ("MP_NDPR_METAL", "US_INDEPENDENCE", "NdPr_metal", 110_000, 10, _, 500_000, 1, NO, 9, 300_000, _, NO,
     "E: floor $110/kg oxide basis (S) less volume; Independence NdPr metal from Dec 2024 (S)"),
    # --- Energy Fuels (US) ---
    ("EF_NDPR_OX", "US_WHITEMESA", "NdPr_oxide", 85_000, 20, _, 100_000, 1, NO, 6, 250_000, _, NO,
     "E price; White Mesa Phase 1 850-1,000 t/yr NdPr (S)"),
    # --- Neo Performance (EE) ---
    ("NEO_NDPR_OX", "EE_SILMET", "NdPr_oxide", 85_000, 15, _, 100_000, 1, NO, 9, 250_000, _, NO,
     "E price; Silmet ~3,000 t/yr light RE separation (S)"),
    ("NEO_NARVA_MAG", "EE_NARVA", "NdFeB_magnet", 80_000, 40, _, 1_000_000, 2, NO, 9, 400_000, _, NO,
     "E price; Narva phase 1 2,000 t/yr, ramp 2026 (S)"),
    # --- Serra Verde (BR), MREC tolled at Solvay La Rochelle ---
    ("SERRA_MREC", "BR_SERRAVERDE", "MREC", 12_000, 60, _, 100_000, 1, NO, 6, 150_000, _, NO,
     "E: MREC payability ~50-60 % of NdPr value; route Serra Verde -> La Rochelle is our assumption"),
    # --- Solvay (FR) samarium ---
    ("SOLVAY_SM_OX", "FR_LAROCHELLE", "Sm_oxide", 60_000, 3, _, 50_000, 1, NO, 9, 200_000, _, NO,
     "E: ex-China Sm premium; La Rochelle magnet-RE line opened 2025-04-09 (S)"),
    # --- Japan (origin JP: Lynas/JARE-fed supply; China bans dual-use exports to JP since 2026-01) ---
    ("SANTOKU_ALLOY", "JP_SANTOKU", "NdFeB_alloy", 45_000, 30, _, 500_000, 1, NO, 6, 300_000, _, NO,
     "E: non-China NdPr metal ~$105k/t x 0.31 + DyFe + casting"),
    ("SHINETSU_HT", "JP_TAKEFU", "NdFeB_HT_magnet", 140_000, 6, 3, 250_000, 2, YES, _, _, _, NO,
     "E: small allocation of non-China HT grade; Shin-Etsu capacity (P/W)"),
    ("PROTERIAL_HT", "JP_PROTERIAL", "NdFeB_HT_magnet", 150_000, 10, _, 200_000, 2, NO, 9, 300_000, _, NO,
     "E; Proterial capacity not disclosed (W)"),
    # --- Vietnam: Chinese-origin feed (origin_country CN) ---
    ("SMMV_MAG", "VN_SMMV", "NdFeB_magnet", 70_000, 40, _, 100_000, 2, YES, _, _, "CN", NO,
     "E: Shin-Etsu Vietnam 2,200 t/yr (P/W); feed assumed Chinese-origin (E)"),
    ("VTRE_NDPR_METAL_SPOT", "VN_VTRE", "NdPr_metal", 80_000, 15, _, _, 1, YES, _, _, "CN", YES,
     "E: metal reduced in VN from Chinese oxide"),
    # --- European trader selling Chinese-origin stock (origin_country CN) ---
    ("TRADIUM_DYFE_SPOT", "DE_TRADIUM", "DyFe_alloy", 320_000, 1, _, _, 0, YES, _, _, "CN", YES,
     "E: Rotterdam asks >$1,100/kg Dy oxide in 2025 but <1 % of volume traded there (S)"),
    ("TRADIUM_TB_SPOT", "DE_TRADIUM", "Tb_metal", 1_700_000, 0.2, _, _, 0, YES, _, _, "CN", YES, "E"),
    # --- US magnet makers (origin US) ---
    ("EVAC_HT", "US_SUMTER", "NdFeB_HT_magnet", 160_000, 15, _, 1_500_000, 1, NO, 12, 500_000, _, NO,
     "E price; eVAC Sumter operations late 2025, ~2,000 t/yr (W)"),
    ("NOVEON_MAG", "US_SANMARCOS", "NdFeB_magnet", 110_000, 20, _, 200_000, 1, NO, 6, 250_000, _, NO,
     "D: Noveon 2,000 t/yr ~ $250M revenue -> ~$125/kg (S/D), less volume"),
    ("ARNOLD_SMCO", "US_ARNOLD", "SmCo_magnet", 250_000, 2, _, 100_000, 2, NO, 6, 150_000, _, NO, "E"),
]

# ==================================================================================================
# processes: (process, site, output, capacity t/month, cost USD/t output, exists, build_cost USD,
#             build_periods months, technology, technology_origin, source note)
# process_inputs: (process, input, t input per t output)
# Ratios (facts §1.3): alloy -> magnet 80 % yield => 1.25 t alloy/t magnet (S, Minowa 2008);
# NdPr 29-32.5 wt% (W), "about a third" (S) => 0.31 t NdPr metal/t alloy; Dy 0.6-1.2 wt% (W) =>
# 0.012 t DyFe (80 % Dy)/t alloy; oxide -> metal 0.857 stoichiometric (D) + ~3 % loss => 1.2;
# Dy2O3 -> Dy 0.871, Tb4O7 -> Tb 0.850, Sm2O3 -> Sm 0.862 (D, atomic masses) at 95 % yield;
# separation recovery ~95 % (M); Sm2Co17 ~25 wt% Sm (W) at ~85 % yield => 0.30 t Sm/t magnet;
# GBD: ~0.5 wt% Tb and ~1.6 wt% Dy added (E). Fe, B, Co and Cu are bought in the cost_per_unit.
# Costs and build figures are E (magnet plants: USA Rare Earth ~1,200 t/yr, eVAC >$500M (S/W)).
# ==================================================================================================
PROCESSES = [
    # --- OurCo, existing lines ---
    ("OWN_SINTER_STD", "OWN_US", "NdFeB_magnet", 60, 12_000, YES, _, _, "NdFeB_magnet_prep", "JP",
     "existing sintering line, Japanese licensed process (E)"),
    ("OWN_GBD_HT", "OWN_US", "NdFeB_HT_magnet", 25, 18_000, YES, _, _, "GBD_diffusion", "JP",
     "existing grain-boundary-diffusion HT line (E)"),
    ("OWN_SMCO", "OWN_US", "SmCo_magnet", 5, 40_000, YES, _, _, "SmCo_magnet_prep", "US",
     "existing SmCo line; cost includes ~0.6 t cobalt per t (E)"),
    # --- OurCo, buildable ---
    ("OWN_STRIPCAST_JP", "OWN_US", "NdFeB_alloy", 120, 4_000, NO, 15_000_000, 9, "RE_metal_alloy", "JP",
     "strip caster with Japanese technology (E)"),
    ("OWN_STRIPCAST_CN", "OWN_US", "NdFeB_alloy", 120, 3_500, NO, 9_000_000, 6, "RE_metal_alloy", "CN",
     "cheaper turnkey Chinese strip caster: forbidden by the 2023 technology ban (E)"),
    ("OWN_SINTER_CNEQ", "OWN_US", "NdFeB_magnet", 50, 10_000, NO, 30_000_000, 6, "RE_equipment", "CN",
     "sintering expansion on Chinese HD furnaces and jet mills (No. 56 list, suspended) (E)"),
    ("OWN_GBD_JP", "OWN_US", "NdFeB_HT_magnet", 30, 16_000, NO, 45_000_000, 12, "GBD_diffusion", "JP",
     "HT sintering + GBD expansion, Japanese technology (E)"),
    # --- tolling at other companies' plants (exist; OurCo pays a toll per tonne) ---
    ("SEP_SHENGHE_TOLL", "CN_SHENGHE", "NdPr_oxide", 40, 18_000, YES, _, _, "RE_separation", "CN",
     "toll separation of MP concentrate in China (historic MP route, S); co-products not credited"),
    ("SEP_SOLVAY_TOLL", "FR_LAROCHELLE", "NdPr_oxide", 15, 9_000, YES, _, _, "RE_separation", "FR",
     "La Rochelle 'several hundred t' in 2025 (S)"),
    ("SEP_HRE_GANZHOU", "CN_GANZHOU", "Dy_oxide", 2, 20_000, YES, _, _, "RE_separation", "CN",
     "Myanmar ionic clay separated in Ganzhou; ~7 % Dy2O3 in REO (E); co-products not credited"),
    ("MET_KMP_NDPR", "KR_KMP", "NdPr_metal", 20, 9_000, YES, _, _, "RE_metal_alloy", "KR",
     "ASM Korean Metals Plant toll reduction (E volumes)"),
    ("MET_LCM_DYFE", "GB_LCM", "DyFe_alloy", 3, 20_000, YES, _, _, "RE_metal_alloy", "GB", "LCM DyFe (E)"),
    ("MET_LCM_TB", "GB_LCM", "Tb_metal", 0.5, 40_000, YES, _, _, "RE_metal_alloy", "GB", "LCM Tb metal (E)"),
    ("MET_LCM_SM", "GB_LCM", "Sm_metal", 3, 15_000, YES, _, _, "RE_metal_alloy", "GB", "LCM Sm metal (E)"),
    ("USAR_SINTER_TOLL", "US_STILLWATER", "NdFeB_magnet", 20, 20_000, YES, _, _, "NdFeB_magnet_prep", "JP",
     "USA Rare Earth Stillwater 1,200 t/yr initial, ex-Hitachi equipment (W/S); toll on our alloy (E)"),
]

PROCESS_INPUTS = [
    ("OWN_SINTER_STD", "NdFeB_alloy", 1.25),
    ("OWN_GBD_HT", "NdFeB_alloy", 1.25),
    ("OWN_GBD_HT", "Tb_metal", 0.006),
    ("OWN_GBD_HT", "DyFe_alloy", 0.02),
    ("OWN_SMCO", "Sm_metal", 0.30),
    ("OWN_STRIPCAST_JP", "NdPr_metal", 0.31),
    ("OWN_STRIPCAST_JP", "DyFe_alloy", 0.012),
    ("OWN_STRIPCAST_CN", "NdPr_metal", 0.31),
    ("OWN_STRIPCAST_CN", "DyFe_alloy", 0.012),
    ("OWN_SINTER_CNEQ", "NdFeB_alloy", 1.25),
    ("OWN_GBD_JP", "NdFeB_alloy", 1.25),
    ("OWN_GBD_JP", "Tb_metal", 0.006),
    ("OWN_GBD_JP", "DyFe_alloy", 0.02),
    ("SEP_SHENGHE_TOLL", "RE_concentrate", 6.6),  # NdPr ~16 % of bastnaesite REO (E), 95 % recovery (M)
    ("SEP_SOLVAY_TOLL", "MREC", 4.2),             # NdPr ~25 % of REO (E), 95 % recovery (M)
    ("SEP_HRE_GANZHOU", "HREC", 15.0),            # Dy2O3 ~7 % of REO (E), 95 % recovery (M)
    ("MET_KMP_NDPR", "NdPr_oxide", 1.2),          # 0.857 stoichiometric (D) + losses (facts §1.3)
    ("MET_LCM_DYFE", "Dy_oxide", 0.97),           # 0.80 Dy / 0.871 / 0.95 (D)
    ("MET_LCM_TB", "Tb_oxide", 1.24),             # 1 / 0.850 / 0.95 (D)
    ("MET_LCM_SM", "Sm_oxide", 1.22),             # 1 / 0.862 / 0.95 (D)
    ("USAR_SINTER_TOLL", "NdFeB_alloy", 1.25),
]

# ==================================================================================================
# lanes: (from_site, to_site, materials, cost USD/t, lead_time months, capacity t/month or None)
# Ocean freight + customs between continents ~1 month, domestic/overland 0 (E); costs E (air freight
# for the small, valuable heavy-RE lots). Every offer's site has a route to OWN_US; every tolling
# process's inputs can reach it.
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
    ("GB_LCM", "OWN_US", "DyFe_alloy, Tb_metal, Sm_metal", 5_000, 1, 10),
    ("DE_TRADIUM", "OWN_US", "DyFe_alloy, Tb_metal", 5_000, 0, 2),
    ("US_INDEPENDENCE", "OWN_US", "NdPr_metal", 500, 0, _),
    ("US_SUMTER", "OWN_US", "NdFeB_HT_magnet", 500, 0, _),
    ("US_SANMARCOS", "OWN_US", "NdFeB_magnet", 500, 0, _),
    ("US_ARNOLD", "OWN_US", "SmCo_magnet", 800, 0, _),
    ("US_STILLWATER", "OWN_US", "NdFeB_magnet", 500, 0, _),
    # --- OurCo's own moves: toll sintering at USA Rare Earth, strategic store ---
    ("OWN_US", "US_STILLWATER", "NdFeB_alloy", 500, 0, 25),
    ("OWN_US", "OWN_WH", WH_MATERIALS, 200, 0, _),
    ("OWN_WH", "OWN_US", WH_MATERIALS, 200, 0, _),
    # --- NdPr oxide to the Korean metal toller ---
    ("CN_BAOTOU", "KR_KMP", "NdPr_oxide", 1_000, 1, _),
    ("CN_SHENGHE", "KR_KMP", "NdPr_oxide", 1_200, 1, _),
    ("MY_GEBENG", "KR_KMP", "NdPr_oxide", 1_500, 1, _),
    ("AU_ENEABBA", "KR_KMP", "NdPr_oxide", 1_500, 1, _),
    ("US_MTPASS", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    ("US_WHITEMESA", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    ("EE_SILMET", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    ("FR_LAROCHELLE", "KR_KMP", "NdPr_oxide", 2_500, 1, _),
    # --- feed to separation tollers ---
    ("US_MTPASS", "CN_SHENGHE", "RE_concentrate", 300, 1, _),
    ("BR_SERRAVERDE", "FR_LAROCHELLE", "MREC", 400, 1, _),
    ("MM_KACHIN", "CN_GANZHOU", "HREC", 200, 0, 50),
    # --- oxides to the UK metal toller ---
    ("MY_GEBENG", "GB_LCM", "Dy_oxide, Tb_oxide", 3_000, 1, _),
    ("CN_GANZHOU", "GB_LCM", "Dy_oxide", 3_000, 1, _),
    ("FR_LAROCHELLE", "GB_LCM", "Sm_oxide", 1_000, 0, _),
]

# ==================================================================================================
# demand at OWN_US: (site, material, period, t/month, shortfall_penalty USD/t, max_origin_group, note)
# Scale: one manufacturer, ~1,600 t of magnets a year (E; cf. Noveon 2,000 t/yr, Narva 2,000 t/yr, S).
# Defence under DFARS 252.225-7052: no covered-country content; from 2027-01-01 (period 7) that reaches
# mining and separation (S/P) - we apply the mine-to-magnet rule from period 1 (max_origin_group free).
# Penalties (E): commercial demand at about the lost margin plus the price of the dearest clean magnet
# (a lost sale, not a catastrophe), so a rare crisis may be cheaper to ride out than to insure against:
# that is the cost-versus-risk trade-off the frontier shows. Defence demand at $1M/t (programme
# penalties), so the model serves it whenever it can.
# ==================================================================================================
DEMAND = [
    ("OWN_US", "NdFeB_magnet", "*", 90, 130_000, _, "commercial motors (EV, industrial)"),
    ("OWN_US", "NdFeB_HT_magnet", "*", 30, 200_000, _, "commercial HT grade (traction motors)"),
    ("OWN_US", "NdFeB_HT_magnet", "*", 10, 1_000_000, "free", "defence programmes, DFARS"),
    ("OWN_US", "SmCo_magnet", "*", 2, 1_000_000, "free", "defence programmes, DFARS"),
    ("OWN_US", "SmCo_magnet", "*", 1, 300_000, _, "commercial aerospace/industrial"),
]

# ==================================================================================================
# inventory: (site, material, initial_stock t, initial_origin_group, max_stock t,
#             holding USD/t/month, min_stock t, end_stock_min t (None: = initial_stock))
# Initial stocks ~2-3 months of use at the plant (automakers' 2025 buffer ~2-3 months, S/D; magnet
# makers 60-90 days of RE metal, 30-60 days of magnets, M) and a DFARS-compliant strategic store of
# ~6 months of defence demand (DoD rotating 6-month NdFeB buffer, S). One origin group per (site,
# material) row, so Chinese-origin working stock sits at OWN_US and clean stock at OWN_WH.
# Holding cost ~1.5 %/month of value at the plant, ~1 %/month in the store (E).
# ==================================================================================================
INVENTORY = [
    ("OWN_US", "NdFeB_magnet", 180, "CN", 600, 750, 30, _),
    ("OWN_US", "NdFeB_HT_magnet", 60, "CN", 250, 1_400, _, _),
    ("OWN_US", "NdFeB_alloy", 150, "CN", 500, 470, _, _),
    ("OWN_US", "NdPr_metal", 0, "CN", 200, 1_100, _, _),
    ("OWN_US", "DyFe_alloy", 1.2, "CN", 10, 3_400, _, _),
    ("OWN_US", "Tb_metal", 0.4, "CN", 3, 18_000, _, _),
    ("OWN_US", "Sm_metal", 1.5, "CN", 10, 300, _, _),
    ("OWN_US", "SmCo_magnet", 2, "CN", 20, 1_800, _, _),
    ("OWN_WH", "NdFeB_HT_magnet", 60, "free", 250, 1_400, _, _),
    ("OWN_WH", "SmCo_magnet", 12, "free", 40, 2_500, _, _),
    ("OWN_WH", "NdFeB_alloy", 30, "free", 300, 450, _, _),
    ("OWN_WH", "DyFe_alloy", 1.0, "free", 10, 4_600, _, _),
    ("OWN_WH", "Tb_metal", 0.3, "free", 3, 22_000, _, _),
    ("OWN_WH", "Sm_metal", 3, "free", 15, 870, _, _),
]

# ==================================================================================================
# controls: (rule, description, issuer, materials, technologies, to_countries, to_owners,
#            extraterritorial, kind, licence_lead_time, quota_per_period, status, start_period,
#            end_period)
# In force today (Jul 2026): 2023 technology ban, April 2025 licences, the June 2026 entity list,
# the January 2026 ban on dual-use exports to Japan. Scenario rules (escalations) are switched on only
# by scenario_events. Facts §1.6 for every measure.
# ==================================================================================================
CONTROLS = [
    ("CN_TECH_2023",
     "Catalogue of technologies prohibited for export, Dec 2023: RE extraction/separation, metal and alloy "
     "production, NdFeB/SmCo magnet preparation (S). Forbids building OWN_STRIPCAST_CN.",
     "CN", _, "RE_separation, RE_metal_alloy, NdFeB_magnet_prep, SmCo_magnet_prep", _, _, NO, "ban", _, _,
     "in_force", 1, _),
    ("CN_LIC_HRE_2025",
     "MOFCOM/GAC No. 18 (2025-04-04): export licence for Sm, Gd, Tb, Dy, Lu, Sc, Y items incl. SmCo and "
     "Dy/Tb-bearing magnets; 45 working days ~ 2 months to obtain (P/S). Our licences are filed at the start "
     "of the plan: no Chinese heavy-RE item ships in months 1-2.",
     "CN", "licence_2025", _, "*", _, NO, "licence", 2, _, "in_force", 1, _),
    ("CN_ENTITY_2026",
     "Export-control list of 2026-06-22: full ban on dual-use exports to MP Materials, USA Rare Earth (+8); "
     "no one anywhere may pass Chinese-origin dual-use items to them (S).",
     "CN", "dual_use", _, _, "MP Materials, USA Rare Earth", YES, "ban", _, _, "in_force", 1, _),
    ("CN_JP_DUALUSE_2026",
     "Ban on dual-use exports to Japan, Jan 2026 (W). No Chinese flow enters Japan in this case: Japanese "
     "offers are modelled as non-Chinese feed.",
     "CN", "dual_use", _, "JP", _, NO, "ban", _, _, "in_force", 1, _),
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
     "Licence approvals frozen, as in Apr-May 2025 when magnet exports fell 74 % y/y (S): each window "
     "blocks heavy-RE items for 4 months, then licences flow again.",
     "CN", "licence_2025", _, "*", _, NO, "licence", 4, _, "scenario", 1, _),
    ("CN_HRE_BAN",
     "Escalation: full export ban on the No. 18 heavy-RE items (incl. HT NdFeB and SmCo magnets) (E).",
     "CN", "licence_2025", _, "*", _, NO, "ban", _, _, "scenario", 1, _),
    ("CN_MAGNET_BAN",
     "Escalation: export ban on all permanent magnets and magnet alloy (E).",
     "CN", "magnet, magnet_material", _, "*", _, NO, "ban", _, _, "scenario", 1, _),
    ("CN_EXPORT_QUOTA",
     "Escalation: mining/smelting quota cut rations NdPr chain exports; OurCo's share 40 t/month (E; annual "
     "quotas cap supply, S).",
     "CN", "NdPr_oxide, NdPr_metal, NdFeB_alloy", _, "*", _, NO, "quota", _, 40, "scenario", 1, _),
    ("CN_ENTITY_OURCO",
     "Escalation: OurCo (a DoD supplier) added to the export-control list; Chinese-origin dual-use items may "
     "not reach it from anywhere (E, by analogy with 2026-06-22).",
     "CN", "dual_use", _, _, OURCO, YES, "ban", _, _, "scenario", 1, _),
]

# ==================================================================================================
# scenarios: (scenario, probability, description). Probabilities are E (judgement; facts §2: nothing
# found on what MOFCOM did after 2026-11-10).
# scenario_events: (scenario, event, target, start_period, duration, notice, factor)
# ==================================================================================================
SCENARIOS = [
    ("baseline", 0.43, "Status quo: April 2025 licences, June 2026 entity list; Oct 2025 rules stay suspended."),
    ("lapse_nov2026", 0.20, "The suspension ends on 2026-11-10: the 0.1 % rule and the equipment/technology "
                            "controls return in month 5 (known a month ahead)."),
    ("licence_freeze", 0.15, "Licences frozen for 4 months from month 7, Chinese prices x2 and Myanmar border "
                             "closed for 6 months."),
    ("hre_ban", 0.10, "Full heavy-RE export ban from month 4, announced 2 months ahead."),
    # A stand-alone magnet-ban scenario (p 0.08, from month 9) was folded into baseline to keep the
    # frontier under two minutes on 2 cores; the magnet ban stays in escalation and can be put in
    # force with `sourcing whatif --ban CN_MAGNET_BAN` or ranked by `sourcing stress`.
    ("lynas_outage", 0.07, "Lynas Malaysia stops for 9 months from month 8 (licence or plant failure)."),
    ("escalation", 0.05, "Suspension lapses (month 5), quota cut and prices x2.5 (month 6), heavy-RE ban "
                         "(month 8), magnet ban and OurCo listed (month 12)."),
]

SCENARIO_EVENTS = [
    ("lapse_nov2026", "rule", "CN_0P1_RULE", 5, _, 1, _),
    ("lapse_nov2026", "rule", "CN_TECH_2025", 5, _, 1, _),
    ("licence_freeze", "rule", "CN_LIC_FREEZE", 7, 6, 0, _),
    ("licence_freeze", "price", "CN", 7, 6, 0, 2.0),
    ("licence_freeze", "outage", "MM_KACHIN", 7, 6, 0, 0.0),
    ("hre_ban", "rule", "CN_HRE_BAN", 4, _, 2, _),
    ("lynas_outage", "outage", "MY_GEBENG", 8, 9, 0, 0.0),
    ("escalation", "rule", "CN_0P1_RULE", 5, _, 1, _),
    ("escalation", "rule", "CN_TECH_2025", 5, _, 1, _),
    ("escalation", "rule", "CN_EXPORT_QUOTA", 6, _, 0, _),
    ("escalation", "price", "CN", 6, _, 0, 2.5),
    ("escalation", "rule", "CN_HRE_BAN", 8, _, 1, _),
    ("escalation", "rule", "CN_MAGNET_BAN", 12, _, 0, _),
    ("escalation", "rule", "CN_ENTITY_OURCO", 12, _, 0, _),
]

# ==================================================================================================
# sources: (item, value, source, reliability)
# ==================================================================================================
FACTS = "/work/shared/domain/rare_earth_facts.md"
SOURCES = [
    ("Units", "USD; USD/t; t (concentrates t REO); months", "case convention", "-"),
    ("Period 1", "July 2026", "case convention (entity list 2026-06-22 in force; No. 70 suspension ends in "
                              "period 5)", "-"),
    ("OurCo", "fictional US magnet and motor maker", "case convention", "E"),
    ("NdPr oxide, China", "$60/kg", "SMM 2025-04-10 (facts 1.4)", "S"),
    ("NdPr metal, China", "$74/kg", "SMM 2025-04-10 (facts 1.4)", "S"),
    ("Dy oxide, China", "$230/kg", "SMM 2025-04-10 (facts 1.4)", "S"),
    ("DyFe alloy, China", "$228/kg", "SMM 2025-04-10 (facts 1.4)", "S"),
    ("Tb metal, China", "$1,200/kg", "SMM 2025-04-10 (facts 1.4)", "S"),
    ("NdPr oxide, Europe", "$82.5-85/kg", "Argus 2025-09-25 (facts 1.4)", "S"),
    ("Dy oxide, Europe", "$250-310 -> $700-1,000/kg", "Argus via gmteight, Apr-May 2025 (facts 1.4)", "S"),
    ("Tb oxide, Europe", "$930-1,000 -> $2,000-4,000/kg", "Argus via gmteight, Apr-May 2025 (facts 1.4)", "S"),
    ("Dy oxide volume actually paid", "96 % at ~$224/kg", "Adamas Intelligence 2025 (facts 1.4)", "S"),
    ("NdPr price floor DoD-MP", "$110/kg", "MP/DoD 2025-07-10 (facts 1.4)", "S"),
    ("NdFeB commodity price", "$19.5-22/kg", "ahlulangmagnet end-2025 (facts 1.4)", "W"),
    ("Noveon implied magnet value", "~$125/kg", "noveon.co (facts 1.4)", "S/D"),
    ("HT grade premium", "2-3x N grades", "mcmagnets (facts 1.4)", "W"),
    ("Ex-China prices offered to OurCo", "China + 30-100 % (oxides/metals), see offers", "case assumption", "E"),
    ("Sm metal and Sm oxide prices", "$20k/t China, $60k/t Solvay", "no source in facts", "E"),
    ("SmCo magnet prices", "$120k/t China, $250k/t US", "no source in facts", "E"),
    ("Concentrate / MREC / HREC prices", "$5k / $12k / $13k per t REO", "payability assumption; co-products "
                                                                       "not credited", "E"),
    ("Alloy -> magnet yield", "80 % (1.25 t alloy/t magnet)", "Minowa, Resource Geology 2008 (facts 1.3)", "S"),
    ("NdPr in magnet", "~31 wt% (0.31 t NdPr metal/t alloy)", "vendor composition (W); 'about a third' "
                                                               "Fastmarkets (S) (facts 1.3)", "S/W"),
    ("Dy in commercial magnet", "0.6-1.2 wt% (0.012 t DyFe/t alloy)", "vendor composition (facts 1.3)", "W"),
    ("Oxide -> metal", "0.857 stoichiometric; 1.2 t oxide/t metal with losses", "facts 1.3", "D"),
    ("Dy2O3/Tb4O7/Sm2O3 -> metal", "0.871 / 0.850 / 0.862 at 95 % yield", "atomic masses", "D"),
    ("Separation recovery", "~95 %", "facts 1.3", "M"),
    ("NdPr share of REO", "~16 % bastnaesite, ~25 % MREC", "case assumption", "E"),
    ("Dy2O3 share of ionic-clay REO", "~7 %", "case assumption", "E"),
    ("Sm2Co17 samarium", "23-28 wt% Sm (0.30 t Sm/t magnet at 85 % yield)", "couragemagnet, brm-metal "
                                                                            "(facts 1.3)", "W"),
    ("GBD additions", "0.006 t Tb + 0.02 t DyFe per t HT magnet", "case assumption", "E"),
    ("Mountain Pass", "45,455 t REO; 1,294 t NdPr oxide (2024)", "MP FY2024 release (facts 1.5)", "P"),
    ("Lynas Malaysia", "NdPr 10,500 t/yr; HRE circuit, first Dy/Tb 2025", "Fastmarkets, FMT (facts 1.5)", "S"),
    ("Iluka Eneabba", "12,100-18,400 t/yr REO, commissioning 2027", "metalnomist, NS Energy (facts 1.5)", "S"),
    ("Energy Fuels White Mesa", "850-1,000 t/yr NdPr (Phase 1)", "Engineering News 2024 (facts 1.5)", "S"),
    ("Neo Silmet / Narva", "~3,000 t/yr separation; 2,000 t/yr magnets", "Argus (facts 1.5)", "S"),
    ("Solvay La Rochelle", "magnet-RE line opened 2025-04-09", "Solvay release (facts 1.5)", "S"),
    ("eVAC Sumter", "operations late 2025; ~2,000 t/yr", "Fastmarkets (S); investornews (W) (facts 1.5)", "S/W"),
    ("USA Rare Earth Stillwater", "1,200 t/yr initial", "minelistings (facts 1.5)", "W/S"),
    ("Noveon San Marcos", "2,000 t/yr recycled", "noveon.co (facts 1.5)", "S"),
    ("Shin-Etsu Vietnam", "2,200 t/yr", "Shin-Etsu release; couragemagnet (facts 1.5)", "P/W"),
    ("ASM Korean Metals Plant, Santoku, LCM, TRADIUM, VTRE, Arnold, Serra Verde, Shenghe, Ningbo Yunsheng, "
     "Hangzhou PMG", "roles as public; volumes offered to OurCo", "not in facts file", "E"),
    ("Less Common Metals owner", "Less Common Metals", "reported acquired by USA Rare Earth in 2025 (not in "
     "facts file, unverified); if so, set owner to USA Rare Earth and CN_ENTITY_2026 reaches it", "E"),
    ("Offer capacities, take-or-pay, contract and qualification costs", "see offers", "case assumption", "E"),
    ("Qualification of a non-China supplier", "6-18 months", "facts 1.7", "M"),
    ("Lead times", "magnets 2 months, oxides/metals 1 month, ocean lanes 1 month", "4-8 weeks ex-China "
                                                                                    "(facts 1.7, M); E", "M/E"),
    ("Process and build costs", "see processes", "case assumption (USAR/eVAC plant sizes, facts 1.5)", "E"),
    ("Demand", "~1,600 t/yr magnets (133 t/month)", "case assumption, one manufacturer", "E"),
    ("Shortfall penalties", "$400k-1M/t", "case assumption: several times the dearest route", "E"),
    ("Initial stocks", "~2-3 months at plant; ~6 months defence in store", "automaker buffer 2-3 months (S/D); "
     "DoD 6-month buffer (S); magnet-maker inventory (M) (facts 1.7)", "S/M/E"),
    ("Holding cost", "1-1.5 % of value per month", "case assumption", "E"),
    ("Technology ban 2023", "separation, metal/alloy, magnet preparation", "Reuters via Nasdaq; Fastmarkets "
                                                                           "(facts 1.6)", "S"),
    ("Heavy-RE licences, No. 18", "Sm, Gd, Tb, Dy, Lu, Sc, Y items; 45 working days", "osencmagnet; Holland & "
     "Knight; Reuters (facts 1.6)", "P/S"),
    ("0.1 % rule, No. 61; equipment/tech, No. 56/62", "suspended until 2026-11-10 by No. 70",
     "sscollege, chemradar, Jones Day, Pillsbury (facts 1.6)", "P/S"),
    ("Entity list 2026-06-22", "MP Materials, USA Rare Earth, Aveox + 7", "Benchmark Source; azzet (facts 1.6)",
     "S"),
    ("Ban on dual-use exports to Japan", "Jan 2026", "feedzop (facts 1.6)", "W"),
    ("DFARS 252.225-7052", "no magnets melted/produced in CN, RU, KP, IR; mining/separation from 2027-01-01",
     "84 FR 18156, 72239; Crowell & Moring 2024 (facts 1.6)", "P/S"),
    ("Escalation rules (HRE ban, magnet ban, quota cut, OurCo listed)", "scenario rules", "case assumption",
     "E"),
    ("Scenario probabilities", "0.35/0.20/0.15/0.10/0.08/0.07/0.05", "judgement; post-2026-11-10 status not "
                                                                     "found (facts 2)", "E"),
    ("Facts file", FACTS, "all reliability marks follow it", "-"),
]


# ==================================================================================================
# Assembly
# ==================================================================================================

def _rows(columns: tuple[str, ...], data) -> list[dict]:
    out = []
    for values in data:
        row = {c: v for c, v in zip(columns, values) if c and v is not None}
        out.append(row)
    return out


def case_rows() -> dict:
    """The default case as sheet -> rows, ready for write_case_workbook."""
    return {
        "settings": dict(SETTINGS),
        "countries": _rows(("country", "name", "origin_group"), COUNTRIES),
        "materials": _rows(("material", "name", "stage", "unit", "groups"), MATERIALS),
        "sites": _rows(("site", "name", "country", "owner", "role"), SITES),
        "offers": _rows(("offer", "site", "material", "price", "capacity_per_period", "min_per_period",
                         "fixed_cost", "lead_time", "qualified", "qualification_periods",
                         "qualification_cost", "origin_country", "spot", None), OFFERS),
        "processes": _rows(("process", "site", "output", "capacity_per_period", "cost_per_unit", "exists",
                            "build_cost", "build_periods", "technology", "technology_origin", None),
                           PROCESSES),
        "process_inputs": _rows(("process", "input", "per_unit_output"), PROCESS_INPUTS),
        "lanes": _rows(("from_site", "to_site", "materials", "cost_per_unit", "lead_time",
                        "capacity_per_period"), LANES),
        "demand": _rows(("site", "material", "period", "quantity", "shortfall_penalty", "max_origin_group",
                         None), DEMAND),
        "inventory": _rows(("site", "material", "initial_stock", "initial_origin_group", "max_stock",
                            "holding_cost_per_period", "min_stock", "end_stock_min"), INVENTORY),
        "controls": _rows(("rule", "description", "issuer", "materials", "technologies", "to_countries",
                           "to_owners", "extraterritorial", "kind", "licence_lead_time", "quota_per_period",
                           "status", "start_period", "end_period"), CONTROLS),
        "scenarios": _rows(("scenario", "probability", "description"), SCENARIOS),
        "scenario_events": _rows(("scenario", "event", "target", "start_period", "duration", "notice",
                                  "factor"), SCENARIO_EVENTS),
        "sources": _rows(("item", "value", "source", "reliability"), SOURCES),
    }


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(",") if p.strip()]


def self_check() -> list[str]:
    """Cheap sanity checks the reader does not make: routes exist (ignoring rules and timing).

    Returns a list of problems (empty when fine): every offer's material reaches a place where it is
    used; every demand can be reached; every defence (free) demand has a clean mine-to-magnet route
    through free-origin offers, free-country sites and buildable processes not forbidden by an
    in-force technology ban.
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
    for p, m, _r in PROCESS_INPUTS:
        inputs.setdefault(p, []).append(m)
    banned_tech = set()
    for r in CONTROLS:
        if r[4] and r[11] == "in_force":
            banned_tech |= {(t, r[2]) for t in _split(r[4])}

    def reachable(max_rank: int) -> set:
        ok_site = {s for s, c in site_country.items() if groups.index(country_group[c]) <= max_rank}
        have = {(o[1], o[2]) for o in OFFERS
                if groups.index(country_group[o[11] or site_country[o[1]]]) <= max_rank and o[1] in ok_site}
        changed = True
        while changed:
            changed = False
            for a, b, ms in lanes:
                for m in ms:
                    if (a, m) in have and (b, m) not in have:
                        have.add((b, m))
                        changed = True
            for p in PROCESSES:
                name, site, out, *_rest = p
                tech, torigin = p[8], p[9]
                if site not in ok_site or (tech, torigin) in banned_tech or (site, out) in have:
                    continue
                if all((site, m) in have for m in inputs.get(name, [])):
                    have.add((site, out))
                    changed = True
        return have

    any_route = reachable(len(groups) - 1)
    clean_route = reachable(0)
    for d in DEMAND:
        site, mat, maxg = d[0], d[1], d[5]
        pool = clean_route if maxg == "free" else any_route
        if (site, mat) not in pool:
            problems.append(f"demand {site}/{mat} (max {maxg or 'any'}) has no route")
    consumers = {(p[1], m) for p in PROCESSES for m in inputs.get(p[0], [])}
    consumers |= {(d[0], d[1]) for d in DEMAND}
    for o in OFFERS:
        used = {(s, m) for (s, m) in any_route if m == o[2] and (s, m) in consumers}
        if not used:
            problems.append(f"offer {o[0]}: its {o[2]} reaches no process or demand")
    total = sum(p for _, p, _ in SCENARIOS)
    if abs(total - 1.0) > 1e-9:
        problems.append(f"scenario probabilities sum to {total}")
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

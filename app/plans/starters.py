"""Starting points for a new plan: one small, valid YAML document per component kind, with comments saying
what each field means. Amounts and rates are quoted so they read back as exact decimals."""

HEADER = """\
plan_id: new-plan            # short code: letters, digits, '.', '_' or '-'
version: 1
name: New plan
valid_from: {start}          # first day the plan applies (YYYY-MM-DD)
# valid_to: 2027-01-01       # optional: first day it no longer applies
components:
"""

COMPONENTS = {
    "one_off": """\
  - kind: one_off              # a fixed amount per contract
    id: activation
    label: Activation fee
    dated_on: activated_on     # or signed_on
    filter: {product: [electricity, gas]}
    rate_table:                # the first row whose 'when' matches gives the amount
      - when: {segment: business}
        amount: "90.00"
      - amount: "50.00"
    # hold: {until: active}    # pay only once the supply is active
""",
    "recurring": """\
  - kind: recurring            # per kWh/Smc billed (volume) or a share of the fixed fee billed (fixed_fee)
    id: consumption
    label: Recurring on consumption
    basis: volume
    months: 12                 # months after activation
    rate_table:
      - when: {product: electricity}
        rate: "0.004"
      - when: {product: gas}
        rate: "0.012"
    hold: {until: bill_paid}   # pay each line once its bill is paid
""",
    "tiers": """\
  - kind: tiers                # an accelerator on a period metric
    id: accelerator
    label: Activation accelerator
    metric: activations
    mode: retroactive          # or marginal
    tiers:
      - {start: "10", rate: "5.00"}
      - {start: "25", rate: "10.00"}
""",
    "target_bonus": """\
  - kind: target_bonus         # a bonus on attainment of the partner's target
    id: target
    label: Activation target bonus
    metric: activations
    kpi: activations
    incentive: "1000.00"
    thresholds:                # from attainment (1 = 100 %) pay factor x incentive
      - {attainment: "0.8", factor: "0.5"}
      - {attainment: "1", factor: "1"}
    linear: true
    cap: "1.5"
""",
    "sla_fee": """\
  - kind: sla_fee              # a fee per completed job, reduced when the SLA is missed
    id: jobs
    label: Fee per job
    rate_table:
      - when: {job_type: wallbox}
        amount: "120.00"
      - amount: "60.00"
    missed_factor: "0.5"
    failed_penalty: "25.00"
    repeat_visit_penalty: "15.00"
    rating_below: 3
    rating_penalty: "10.00"
""",
    "override": """\
  - kind: override             # the upline earns a share of its downline's commissions
    id: override
    label: Override on the network
    of_plans: [agents-commodity]
    levels:
      - {level: 1, rate: "0.10"}
      - {level: 2, rate: "0.03"}
""",
    "clawback": """\
  - kind: one_off
    id: activation
    label: Activation fee
    rate_table:
      - amount: "50.00"
  - kind: clawback             # take back the fee when the contract ends early
    id: clawback
    label: Clawback within 6 months
    of_components: [activation]
    within_months: 6
    mode: pro_rata             # or full
""",
    "advance": """\
  - kind: advance              # paid when the assignment starts, recovered from later statements
    id: advance
    amount: "6000.00"
    recovery_rate: "0.30"
    recovery_cap: "1000.00"
""",
    "formula": """\
  - kind: formula              # an expression over the period's metrics
    id: volume-bonus
    label: Volume bonus
    expression: "min(kwh_billed * 0.002 + activations * 3, 800)"
""",
}


def starter(kind: str | None, start: str) -> str:
    """Return the starter document for ``kind`` (one-off when unknown), valid from ``start``."""
    return HEADER.format(start=start) + COMPONENTS.get(kind or "", COMPONENTS["one_off"])

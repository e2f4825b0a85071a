"""Demo plans as data: the documents a sales manager would write, readable by ``plan_from_dict``.

- agents' commodity plan: one-off by product × segment × territory, a one-off on PV/e-mobility/heating sales
  held until the installation is active, recurring per kWh/Smc (held until the bill is paid) and on the fixed
  fee, an activation accelerator, a pro-rata clawback within 6 months;
- agencies' override plan: a share of the downline's commissions, two levels;
- call-centre plan: one-off per signed contract held until the supply is active, a target bonus on activations;
- installers' SLA plan: a fee per job by type, halved when the SLA is missed, penalties;
- multi-year agreement: an advance recovered from later statements, a formula bonus and a minimum guarantee.
"""

AGENTS_COMMODITY = {
    "plan_id": "agents-commodity",
    "version": 1,
    "name": "Agenti – commodity 2025",
    "valid_from": "2025-01-01",
    "components": [
        {
            "kind": "one_off",
            "id": "activation",
            "label": "Gettone attivazione",
            "filter": {"product": ["electricity", "gas"]},
            "rate_table": [
                {"when": {"product": "electricity", "segment": "business"}, "amount": "90.00"},
                {"when": {"product": "electricity", "territory": ["Lombardia", "Piemonte"]}, "amount": "55.00"},
                {"when": {"product": "electricity"}, "amount": "50.00"},
                {"when": {"product": "gas"}, "amount": "40.00"},
            ],
        },
        {
            "kind": "one_off",
            "id": "installation",
            "label": "Gettone impianto (pagato ad attivazione)",
            "dated_on": "signed_on",
            "filter": {"product": ["pv", "emobility", "heating"]},
            "rate_table": [{"when": {"product": "pv"}, "amount": "150.00"}, {"amount": "60.00"}],
            "hold": {"until": "active"},
        },
        {
            "kind": "recurring",
            "id": "consumption",
            "label": "Ricorrente sui consumi",
            "basis": "volume",
            "months": 12,
            "filter": {"product": ["electricity", "gas"]},
            "rate_table": [
                {"when": {"product": "electricity"}, "rate": "0.004"},
                {"when": {"product": "gas"}, "rate": "0.012"},
            ],
            "hold": {"until": "bill_paid"},
        },
        {
            "kind": "recurring",
            "id": "fixed-fee",
            "label": "Ricorrente sulla quota fissa (PCV/QVD)",
            "basis": "fixed_fee",
            "months": 24,
            "rate_table": [{"rate": "0.05"}],
        },
        {
            "kind": "tiers",
            "id": "accelerator",
            "label": "Acceleratore attivazioni",
            "metric": "activations",
            "mode": "retroactive",
            "tiers": [{"start": "10", "rate": "5.00"}, {"start": "25", "rate": "10.00"}],
        },
        {
            "kind": "clawback",
            "id": "storno",
            "label": "Storno entro 6 mesi",
            "of_components": ["activation", "installation"],
            "within_months": 6,
            "mode": "pro_rata",
        },
    ],
}

AGENCIES_OVERRIDE = {
    "plan_id": "agencies-override",
    "version": 1,
    "name": "Agenzie – override sulla rete",
    "valid_from": "2025-01-01",
    "components": [
        {
            "kind": "override",
            "id": "override",
            "label": "Override sulla rete",
            "of_plans": ["agents-commodity"],
            "levels": [{"level": 1, "rate": "0.10"}, {"level": 2, "rate": "0.03"}],
        }
    ],
}

CALL_CENTRE = {
    "plan_id": "call-centre",
    "version": 1,
    "name": "Teleselling – contratti e obiettivo",
    "valid_from": "2025-01-01",
    "components": [
        {
            "kind": "one_off",
            "id": "signed",
            "label": "Contratto firmato",
            "dated_on": "signed_on",
            "rate_table": [{"when": {"segment": "business"}, "amount": "35.00"}, {"amount": "20.00"}],
            "hold": {"until": "active"},
        },
        {
            "kind": "target_bonus",
            "id": "target",
            "label": "Bonus obiettivo attivazioni",
            "metric": "activations",
            "kpi": "activations",
            "incentive": "1000.00",
            "thresholds": [{"attainment": "0.8", "factor": "0.5"}, {"attainment": "1", "factor": "1"}],
            "linear": True,
            "cap": "1.5",
        },
    ],
}

INSTALLERS_SLA = {
    "plan_id": "installers-sla",
    "version": 1,
    "name": "Installatori – compensi a intervento",
    "valid_from": "2025-01-01",
    "components": [
        {
            "kind": "sla_fee",
            "id": "jobs",
            "label": "Compenso per intervento",
            "rate_table": [
                {"when": {"job_type": "wallbox_installation"}, "amount": "120.00"},
                {"when": {"job_type": "pv_installation"}, "amount": "250.00"},
                {"when": {"job_type": "heat_pump_installation"}, "amount": "350.00"},
                {"when": {"job_type": ["boiler_installation", "air_conditioner_installation"]}, "amount": "150.00"},
                {"when": {"job_type": "repair"}, "amount": "60.00"},
                {"amount": "45.00"},
            ],
            "missed_factor": "0.5",
            "failed_penalty": "25.00",
            "repeat_visit_penalty": "15.00",
            "rating_below": 3,
            "rating_penalty": "10.00",
        }
    ],
}

MULTI_YEAR = {
    "plan_id": "multi-year",
    "version": 1,
    "name": "Accordo pluriennale con anticipo",
    "valid_from": "2025-01-01",
    "valid_to": "2028-01-01",
    "components": [
        {
            "kind": "advance",
            "id": "advance",
            "amount": "6000.00",
            "recovery_rate": "0.30",
            "recovery_cap": "1000.00",
        },
        {
            "kind": "formula",
            "id": "volume-bonus",
            "label": "Bonus volumi",
            "expression": "min(kwh_billed * 0.002 + activations * 3, 800)",
        },
    ],
    "limits": {"guarantee": "200.00"},
}

DEMO_PLANS = (AGENTS_COMMODITY, AGENCIES_OVERRIDE, CALL_CENTRE, INSTALLERS_SLA, MULTI_YEAR)

"""The printable summary of a demo seed: what was created, and the demo logins."""

from app.demo.periods import Window
from app.demo.principal import PRINCIPAL
from app.demo.users import PASSWORD

_TABLES = (
    ("partner", "partners"),
    ("partner_link", "hierarchy links"),
    ("fiscal_profile", "fiscal profiles"),
    ("product", "products"),
    ("offer", "offers"),
    ("product_option", "product options"),
    ("customer", "customers"),
    ("contract", "contract versions"),
    ("billing_line", "billing lines"),
    ("service_order", "service orders"),
    ("target", "targets"),
)


def summary_text(counts: dict) -> str:
    """Return the summary of a seed from the counts ``seed_demo`` collected."""
    window: Window = counts["window"]
    kinds = counts["kinds"]
    lines = [
        "",
        f"Demo network of {PRINCIPAL.name} (P.IVA {PRINCIPAL.vat_number}), {PRINCIPAL.one_line_address}",
        f"Sales from {window.start.isoformat()} to {window.today.isoformat()}, billed up to "
        f"{window.last_billed.strftime('%Y-%m')}; scale {counts['parameters']['scale']:g}, "
        f"seed {counts['parameters']['seed']}, import batch #{counts['batch_id']}, {counts['seconds']} s.",
        "",
    ]
    for table, label in _TABLES:
        lines.append(f"  {label:<18} {counts[table]:>10,}")
    lines += [
        "",
        f"  partners by kind: {', '.join(f'{kind} {n}' for kind, n in sorted(kinds.items()))}; "
        f"{counts['moves']} moved to another parent during the year",
        f"  {counts['contract_ids']:,} contracts by status: "
        + ", ".join(f"{status} {n:,}" for status, n in sorted(counts["statuses"].items())),
        "",
    ]
    if counts.get("cycles"):
        lines += ["Commission cycles:", *(report.line() for report in counts["cycles"]), ""]
    lines += [f'Demo users (password for all: "{PASSWORD}"):']
    for user in counts["user_list"]:
        partner = f"  {user.partner.code} {user.partner.name}" if user.partner else ""
        lines.append(f"  {user.username:<13} {user.role.value:<16}{partner}")
    return "\n".join(lines)

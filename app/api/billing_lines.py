"""POST /api/v1/billing-lines: billing lines in bulk (up to 10,000 per call), versioned by billing line id."""

from app.api import bp
from app.api import schemas
from app.api.auth import token_required
from app.api.pushing import push
from app.api.spec import documented


@bp.post("/billing-lines")
@token_required("billing:write")
@documented("Push billing lines", tag="Billing", body=schemas.BillingLineItem, response=schemas.PushResult,
            description="Up to 10,000 lines per call, validated and written set-based like the billing lines "
                        "file. Outliers come back as warnings and do not block.")
def push_billing_lines():
    return push("billing_lines", schemas.BillingLineItem)

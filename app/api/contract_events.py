"""POST /api/v1/contract-events: status changes of known contracts, replayed on the contract lifecycle."""

from app.api import bp
from app.api import schemas
from app.api.auth import token_required
from app.api.pushing import push
from app.api.spec import documented


@bp.post("/contract-events")
@token_required("events:write")
@documented("Push contract status events", tag="Contracts", body=schemas.ContractEventItem,
            response=schemas.PushResult,
            description="Each event makes a new version of the contract with the new status (activation sets "
                        "`activated_on`, termination and cancellation `terminated_on`). Events must follow the "
                        "lifecycle; an event the contract has already been through is unchanged.")
def push_contract_events():
    return push("status_events", schemas.ContractEventItem)

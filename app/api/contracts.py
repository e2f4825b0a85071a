"""POST /api/v1/contracts: contracts with their customers, one or a list, versioned like the contracts file."""

from app.api import bp
from app.api import schemas
from app.api.auth import token_required
from app.api.pushing import push
from app.api.spec import documented


@bp.post("/contracts")
@token_required("contracts:write")
@documented("Push contracts", tag="Contracts", body=schemas.ContractItem, response=schemas.PushResult,
            description="One contract with its customer per item, as a row of the contracts file. A contract "
                        "already known by `contract_id` that differs becomes a new version.")
def push_contracts():
    return push("contracts", schemas.ContractItem)

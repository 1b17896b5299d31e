"""Lambda entry point of the partners API (one function, one resolver, routers per area)."""

from partners.handlers import partnerships
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(partnerships.router)
# routers: organisations, people, invitations
# routers: ICP and custom fields

handler = lambda_handler(app)

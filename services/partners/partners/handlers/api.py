"""Lambda entry point of the partners API (one function, one resolver, routers per area)."""

from partners.handlers import invitations, organisations, partner_view, partnerships, program
from partners.handlers.checklists import router as checklists_router
from partners.handlers.commissions import router as commissions_router
from partners.handlers.custom_fields import router as custom_fields_router
from partners.handlers.icp import router as icp_router
from partners.handlers.journey import router as journey_router
from partners.handlers.network import router as network_router
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(partnerships.router)
app.include_router(program.router)
# routers: organisations, people, invitations
app.include_router(organisations.router)
app.include_router(invitations.router)
app.include_router(partner_view.router)
# routers: ICP and custom fields
app.include_router(icp_router)
app.include_router(custom_fields_router)
# routers: commission plans
app.include_router(commissions_router)
# routers: distributor network
app.include_router(network_router)
# routers: checklists and journey
app.include_router(checklists_router)
app.include_router(journey_router)

handler = lambda_handler(app)

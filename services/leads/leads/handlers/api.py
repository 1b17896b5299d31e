"""Lambda entry point of the leads API."""

from leads.handlers import deals, leads, reports
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(leads.router)
app.include_router(deals.router)
# routers: accounts, contacts, imports, exports, overlaps

# routers: routing

# routers: commissions, billings, payouts

# routers: reports
app.include_router(reports.router)

# routers: referral codes, public referral form, CRM webhooks


handler = lambda_handler(app)

"""Lambda entry point of the leads API."""

from leads.handlers import deals, leads, referral_codes, webhooks
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(leads.router)
app.include_router(deals.router)
# routers: accounts, contacts, imports, exports, overlaps

# routers: routing

# routers: commissions, billings, payouts

# routers: reports

# routers: referral codes, public referral form, CRM webhooks
app.include_router(referral_codes.router)
app.include_router(webhooks.router)


handler = lambda_handler(app)

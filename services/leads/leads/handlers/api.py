"""Lambda entry point of the leads API."""

from leads.handlers import account_files, accounts, contacts, leads
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(leads.router)
# routers: accounts, contacts, imports, exports, overlaps
app.include_router(accounts.router)
app.include_router(contacts.router)
app.include_router(account_files.router)

# routers: routing

# routers: commissions, billings, payouts

# routers: reports

# routers: referral codes, public referral form, CRM webhooks


handler = lambda_handler(app, raw_bodies=account_files.RAW_BODIES)

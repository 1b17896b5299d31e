"""Lambda entry point of the leads API."""

from leads.handlers import (
    account_files,
    accounts,
    billings,
    commissions,
    contacts,
    deals,
    leads,
    overlaps,
    payouts,
    referral_codes,
    reports,
    routing,
    webhooks,
)
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(leads.router)
app.include_router(deals.router)
# routers: accounts, contacts, imports, exports, overlaps
app.include_router(overlaps.router)
app.include_router(accounts.router)
app.include_router(contacts.router)
app.include_router(account_files.router)

# routers: routing
app.include_router(routing.router)

# routers: commissions, billings, payouts
app.include_router(commissions.router)
app.include_router(payouts.router)
app.include_router(billings.router)

# routers: reports
app.include_router(reports.router)

# routers: referral codes, public referral form, CRM webhooks
app.include_router(referral_codes.router)
app.include_router(webhooks.router)


handler = lambda_handler(app, raw_bodies=account_files.RAW_BODIES)

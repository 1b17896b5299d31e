"""Lambda entry point of the leads API."""

from leads.handlers import leads
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(leads.router)

handler = lambda_handler(app)

"""Lambda entry point of the notifications API."""

from notifications.handlers import inbox, webhooks
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(inbox.router)
app.include_router(webhooks.router)

handler = lambda_handler(app)

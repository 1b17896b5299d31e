"""Lambda entry point of the notifications API."""

from notifications.handlers import inbox, unsubscribe, webhooks
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(inbox.router)
app.include_router(webhooks.router)
app.include_router(unsubscribe.router)

handler = lambda_handler(app, raw_bodies=unsubscribe.RAW_BODIES)

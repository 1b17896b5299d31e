"""Lambda entry point of the portal API."""

from portal.handlers import dashboard, feedback, me, programs
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(me.router)
app.include_router(programs.router)
# dashboard, distributor network, feedback
app.include_router(dashboard.router)
app.include_router(feedback.router)

handler = lambda_handler(app)

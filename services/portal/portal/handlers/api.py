"""Lambda entry point of the portal API."""

from portal.handlers import me, programs
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(me.router)
app.include_router(programs.router)

handler = lambda_handler(app)

"""Lambda entry point of the portal API."""

from portal.handlers import me, messages, programs, projects
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(me.router)
app.include_router(programs.router)
app.include_router(projects.router)  # collab: projects room
app.include_router(messages.router)  # collab: messages room

handler = lambda_handler(app)

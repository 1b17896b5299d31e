"""Lambda entry point of the portal API."""

from portal.handlers import (
    dashboard,
    feedback,
    me,
    messages,
    programs,
    projects,
    resources,
    search,
    shared_files,
    training,
)
from trellis.api import lambda_handler, make_resolver

app = make_resolver()
app.include_router(me.router)
app.include_router(programs.router)
# the content rooms: resources, brand, shared files
app.include_router(resources.router)
app.include_router(shared_files.router)
app.include_router(projects.router)  # collab: projects room
app.include_router(messages.router)  # collab: messages room
# dashboard, distributor network, feedback
app.include_router(dashboard.router)
app.include_router(feedback.router)
# training and certifications
app.include_router(training.router)
# search across the rooms
app.include_router(search.router)

handler = lambda_handler(app)

"""The people of the integration tests: two vendors whose ids share a prefix, and a partner company."""

from __future__ import annotations

from tests.helpers.lambda_runtime import User

# acme runs a partner program
ANA = User("u-ana", "acme", ("admin",), "ana@acme.example")
BEN = User("u-ben", "acme", ("partner_manager",), "ben@acme.example")
CLEO = User("u-cleo", "acme", ("member",), "cleo@acme.example")
NOROLE = User("u-norole", "acme", (), "norole@acme.example")
# acme-corp is another tenant whose id starts with "acme"
ZED = User("u-zed", "acme-corp", ("admin",), "zed@acme-corp.example")
YVES = User("u-yves", "acme-corp", ("partner_manager",), "yves@acme-corp.example")
# northwind is a partner company: partner-side roles only
SALLY = User("u-sally", "northwind", ("partner_admin", "sales"), "sally@northwind.example")
PAT = User("u-pat", "acme", ("project_manager", "executive"), "pat@acme.example")

DIRECTORY = (ANA, BEN, CLEO, NOROLE, ZED, YVES, SALLY, PAT)

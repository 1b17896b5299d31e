"""Leads service: CRM accounts, leads and their routing, deals, commissions (issue #4 builds it out)."""

"""One pydantic model with a constrained field: what any function that validates with pydantic pays.

``import pydantic`` alone loads almost nothing (the package loads its parts lazily); the first model
class loads the model machinery (``pydantic._internal``, ``annotated_types``, ``pydantic.types``) and
builds one validator. Every Trellis function defines at least one model (its settings, the event
envelope), so the import floors include this module.
"""

from pydantic import BaseModel, Field


class One(BaseModel):
    name: str = Field(min_length=1, max_length=64)

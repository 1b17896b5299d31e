"""How each user wants to hear: channels per category, and a digest frequency.

Defaults (nothing chosen): every category in the inbox; by email the categories marked
``email_by_default``; no digest. A choice is stored only as a difference from the default.
"""

from __future__ import annotations

from notifications.dal import directory as dal
from notifications.dal.tables import RecipientItem
from notifications.logic.catalog import CATEGORIES, CHANNELS, Channel
from notifications.models import CategoryChannels, Preferences, PreferencesUpdate
from trellis.errors import ValidationFailed
from trellis.principal import Principal


def _choice(category: str, channel: Channel) -> str:
    return f"{category}.{channel}"


def wants(item: RecipientItem | None, category: str, channel: Channel) -> bool:
    """Whether the user takes ``category`` on ``channel`` (an unknown user: the defaults)."""
    choice = _choice(category, channel)
    if item is not None and choice in (item.muted or ()):
        return False
    if item is not None and choice in (item.unmuted or ()):
        return True
    default = CATEGORIES.get(category)
    if default is None:
        return channel == "email"  # transactional (an invitation): always by email, never muted
    return channel == "in_app" or default.email_by_default


def _view(item: RecipientItem | None) -> Preferences:
    return Preferences(
        categories=[
            CategoryChannels(category=name, label=category.label, description=category.description,
                             in_app=wants(item, name, "in_app"), email=wants(item, name, "email"))
            for name, category in CATEGORIES.items()
        ],
        digest=(item.digest if item is not None and item.digest else "off"),  # type: ignore[arg-type]
        email_address=item.email if item is not None else None,
    )


def get_preferences(principal: Principal) -> Preferences:
    return _view(dal.recipient(principal.organisation_id, principal.user_id))


def update_preferences(principal: Principal, update: PreferencesUpdate) -> Preferences:
    mute: set[str] = set()
    unmute: set[str] = set()
    for category, choice in update.categories.items():
        for channel in CHANNELS:
            value = getattr(choice, channel)
            if value is not None:
                (unmute if value else mute).add(_choice(category, channel))
    if not mute and not unmute and update.digest is None:
        raise ValidationFailed("nothing to change: send categories or digest", field="body")
    dal.set_preferences(
        principal.organisation_id, principal.user_id, mute=mute, unmute=unmute,
        digest=None if update.digest in (None, "off") else update.digest,
        change_digest=update.digest is not None,
    )
    return get_preferences(principal)


def unsubscribe(organisation_id: str, user_id: str, category: str) -> None:
    """Stop emails of one category (the link in every email of it; works without logging in)."""
    if category == "digest":
        dal.set_preferences(organisation_id, user_id, digest=None, change_digest=True)
        return
    if category not in CATEGORIES:
        raise ValidationFailed(f"unknown category {category!r}", field="category")
    dal.set_preferences(organisation_id, user_id, mute={_choice(category, "email")})

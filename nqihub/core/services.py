"""Writes of the core app: accounts. Each function is one transaction and records its audit event."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .audit import record_event, snapshot
from .models import User


@transaction.atomic
def create_account(
    actor, *, username: str, password: str, role: str, check_password: bool = True, **fields
) -> User:
    """Create a login for one role; the password is checked against the platform's rules and stored as Argon2."""
    user = User(username=username, role=role, **fields)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    record_event(actor, "user.create", user, after=snapshot(user, exclude=("password",)))
    return user

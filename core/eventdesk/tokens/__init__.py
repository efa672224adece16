"""API tokens: how a program calling the HTTP API says who it acts as."""

from eventdesk.tokens.model import ApiToken
from eventdesk.tokens.service import TokenNotFoundError, TokenService
from eventdesk.tokens.views import TokenView

__all__ = ["ApiToken", "TokenNotFoundError", "TokenService", "TokenView"]

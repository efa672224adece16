"""The knowledge base: articles and known errors, and search ranked by relevance."""

from eventdesk.knowledge.model import (
    Article,
    ArticleKind,
    ArticleState,
    ArticleStateError,
    FixState,
)
from eventdesk.knowledge.service import (
    DEFAULT_MIN_SCORE,
    ArticleNotFoundError,
    ArticleSummary,
    ArticleView,
    KnowledgeService,
    KnownErrorInfo,
    KnownErrorLinkError,
    SearchHit,
)

__all__ = [
    "DEFAULT_MIN_SCORE",
    "Article",
    "ArticleKind",
    "ArticleNotFoundError",
    "ArticleState",
    "ArticleStateError",
    "ArticleSummary",
    "ArticleView",
    "FixState",
    "KnowledgeService",
    "KnownErrorInfo",
    "KnownErrorLinkError",
    "SearchHit",
]

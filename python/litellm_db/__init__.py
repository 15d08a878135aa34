"""litellm-db: the money side of an LLM gateway, in PostgreSQL."""

from . import client
from ._version import __version__
from .errors import LiteLLMDBError
from .installer import RoleNames, install

__all__ = ["LiteLLMDBError", "RoleNames", "__version__", "client", "install"]

"""litellm-db: the money side of an LLM gateway, in PostgreSQL."""

from . import client
from ._version import __version__
from .errors import LiteLLMDBError
from .installer import install

__all__ = ["LiteLLMDBError", "__version__", "client", "install"]

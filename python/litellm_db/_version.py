# The version of this tree. A released version is recorded in sql/releases/<version>/
# (scripts/release.py); after a release this becomes the next version with .dev0.
__version__ = "0.2.0.dev0"

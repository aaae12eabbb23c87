"""visrec-desktop: private, offline visual recommendations."""

__version__ = "0.1.0"
APP_NAME = "visrec-desktop"
ORG_NAME = "visrec"

from delibe.config.settings.base import *  # noqa: F403  (settings modules extend the base by design)

DEBUG = True

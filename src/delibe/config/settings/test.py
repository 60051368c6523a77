from delibe.config.settings.base import *  # noqa: F403  (settings modules extend the base by design)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only

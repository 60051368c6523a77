from delibe.config.settings.base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import os
    import tempfile

    # A file, not shared-cache memory: threads then wait for the write lock as in production (tests/trust).
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"delibe-test-{os.getpid()}.sqlite3")}

# Tasks run at once inside the request that enqueues them; tests/web/test_jobs.py runs the real database
# backend with `delibe worker` (in-process and as processes killed mid-way).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

import os

from delibe.config.settings.base import *

DEBUG = True

# The demo sends no e-mail out of the machine: messages are kept in the database, page /courriels/boite/.
if "DELIBE_EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "delibe.web.mail.backends.MailboxBackend"

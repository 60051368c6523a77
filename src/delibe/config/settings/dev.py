from delibe.config.settings.base import *

DEBUG = True

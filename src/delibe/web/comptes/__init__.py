"""University sign-in (CAS 2.0/3.0 through django-cas-ng): each account may carry the university login
it answers to (``CasAccount.cas_id``, set by the administrator or by import); a CAS login with no account
is refused with a French page, never created. Local passwords stay possible (``DELIBE_LOCAL_LOGIN``)."""

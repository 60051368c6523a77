"""The audit trail of Délibé (grades, evaluations, enrolments, formations, jury decisions are legal
records): who changed what, when, old → new, and through which channel; undoing a grade-entry session;
reopening a locked semester. Every record is written by the service that makes the change, in the same
transaction, through ``delibe.web.audit.services.record``."""

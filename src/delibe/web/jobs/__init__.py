"""Background work on Django's Tasks framework (the ``django-tasks`` backport, database backend
``django-tasks-db``): the tasks, the ``delibe worker`` loop with its heartbeat, and the recovery of tasks
left running by a worker that died (docs/adr/0014-tasks-framework.md)."""

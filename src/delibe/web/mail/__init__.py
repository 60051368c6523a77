"""E-mail to students through Django's e-mail framework: each student's bulletin (PDF) and the jury's
decision letter once the jury is closed, with a preview, a test send to oneself, a status per recipient
and a journal entry per mail sent; each mail is a task (``delibe.web.jobs.tasks.send_mail``) that never
sends twice. In the demo, a mailbox backend keeps the messages in the database (page « Boîte mail »)."""

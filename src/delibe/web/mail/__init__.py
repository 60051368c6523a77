"""E-mail through Django's e-mail framework: each student's bulletin (PDF) and the jury's decision letter
once the jury is closed (``services``), the apprentices' monthly attendance reports to tutors and CFAs
(``rapports``), absence alerts (``alertes``) — each with a status per recipient and a journal entry per mail
sent; every mail is a task (``delibe.web.jobs.tasks.send_mail`` → ``services.send_one``) that never sends
twice, from the department's sender (``services.envelope``). In the demo, a mailbox backend keeps the
messages in the database (page « Boîte mail »)."""

"""Attendance (issue 9): absences, justifications, local rules, apprentices' monthly reports."""

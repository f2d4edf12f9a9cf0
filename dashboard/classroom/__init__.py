"""Classroom sessions: students trade from their own browsers beside bots; an instructor runs
the rounds. ``session`` holds the state, ``seated`` the scenarios with human seats, ``pages``
the instructor's and the students' pages, ``export`` the files written as rounds close."""

"""The network's calendar: forums and workshop sessions, registrations and the iCalendar feeds."""

"""The one iCalendar layer beneath the apps: the serialiser (``ical``), UIDs (``uids``),
invites as mail (``mail``), conditional answers for calendar addresses (``responses``), the
tokens of personal feeds (``models``, ``services``) and the registry of what goes into a
person's feed (``feeds``), with its views.

Events, meeting spaces and incubators use it through these public names; none of them
builds a VEVENT or a calendar file of its own.
"""

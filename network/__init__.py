"""The networking domain: three apps that build on one another.

- ``network.directory`` (label ``network``): sectors, territories, actors and their ties;
- ``network.spaces``: meeting spaces and their bookings, by actors of the directory;
- ``network.incubators``: incubators' programmes and calls, run by actors of the directory.
"""

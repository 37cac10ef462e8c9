"""Integration: notifiers, video providers and their system checks."""

# The app's AppConfig has no ready(); importing the checks here registers them
# when Django loads the app.
from luukku.integration import checks  # noqa: F401

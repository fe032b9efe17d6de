"""Widgets that show one aspect of an opened snapshot."""

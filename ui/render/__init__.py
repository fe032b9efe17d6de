"""Images of the organization for the evidence bundle, drawn offscreen with QPainter (see images.py)."""

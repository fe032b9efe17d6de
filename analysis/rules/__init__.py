"""The controls catalogue and the assessment (issue 6): one control per module, per area package."""

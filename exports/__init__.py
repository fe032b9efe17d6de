"""Evidence packs (Excel workbook, evidence bundle, OCSF). Never imports Qt."""

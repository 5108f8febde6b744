"""Files out and in: the Excel workbook, the PDF brief, chart images and the scenario file."""

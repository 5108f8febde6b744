"""A page's own parts: tiles, sections, show_chart, page parts and each page's view functions."""

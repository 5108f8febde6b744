"""Controls that change the session: the sidebar, the ranges editor, presentation mode's strip."""

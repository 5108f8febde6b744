"""Words and numbers as people read them: formatting, the verdict's messages, safe text (no Streamlit)."""

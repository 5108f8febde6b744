"""Pure figure builders, the theme and chart margins: results in, Plotly figures out (no Streamlit)."""

"""The Streamlit dashboard: Overview, Explorer, profiles and evidence exports."""

"""The lab's presentation, without Streamlit: controls and the Run, links in and out, the work cap, view
builders that return finished charts, tables and sentences, tidy frames, Altair charts, explanations,
number formatting and the string tables. dashboard.py draws what these build; the engine (gd) never
imports from here."""

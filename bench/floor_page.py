"""The floor: what Streamlit and Altair cost at the least for one η control, one metric, one chart."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

eta = float(st.sidebar.text_input("Learning rate η", value="0.1", key="eta"))  # typed, as the dashboard's
k = np.arange(5)
points = pd.DataFrame({"panel": np.repeat(["a", "b"], 5), "k": np.tile(k, 2),
                       "theta": np.concatenate([2.5 - 2.5 * (1 - 2 * eta) ** k, 2.5 - 2.5 * (1 - eta) ** k])})
st.metric("final θ", f"{points['theta'].iloc[4]:.10g}")
st.altair_chart(alt.Chart(points).mark_line(point=True).encode(x="k:Q", y="theta:Q")
                .properties(width=200, height=150).facet("panel:N"))

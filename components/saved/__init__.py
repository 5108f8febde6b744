"""Saved scenarios: the store as the app uses it, the Scenarios page's panels, compare, client links."""

"""Training ROI Studio: the entry script (a picture frame, STYLE.md).

Page config, the shared scenario sidebar, and `st.navigation`. Every page in `pages/`
starts with `require_entry` (components/session/guard.py): see STACK.md on the `pages/` hazard.
A page's URL path equals its file name, so a shared link to a page works on a fresh
server (legacy `pages/` mode) and a warm one alike. The default page lives at `/`; its
legacy file URL `/executive_summary` works on a fresh server only (a warm one shows
Streamlit's "Page not found" and then this same page).

With accounts (the default; components/hosting/deployment.py), `signed_in_user` is the one gate:
until someone signs in it registers only the sign-in page, so no other page exists for
that session (components/accounts/sign_in.py). `python3 tasks.py run` uses single-user mode, on
loopback only.
"""

from pathlib import Path

import streamlit as st

from components.accounts.sign_in import account_line, deployment, signed_in_user, write_cookie
from components.inputs.presenting import present_button, presentation_bar
from components.inputs.sidebar import scenario_sidebar, show_input_problems
from components.saved.store import open_short_link
from components.session.address import sync_address_bar
from components.session.guard import entry_run, forward_to_requested_page
from components.session.hardening import crafted_value_seen, harden_widgets, mark_cut_links
from components.session.page_settings import load_page_settings_from_link
from components.session.presenting import presenting
from components.session.ranges import current_ranges
from components.session.widget_state import fast_widget_state
from components.views.style import apply_accessibility, apply_presentation_style, apply_print_style
from storage import SessionInfo

harden_widgets()  # a crafted number-box value gets its default, not an exception inside Streamlit
mark_cut_links()  # a link over Streamlit's limits says so (serve.py marks them from the server's start)
fast_widget_state()  # a widget reads its own key, not a copy of the whole session state
FAVICON = str(Path(__file__).parent / "components" / "favicon.png")
present = presenting()
st.set_page_config(
    page_title="Training ROI Studio",
    page_icon=FAVICON,  # a local file: a ":material/…:" icon makes browsers fetch it from fonts.gstatic.com
    layout="wide",
    initial_sidebar_state="collapsed" if present else "auto",
)


def page(name: str, title: str, icon: str) -> st.Page:
    return st.Page(f"pages/{name}.py", title=title, icon=f":material/{icon}:", url_path=name)


def pages() -> dict[str, list[st.Page]]:
    """The menu's pages. Made once per session and kept (each `st.Page` resolves its file:
    ~0.7 ms a rerun for fourteen); a session's own, as `st.navigation` marks the one it runs."""
    kept = st.session_state.get(PAGES_KEY)
    if kept is None:
        kept = st.session_state[PAGES_KEY] = _pages()
    return {section: list(entries) for section, entries in kept.items()}


PAGES_KEY = "navigation_pages"


def _pages() -> dict[str, list[st.Page]]:
    return {
        "Overview": [
            st.Page(
                "pages/executive_summary.py",
                title="Executive summary",
                icon=":material/dashboard:",
                default=True,
            )
        ],
        "Model": [
            page("costs", "Costs & break-even", "stacked_line_chart"),
            page("roi", "ROI & payback", "payments"),
            page("retention", "Retention", "psychology"),
            page("blend", "Blended mix", "tune"),
        ],
        "Risk": [
            page("sensitivity", "Sensitivity", "tornado"),
            page("monte_carlo", "Monte Carlo", "casino"),
            page("goal_seek", "Goal seek", "target"),
        ],
        "Plan": [
            page("decision", "Decision matrix", "grid_view"),
            page("pilot", "Pilot planner", "science"),
            page("budget", "Budget planner", "account_balance_wallet"),
        ],
        "Scenarios": [page("scenarios", "Saved & compared", "bookmarks")],
        "Reference": [
            page("sources", "Assumptions & sources", "menu_book"),
            page("case_studies", "Case studies", "cases"),
        ],
    }


navigation = pages()
ACCOUNT_PAGES = ("account", "users")
settings = deployment()  # single-user (loopback) or accounts with a safe cookie key; else only the fix
visitor = None  # single-user: nobody signs in
if not settings.single_user:  # the gate: signed out, every address shows the sign-in form only
    paths = [p.url_path for group in navigation.values() for p in group]
    paths += ["executive_summary", *ACCOUNT_PAGES]
    visitor = signed_in_user(settings.cookie_key, paths)  # a user's session, or a client link's view
account = visitor if isinstance(visitor, SessionInfo) else None
if account is not None:
    navigation["Account"] = [page("account", "Your account", "account_circle")]
    if account.user.is_admin:
        navigation["Account"].append(page("users", "Users", "group"))
    else:  # not in the menu; its address (typed, bookmarked) says why it shows nothing, not the summary
        navigation["Account"].append(
            st.Page(
                "pages/users.py",
                title="Users",
                icon=":material/group:",
                url_path="users",
                visibility="hidden",
            )
        )

pg = st.navigation(navigation, position="top")  # the sidebar holds the inputs, from its top
forward_to_requested_page([p for group in navigation.values() for p in group])
open_short_link()  # ?s=<id>: a saved scenario's short link replaces the link's own values
load_page_settings_from_link()
ranges = current_ranges()  # read the link's uncertainty ranges once, with the scenario
if visitor is not None and not present:
    account_line(visitor)
if not present:
    present_button()
scenario = scenario_sidebar(draw=not present)
if present:
    apply_presentation_style()  # one scoped stylesheet: room-sized numbers (components/views/presentation.css)
    presentation_bar(scenario)
sync_address_bar(scenario, ranges, present)
apply_print_style()  # on paper only: the page without sidebar, navigation and buttons
apply_accessibility()  # every screen: caption contrast, skip to navigation (docs/accessibility.md)
show_input_problems()
if crafted_value_seen():
    st.warning("A value sent for a number box was not a number; the box went back to its default.")
with entry_run():
    pg.run()
if account is not None:
    write_cookie(settings.cookie_key)  # last: its component reruns the script once it has written

// Every screen (components/views/style.py, apply_accessibility): repairs to Streamlit's own markup
// that neither the theme nor a stylesheet can make (docs/accessibility.md). Runs once per tab;
// an observer re-applies the repairs whenever Streamlit redraws.
(() => {
  if (window.roiAccessibility) return;
  window.roiAccessibility = true;

  const onScreen = (el) => {
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.right > 0 && box.left < window.innerWidth;
  };

  // The navigation, wherever Streamlit put it: the top bar, or (on a phone) the sidebar.
  const firstNavigation = () =>
    [...document.querySelectorAll('[data-testid="stTopNav"] button, [data-testid="stTopNav"] a')].find(onScreen) ||
    [...document.querySelectorAll('[data-testid="stSidebarNav"] a')].find(onScreen);

  const goToNavigation = (event) => {
    event.preventDefault();
    const target = firstNavigation();
    if (target) {
      target.focus();
      return;
    }
    const open = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (!open) return;
    open.click();  // a phone: the navigation is in the closed sidebar
    let tries = 0;
    const later = () => {
      const link = firstNavigation();
      if (link) link.focus();
      else if (++tries < 20) setTimeout(later, 50);
    };
    setTimeout(later, 50);
  };

  // A second skip link, outside Streamlit's tree: the navigation in two key presses.
  const skip = document.createElement("a");
  skip.href = "#roi-navigation";  // an in-page target: a skip link, to browsers and to axe
  skip.textContent = "Skip to navigation";
  skip.dataset.testid = "roiSkipToNavigation";
  skip.addEventListener("click", goToNavigation);
  document.body.insertBefore(skip, document.body.firstChild);

  const repair = () => {
    // The skip link's target: the navigation on screen (the top bar, or the phone's sidebar).
    const nav = [...document.querySelectorAll('[data-testid="stTopNav"], [data-testid="stSidebarNav"]')];
    const shown = nav.find(onScreen) || nav[0];
    for (const other of nav) if (other !== shown && other.id === "roi-navigation") other.removeAttribute("id");
    if (shown && !shown.id) shown.id = "roi-navigation";
    // The phone's navigation list groups its links in div elements under the ul: not a list to
    // assistive technology, so it is announced as the links and section names it is.
    for (const list of document.querySelectorAll('ul[data-testid="stSidebarNavItems"]:not([role])')) {
      list.setAttribute("role", "none");
    }
    for (const item of document.querySelectorAll('[data-testid="stSidebarNavItems"] li:not([role])')) {
      item.setAttribute("role", "none");
    }
    // The file uploader's drop zone is "presentation" yet named and focusable: a named group.
    for (const zone of document.querySelectorAll('[data-testid="stFileUploaderDropzone"][role="presentation"]')) {
      zone.setAttribute("role", "group");
    }
    // A multiselect's chosen values: focusable spans named by aria-label with no role (axe:
    // aria-prohibited-attr), in a "group": announced as the list of chosen values they are.
    for (const tags of document.querySelectorAll('[data-testid="stMultiSelectTagsContainer"] > span[role="group"]')) {
      tags.setAttribute("role", "list");
    }
    for (const tag of document.querySelectorAll('[data-testid="stMultiSelectTagsContainer"] span[data-tag]:not([role])')) {
      tag.setAttribute("role", "listitem");
    }
    // Streamlit names a tile and its help button from the label as written, Markdown and all
    // ("Help for :blue[**Microlearning**] is cheaper by"): named by the words a reader sees.
    for (const help of document.querySelectorAll('[aria-label*="**"]')) {
      const name = help.getAttribute("aria-label");
      const words = name.replace(/:[a-zA-Z-]+\[([^\]]*)\]/g, "$1").replace(/\*\*/g, "");
      if (words !== name) help.setAttribute("aria-label", words);
    }
    // A table wider than the screen scrolls: reachable by keyboard, named by its first header.
    for (const table of document.querySelectorAll('[data-testid="stTable"] > div')) {
      const scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        const header = table.querySelector("th");
        table.setAttribute("tabindex", "0");
        table.setAttribute("role", "region");
        table.setAttribute("aria-label", `Table${header ? ": " + header.textContent.trim() : ""} (scrolls sideways)`);
      } else if (!scrolls && table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
        table.removeAttribute("role");
        table.removeAttribute("aria-label");
      }
    }
  };

  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      repair();
    });
  };
  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  repair();
})();

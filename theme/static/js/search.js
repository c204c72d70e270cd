// The search page (templates/search.html): runs the form's query against this site's own Pagefind
// index (pagefind/, written by plugins/search) and lists the stories found. The query lives in the
// address (?q=…), so a search can be bookmarked, shared and reached with the back button.
// A classic script, not a module: opened from disk (file://) it still runs and can say that search
// needs the site served over HTTP, where a module would silently not load at all.
{
  const PAGE_SIZE = 10;

  const form = document.querySelector(".search-form");
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  let pending = [];
  let latestQuery = null;

  // Site-relative addresses (SITEURL is relative in local builds) made absolute from this page.
  const bundleUrl = new URL(form.dataset.bundle, document.baseURI);
  const siteRoot = new URL(form.dataset.siteRoot, document.baseURI);
  const pagefindReady = import(new URL("pagefind.js", bundleUrl).href).then(async (pagefind) => {
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 40 });
    return pagefind;
  });

  function showUnavailable() {
    form.hidden = true;
    status.textContent = "";
    list.hidden = true;
    more.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
  }

  // Pagefind marks the matched words with <mark>; keep those and only text, never other markup.
  function excerptNodes(excerptHtml) {
    const parsed = new DOMParser().parseFromString(excerptHtml, "text/html").body;
    return Array.from(parsed.childNodes, (node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      }
      return document.createTextNode(node.textContent);
    });
  }

  function resultItem(data) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(heading, excerpt);
    return item;
  }

  async function showNextPage(query) {
    const page = pending.splice(0, PAGE_SIZE);
    const items = (await Promise.all(page.map((result) => result.data()))).map(resultItem);
    if (query !== latestQuery) return []; // a newer search has started meanwhile
    list.append(...items);
    list.hidden = list.children.length === 0;
    more.hidden = pending.length === 0;
    return items;
  }

  async function runSearch(query) {
    latestQuery = query;
    list.replaceChildren();
    list.hidden = true;
    more.hidden = true;
    pending = [];
    if (!query) {
      status.textContent = "";
      return;
    }
    status.textContent = "正在搜索……";
    let search;
    try {
      search = await (await pagefindReady).search(query);
    } catch (error) {
      console.error("search: the index could not be loaded", error);
      showUnavailable();
      return;
    }
    if (query !== latestQuery) return;
    pending = search.results;
    const count = pending.length;
    await showNextPage(query);
    if (query !== latestQuery) return;
    status.textContent = count
      ? `找到 ${count} 篇与“${query}”有关的稿件。`
      : `没有找到与“${query}”有关的稿件，请换一个词再试。`;
  }

  function queryFromAddress() {
    return (new URLSearchParams(window.location.search).get("q") || "").trim();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value.trim();
    const address = new URL(window.location.href);
    if (query) address.searchParams.set("q", query);
    else address.searchParams.delete("q");
    if (address.href !== window.location.href) history.pushState(null, "", address);
    runSearch(query);
  });

  more.addEventListener("click", async () => {
    const [first] = await showNextPage(latestQuery);
    // Keyboard and screen-reader users continue at the first result just added.
    first?.querySelector("a").focus();
  });

  window.addEventListener("popstate", () => {
    input.value = queryFromAddress();
    runSearch(input.value);
  });

  form.hidden = false;
  pagefindReady.catch(showUnavailable);
  input.value = queryFromAddress();
  runSearch(input.value);
}

// The search page (templates/search.html): runs the form's query against this site's own Pagefind
// index (the shard bundles in pagefind/, written by plugins/search) and lists the stories found.
// The query lives in the address (?q=…), so a search can be bookmarked, shared and reached with the
// back button.
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
  // The index comes in shards (one Pagefind bundle each, listed in bundles.json): the first one's
  // pagefind.js searches them all once the others are merged into it.
  async function loadPagefind() {
    const response = await fetch(new URL("bundles.json", bundleUrl));
    if (!response.ok) throw new Error(`search: ${response.url} answered ${response.status}`);
    const [first, ...others] = (await response.json()).bundles.map((path) => new URL(path, bundleUrl));
    const pagefind = await import(new URL("pagefind.js", first).href);
    const options = { baseUrl: siteRoot.pathname, excerptLength: 40 };
    await pagefind.options(options);
    await Promise.all(others.map((bundle) => pagefind.mergeIndex(bundle.href, options)));
    return pagefind;
  }
  const pagefindReady = loadPagefind();

  // Pagefind ignores a query word its index does not hold, and each shard is an index of its own: a
  // shard lacking one word would list its pages that hold only the others. Keep only the results
  // that hold every word some shard knows, as one index of the whole site would. Words are split as
  // Pagefind splits them (Intl.Segmenter, in the page's language).
  async function wholeSiteResults(pagefind, query, results) {
    if (typeof Intl.Segmenter === "undefined") return results;
    const segmenter = new Intl.Segmenter(document.documentElement.lang, { granularity: "word" });
    const words = new Set();
    for (const { segment, isWordLike } of segmenter.segment(query)) if (isWordLike) words.add(segment);
    if (words.size < 2) return results;
    const searches = await Promise.all(Array.from(words, (word) => pagefind.search(word)));
    const required = searches
      .filter((search) => search.results.length > 0)
      .map((search) => new Set(search.results.map((result) => result.id)));
    return results.filter((result) => required.every((holders) => holders.has(result.id)));
  }

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
    let results;
    try {
      const pagefind = await pagefindReady;
      results = await wholeSiteResults(pagefind, query, (await pagefind.search(query)).results);
    } catch (error) {
      console.error("search: the index could not be loaded", error);
      showUnavailable();
      return;
    }
    if (query !== latestQuery) return;
    pending = results;
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

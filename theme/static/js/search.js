// The search page (templates/search.html): runs the form's query against this site's own Pagefind
// index (the shard bundles in pagefind/, written by plugins/search) and lists the stories found.
// The query, the filters and the order live in the address (?q=…&region=…&sort=newest), so a search
// can be bookmarked, shared, started from a listing page and reached with the back button.
// A classic script, not a module: opened from disk (file://) it still runs and can say that search
// needs the site served over HTTP, where a module would silently not load at all.
{
  const PAGE_SIZE = 10;
  // The filters of article.html (data-pagefind-filter), each a <select name=…> of the form.
  const FILTERS = ["category", "org_type", "region"];
  // A synthetic filter naming each result's shard, for sorting across shards (see newestFirst).
  const SHARD = "shard";

  const form = document.querySelector(".search-form");
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const sortChoice = form.elements.sort;
  // The results not shown yet: takeResults(n) gives the data of the next n.
  let takeResults = async () => [];
  let resultCount = 0;
  let latestSearch = null;

  // Site-relative addresses (SITEURL is relative in local builds) made absolute from this page.
  const bundleUrl = new URL(form.dataset.bundle, document.baseURI);
  const siteRoot = new URL(form.dataset.siteRoot, document.baseURI);
  // The index comes in shards (one Pagefind bundle each, listed in bundles.json): the first one's
  // pagefind.js searches them all once the others are merged into it. Each shard's pages get the
  // synthetic filter SHARD with its name.
  async function loadPagefind() {
    const response = await fetch(new URL("bundles.json", bundleUrl));
    if (!response.ok) throw new Error(`search: ${response.url} answered ${response.status}`);
    const shards = (await response.json()).bundles.map((path) => path.replace(/\/$/, ""));
    const [first, ...others] = shards.map((name) => new URL(`${name}/`, bundleUrl));
    const pagefind = await import(new URL("pagefind.js", first).href);
    const options = { baseUrl: siteRoot.pathname, excerptLength: 40 };
    await pagefind.options({ ...options, mergeFilter: { [SHARD]: shards[0] } });
    await Promise.all(
      others.map((bundle, i) =>
        pagefind.mergeIndex(bundle.href, { ...options, mergeFilter: { [SHARD]: shards[i + 1] } }),
      ),
    );
    return { pagefind, shards };
  }
  const pagefindReady = loadPagefind();

  // Pagefind ignores a query word its index does not hold, and each shard is an index of its own: a
  // shard lacking one word would list its pages that hold only the others. Keep only the results
  // that hold every word some shard knows, as one index of the whole site would. Words are split as
  // Pagefind splits them (Intl.Segmenter, in the page's language).
  async function wholeSiteResults(pagefind, query, results) {
    if (!query || typeof Intl.Segmenter === "undefined") return results;
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

  // Newest first across shards. Pagefind sorts each shard's results by date, but a merged search
  // ranks them by position within their own shard, so the shards are merged here: shards are years
  // ("stories-2020", or "stories-2020-3of8" when plugins/search/shards.py splits a big year by hash),
  // so whole years come newest first and only the shards of one year are interleaved, by reading the
  // date of each one's next result; the other pages ("pages", no date) come last.
  function yearOf(shard) {
    const year = /^stories-(\d+)/.exec(shard);
    return year ? Number(year[1]) : -1;
  }

  function newestFirst(pagefind, shards, query, filters, kept) {
    const years = new Map();
    for (const shard of shards) {
      const year = yearOf(shard);
      if (!years.has(year)) years.set(year, []);
      years.get(year).push(shard);
    }
    const waiting = Array.from(years.keys()).sort((a, b) => b - a).map((year) => years.get(year));
    let heads = [];
    const time = (data) => Date.parse(data.meta.date) || 0;
    async function startYear(yearShards) {
      const searches = await Promise.all(
        yearShards.map((shard) =>
          pagefind.search(query, {
            filters: { ...filters, [SHARD]: shard },
            sort: yearOf(shard) < 0 ? {} : { date: "desc" },
          }),
        ),
      );
      heads = searches
        .map((search) => search.results.filter((result) => kept.has(result.id)))
        .filter((results) => results.length > 0);
    }
    return async (count) => {
      const taken = [];
      while (taken.length < count) {
        if (heads.length === 0) {
          if (waiting.length === 0) break;
          await startYear(waiting.shift());
          continue;
        }
        const next = await Promise.all(heads.map((results) => results[0].data()));
        let newest = 0;
        next.forEach((data, i) => {
          if (time(data) > time(next[newest])) newest = i;
        });
        taken.push(next[newest]);
        heads[newest].shift();
        if (heads[newest].length === 0) heads.splice(newest, 1);
      }
      return taken;
    };
  }

  function inOrder(results) {
    const pending = results.slice();
    return (count) => Promise.all(pending.splice(0, count).map((result) => result.data()));
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

  // "2020-02-18T10:30:00+08:00" as the site shows dates: 2020年2月18日.
  function shownDate(iso) {
    const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    return `${year}年${Number(month)}月${Number(day)}日`;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    item.append(heading);
    if (data.meta.date || data.meta.org) {
      const about = document.createElement("div");
      about.className = "search-results__meta";
      if (data.meta.date) {
        const time = document.createElement("time");
        time.dateTime = data.meta.date;
        time.textContent = shownDate(data.meta.date);
        about.append(time);
      }
      if (data.meta.org) {
        const org = document.createElement("span");
        org.textContent = data.meta.org;
        about.append(org);
      }
      item.append(about);
    }
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(excerpt);
    return item;
  }

  async function showNextPage(search) {
    const items = (await takeResults(PAGE_SIZE)).map(resultItem);
    if (search !== latestSearch) return []; // a newer search has started meanwhile
    list.append(...items);
    list.hidden = list.children.length === 0;
    more.hidden = list.children.length >= resultCount;
    return items;
  }

  // What to search: the query, the chosen filters (name -> value) and the order.
  function searchFromForm() {
    const filters = {};
    for (const name of FILTERS) if (form.elements[name].value) filters[name] = form.elements[name].value;
    return { query: input.value.trim(), filters, newest: sortChoice.value === "newest" };
  }

  function searchFromAddress() {
    const parameters = new URLSearchParams(window.location.search);
    const filters = {};
    for (const name of FILTERS) {
      const value = parameters.get(name);
      // Only a value the form offers: an address from elsewhere cannot add an option.
      if (value && Array.from(form.elements[name].options, (option) => option.value).includes(value)) {
        filters[name] = value;
      }
    }
    return { query: (parameters.get("q") || "").trim(), filters, newest: parameters.get("sort") === "newest" };
  }

  function showInForm(search) {
    input.value = search.query;
    for (const name of FILTERS) form.elements[name].value = search.filters[name] || "";
    sortChoice.value = search.newest ? "newest" : "";
  }

  function addressOf(search) {
    const address = new URL(window.location.href);
    address.search = "";
    if (search.query) address.searchParams.set("q", search.query);
    for (const [name, value] of Object.entries(search.filters)) address.searchParams.set(name, value);
    if (search.newest) address.searchParams.set("sort", "newest");
    return address;
  }

  // The live region's sentence: how many were found, for what, within what, in which order.
  function describe(search, count) {
    const labels = Object.entries(search.filters).map(
      ([name, value]) => `${form.querySelector(`label[for="${form.elements[name].id}"]`).textContent}：${value}`,
    );
    const within = labels.length ? `（${labels.join("，")}）` : "";
    const what = search.query ? `与“${search.query}”有关的稿件` : "稿件";
    if (!count) {
      const hint = labels.length ? "请换一个词或放宽筛选条件再试" : "请换一个词再试";
      return `没有找到${what}${within}，${hint}。`;
    }
    const order = search.newest || !search.query ? "，最新发布的在前" : "";
    return `找到 ${count} 篇${what}${within}${order}。`;
  }

  async function runSearch(search) {
    latestSearch = search;
    list.replaceChildren();
    list.hidden = true;
    more.hidden = true;
    takeResults = async () => [];
    resultCount = 0;
    const filtered = Object.keys(search.filters).length > 0;
    if (!search.query && !filtered) {
      status.textContent = "";
      return;
    }
    status.textContent = "正在搜索……";
    try {
      const { pagefind, shards } = await pagefindReady;
      // Without a query, the filters alone list their stories, newest first.
      const query = search.query || null;
      const found = await pagefind.search(query, { filters: search.filters });
      const results = await wholeSiteResults(pagefind, search.query, found.results);
      if (search !== latestSearch) return;
      resultCount = results.length;
      takeResults =
        search.newest || !query
          ? newestFirst(pagefind, shards, query, search.filters, new Set(results.map((result) => result.id)))
          : inOrder(results);
      await showNextPage(search);
    } catch (error) {
      console.error("search: the index could not be loaded", error);
      showUnavailable();
      return;
    }
    if (search !== latestSearch) return;
    status.textContent = describe(search, resultCount);
  }

  function startSearch() {
    const search = searchFromForm();
    const address = addressOf(search);
    if (address.href !== window.location.href) history.pushState(null, "", address);
    runSearch(search);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    startSearch();
  });
  // A new filter or order applies at once; the live region announces the new count.
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") startSearch();
  });

  more.addEventListener("click", async () => {
    const [first] = await showNextPage(latestSearch);
    // Keyboard and screen-reader users continue at the first result just added.
    first?.querySelector("a").focus();
  });

  window.addEventListener("popstate", () => {
    const search = searchFromAddress();
    showInForm(search);
    runSearch(search);
  });

  form.hidden = false;
  pagefindReady.catch(showUnavailable);
  const arrival = searchFromAddress();
  showInForm(arrival);
  // Arriving from a listing's "在…的稿件中搜索", the reader is about to type a query.
  if (!arrival.query && Object.keys(arrival.filters).length) input.focus();
  runSearch(arrival);
}

// The search page (templates/search.html): runs the form's query against this site's own search
// index (written by plugins/search into the folder its <script>'s data-index names) and lists the
// stories found. Only the files a query needs are fetched: the chunk of postings of each of the
// query's terms, the stored text of the stories it must check or show, and each segment's table of
// filter values when a filter is chosen; the entry file too when the page does not carry it. The
// query, the filters and the order live in the address (?q=…&region=…&sort=newest), so a search
// can be bookmarked, shared, started from a listing page and reached with the back button.
// A classic script, not a module: opened from disk (file://) it still runs and can say that search
// needs the site served over HTTP, where a module would silently not load at all.
// The page carries this script and the index's entry in its <head>, before its styles: the script
// asks for the query's chunks while the page is still arriving, so on a phone the first results
// come two round trips after the page (the chunks, then the stories' stored text), not four.
{
  const PAGE_SIZE = 10;
  // The filters of the index (plugins/search/segments.py FILTER_NAMES), each a <select name=…>.
  const FILTERS = ["category", "org_type", "region"];
  // Characters of text shown on each side of the match in a result's excerpt.
  const EXCERPT_SIDE = 40;
  // Stories checked for the whole query at most, per page of results shown, beyond that page.
  const CHECKS_PER_PAGE = 3 * PAGE_SIZE;

  // The page's parts, once it is parsed (startPage).
  let form, input, status, list, more, sortChoice;
  // The results not shown yet: takeResults(n) gives the next n (their stored records).
  let takeResults = async () => [];
  let resultCount = 0;
  let latestSearch = null;

  // Site-relative addresses (SITEURL is relative in local builds) made absolute from this page.
  const script = document.currentScript;
  const indexUrl = new URL(script.dataset.index, document.baseURI);
  const siteRoot = new URL(script.dataset.siteRoot, document.baseURI);

  // --- The terms, by the rules of plugins/search/terms.py -------------------------------------
  const HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]$/u;
  const LATIN_WORD = /[a-z0-9]+/g;
  const LATIN_BASE = 2 ** 42;
  const PAIR_SHIFT = 2 ** 21;

  function fold(text) {
    return text
      .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .toLowerCase();
  }

  function fnv1a(word) {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(word)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash;
  }

  // A query word's terms (codes): a lone Han character, the pairs of a longer Han run, Latin words.
  function termsOf(word) {
    const codes = [];
    const chars = Array.from(word);
    for (let start = 0; start < chars.length; ) {
      if (!HAN.test(chars[start])) {
        start += 1;
        continue;
      }
      let end = start;
      while (end < chars.length && HAN.test(chars[end])) end += 1;
      const points = chars.slice(start, end).map((char) => char.codePointAt(0));
      if (points.length === 1) codes.push(points[0]);
      for (let i = 0; i + 1 < points.length; i += 1) codes.push(points[i] * PAIR_SHIFT + points[i + 1]);
      start = end;
    }
    for (const latin of word.match(LATIN_WORD) || []) codes.push(LATIN_BASE + fnv1a(latin));
    return codes;
  }

  // Whether holding every term of the word means holding the word itself (a lone character, a
  // pair, one Latin word): then no story needs its text checked.
  function termsAreTheWord(word) {
    const chars = Array.from(word);
    return (chars.length <= 2 && chars.every((char) => HAN.test(char))) || /^[a-z0-9]+$/.test(word);
  }

  function chunkOf(code, chunks) {
    const mixed = (BigInt(code) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    return Number((mixed >> 32n) % BigInt(chunks));
  }

  // --- Files of the index -----------------------------------------------------------------------
  const files = new Map(); // path -> promise of its bytes: each file is fetched once per page

  function fetchBytes(path, compressed = true) {
    if (!files.has(path)) {
      files.set(
        path,
        (async () => {
          const response = await fetch(new URL(path, indexUrl));
          if (!response.ok) throw new Error(`search: ${response.url} answered ${response.status}`);
          const body = compressed ? response.body.pipeThrough(new DecompressionStream("gzip")) : response.body;
          return new Uint8Array(await new Response(body).arrayBuffer());
        })(),
      );
    }
    return files.get(path);
  }

  async function fetchJson(path, compressed = true) {
    return JSON.parse(new TextDecoder().decode(await fetchBytes(path, compressed)));
  }

  // Unsigned LEB128 varints, one after the other.
  function varintReader(bytes) {
    let at = 0;
    return () => {
      let value = 0;
      let scale = 1;
      for (;;) {
        const byte = bytes[at++];
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) return value;
        scale *= 128;
      }
    };
  }

  // A chunk of postings (segments.py): term code -> {all: documents, title: documents}.
  function readChunk(bytes) {
    const next = varintReader(bytes);
    const count = next();
    const codes = [];
    let code = 0;
    for (let i = 0; i < count; i += 1) codes.push((code += next()));
    const counts = codes.map(() => next());
    const titleCounts = codes.map(() => next());
    const lists = (sizes) =>
      sizes.map((size) => {
        const documents = new Array(size);
        let document = 0;
        for (let i = 0; i < size; i += 1) documents[i] = i === 0 ? (document = next()) : (document += next());
        return documents;
      });
    const all = lists(counts);
    const title = lists(titleCounts);
    return new Map(codes.map((term, i) => [term, { all: all[i], title: title[i] }]));
  }

  const chunks = new Map(); // segment path + chunk -> promise of the parsed chunk
  function chunk(segment, number) {
    const path = `${segment.path}p/${number}.gz`;
    if (!chunks.has(path)) chunks.set(path, fetchBytes(path).then(readChunk));
    return chunks.get(path);
  }

  // The entry file: the segments (where, how many chunks) and the stories gone from them, as the
  // page carries it (<script id="search-entry">), or else fetched (a build without plugins/fastbuild
  // renders the page before the index is planned, and the page carries nothing).
  function readEntry() {
    if (window.location.protocol === "file:") throw new Error("search: the page is not served over HTTP");
    if (typeof DecompressionStream === "undefined") throw new Error("search: no DecompressionStream");
    const carried = document.getElementById("search-entry").textContent.trim();
    return carried ? JSON.parse(carried) : fetchJson("index.json", false);
  }
  const entryReady = (async () => readEntry())();
  entryReady.catch(() => {}); // its failure is reported by the search that needs it

  // The chunks holding the query's terms, asked for as soon as the entry is read.
  async function prefetchChunks(codes) {
    const entry = await entryReady;
    for (const segment of entry.segments) {
      for (const code of codes) chunk(segment, chunkOf(code, segment.chunks)).catch(() => {});
    }
  }

  // The whole index's documents, in the order of the entry file alone: the large segment's are
  // numbered newest first, and each recent one has its place among them (`places`). A recent
  // segment's stored records are named by key (`keys`), the large one's by number.
  async function loadIndex() {
    const entry = await entryReady;
    const gone = new Set(entry.gone);
    let first = 0;
    const segments = entry.segments.map((segment, number) => {
      const loaded = { ...segment, first, gone: number === 0 ? gone : new Set() };
      first += segment.count;
      return loaded;
    });
    const documents = [];
    for (const segment of segments) {
      for (let local = 0; local < segment.count; local += 1) {
        if (segment.gone.has(local)) continue;
        // Even ranks for recent documents: each goes just before the large segment's document at its place.
        const rank = segment.keys ? 2 * segment.places[local] : 2 * local + 1;
        const store = segment.keys ? `${entry.store}${segment.keys[local]}.gz` : `${segment.path}s/${local}.gz`;
        documents.push({ segment, local, id: segment.first + local, rank, store });
      }
    }
    return { segments, documents, byId: new Map(documents.map((doc) => [doc.id, doc])) };
  }

  // Each document's filter values (name -> value), from every segment's table: fetched only for a
  // search with a filter chosen.
  let filtersReady = null;
  function loadFilters(index) {
    if (filtersReady) return filtersReady;
    filtersReady = Promise.all(
      index.segments.map(async (segment) => {
        const table = await fetchJson(`${segment.path}filters.gz`);
        for (const doc of index.documents) {
          if (doc.segment !== segment) continue;
          doc.filters = {};
          for (const name of FILTERS) {
            const filter = table.filters[name];
            const code = filter ? filter.of[doc.local] : -1;
            if (code >= 0) doc.filters[name] = filter.values[code];
          }
        }
      }),
    );
    return filtersReady;
  }
  const indexReady = loadIndex();

  // The sorted lists' common members.
  function intersect(lists) {
    if (lists.length === 0) return [];
    const [shortest, ...others] = lists.slice().sort((a, b) => a.length - b.length);
    const sets = others.map((other) => new Set(other));
    return shortest.filter((value) => sets.every((set) => set.has(value)));
  }

  // The documents holding every term (and those holding every term in the title).
  async function holders(index, codes) {
    const found = [];
    const titled = new Set();
    await Promise.all(
      index.segments.map(async (segment) => {
        const postings = await Promise.all(
          codes.map(async (code) => (await chunk(segment, chunkOf(code, segment.chunks))).get(code)),
        );
        if (postings.some((posting) => !posting)) return;
        for (const local of intersect(postings.map((posting) => posting.all))) found.push(segment.first + local);
        for (const local of intersect(postings.map((posting) => posting.title))) titled.add(segment.first + local);
      }),
    );
    return { found, titled };
  }

  function newer(a, b) {
    return a.rank - b.rank || a.id - b.id;
  }

  // A document's stored record: {url, title, date, org, text}.
  async function record(doc) {
    if (!doc.record) {
      const [url, title, date, org, text] = await fetchJson(doc.store);
      doc.record = { url, title, date, org, text };
    }
    return doc.record;
  }

  function holdsEveryWord(data, words, inTitle) {
    const text = fold(inTitle ? data.title : `${data.title}\n${data.text}`);
    return words.every((word) => text.includes(word));
  }

  // Results in order: stories holding every word whole (the title first) before those holding
  // only its pieces; newest first within each. Holding a word's pieces is known from the index;
  // holding it whole is checked in the stored text, a page at a time, as far as needed.
  function ranked(docs, titled, words) {
    const order = docs.slice().sort((a, b) => titled.has(b.id) - titled.has(a.id) || newer(a, b));
    if (words.every(termsAreTheWord)) return inOrder(order);
    const whole = [];
    const pieces = [];
    let checked = 0;
    let taken = 0;
    return async (count) => {
      let budget = count + CHECKS_PER_PAGE;
      while (whole.length - taken < count && checked < order.length && budget > 0) {
        const batch = order.slice(checked, checked + Math.min(count, budget));
        checked += batch.length;
        budget -= batch.length;
        const records = await Promise.all(batch.map(record));
        batch.forEach((doc, i) => (holdsEveryWord(records[i], words, false) ? whole : pieces).push(doc));
      }
      let next = whole.slice(taken, taken + count);
      taken += next.length;
      if (next.length < count && checked >= order.length) {
        const rest = pieces.splice(0, count - next.length);
        next = next.concat(rest);
      } else if (next.length < count) {
        // Past the checking budget: unchecked stories, in order.
        const rest = order.slice(checked, checked + count - next.length);
        checked += rest.length;
        next = next.concat(rest);
      }
      return Promise.all(next.map(async (doc) => ({ doc, data: await record(doc) })));
    };
  }

  function inOrder(docs) {
    const pending = docs.slice();
    return (count) => Promise.all(pending.splice(0, count).map(async (doc) => ({ doc, data: await record(doc) })));
  }

  function showUnavailable() {
    form.hidden = true;
    status.textContent = "";
    list.hidden = true;
    more.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
  }

  // The places in `folded` to mark: every occurrence of the words, or if none is whole there, of
  // their pieces (pairs and single characters of Han text, Latin words); merged, in order.
  function matches(folded, words) {
    const needles = words.some((word) => folded.includes(word))
      ? words
      : words.flatMap((word) => {
          const chars = Array.from(word);
          return [...chars.slice(0, -1).map((char, i) => char + chars[i + 1]), ...(word.match(LATIN_WORD) || [])];
        });
    const ranges = [];
    for (const needle of needles.filter(Boolean)) {
      for (let at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + needle.length)) {
        ranges.push([at, at + needle.length]);
      }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const range of ranges) {
      const last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    }
    return merged;
  }

  // The body around the first match, the matches marked with <mark> (text nodes only).
  function excerptNodes(text, words) {
    const ranges = words.length ? matches(fold(text), words) : [];
    const start = ranges.length ? Math.max(0, ranges[0][0] - EXCERPT_SIDE) : 0;
    const end = Math.min(text.length, (ranges.length ? ranges[0][1] : 0) + EXCERPT_SIDE * 2);
    const nodes = [document.createTextNode(start > 0 ? "…" : "")];
    let at = start;
    for (const [from, to] of ranges) {
      if (from >= end) break;
      if (from < at) continue;
      nodes.push(document.createTextNode(text.slice(at, from)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(from, Math.min(to, end));
      nodes.push(mark);
      at = Math.min(to, end);
    }
    nodes.push(document.createTextNode(text.slice(at, end) + (end < text.length ? "…" : "")));
    return nodes;
  }

  // "2020-02-18T10:30:00+08:00" as the site shows dates: 2020年2月18日.
  function shownDate(iso) {
    const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    return `${year}年${Number(month)}月${Number(day)}日`;
  }

  function resultItem({ data }, words) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = siteRoot.pathname + data.url;
    link.textContent = data.title || data.url;
    heading.append(link);
    item.append(heading);
    if (data.date || data.org) {
      const about = document.createElement("div");
      about.className = "search-results__meta";
      if (data.date) {
        const time = document.createElement("time");
        time.dateTime = data.date;
        time.textContent = shownDate(data.date);
        about.append(time);
      }
      if (data.org) {
        const org = document.createElement("span");
        org.textContent = data.org;
        about.append(org);
      }
      item.append(about);
    }
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(data.text, words));
    item.append(excerpt);
    return item;
  }

  async function showNextPage(search) {
    const items = (await takeResults(PAGE_SIZE)).map((result) => resultItem(result, search.words));
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

  // The stories a search lists, and the function giving them page by page.
  async function results(index, search) {
    const words = search.words;
    let docs;
    let titled = new Set();
    if (words.length) {
      const codes = [...new Set(words.flatMap(termsOf))];
      if (codes.length === 0) return { count: 0, take: async () => [] };
      const held = await holders(index, codes);
      titled = held.titled;
      docs = held.found.map((id) => index.byId.get(id)).filter(Boolean);
    } else {
      docs = index.documents;
    }
    const filters = Object.entries(search.filters);
    if (filters.length) {
      await loadFilters(index);
      docs = docs.filter((doc) => filters.every(([name, value]) => doc.filters[name] === value));
    }
    const take = search.newest || !words.length ? inOrder(docs.slice().sort(newer)) : ranked(docs, titled, words);
    return { count: docs.length, take };
  }

  function wordsOf(query) {
    return query.split(/\s+/).filter(Boolean).map(fold);
  }

  async function runSearch(search) {
    latestSearch = search;
    search.words = wordsOf(search.query);
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
    prefetchChunks(search.words.flatMap(termsOf)).catch(() => {});
    try {
      const found = await results(await indexReady, search);
      if (search !== latestSearch) return;
      resultCount = found.count;
      takeResults = found.take;
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

  function startPage() {
    form = document.querySelector(".search-form");
    input = form.querySelector("input[name=q]");
    status = document.getElementById("search-status");
    list = document.getElementById("search-results");
    more = document.getElementById("search-more");
    sortChoice = form.elements.sort;

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
    indexReady.catch(showUnavailable);
    const arrival = searchFromAddress();
    showInForm(arrival);
    // Arriving from a listing's "在…的稿件中搜索", the reader is about to type a query.
    if (!arrival.query && Object.keys(arrival.filters).length) input.focus();
    runSearch(arrival);
  }

  // The address's query: its chunks are asked for now, while the page is still arriving.
  prefetchChunks(wordsOf(new URLSearchParams(window.location.search).get("q") || "").flatMap(termsOf))
    .catch(() => {});
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startPage);
  else startPage();
}

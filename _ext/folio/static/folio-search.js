/* Folio's search page: Pagefind's index (pagefind/, written at build time) read in pieces,
   results drawn in the site's own design.

   The form is a plain GET form: search.html?q=whale&genre=review&tag=the-sea&book=<key>&year=2019
   is a search anyone can link to; typing or choosing updates the address in place.
   Essays, quotations and books are searched separately (Pagefind's "kind" filter) and
   shown under their own headings. Everything shown is set as text (textContent), never
   as markup: Pagefind's snippets are split at its <mark> tags and rebuilt element by
   element. The words are the site's (wording.py), handed over as JSON in the page. */

const form = document.querySelector("form[data-folio-search]");
const status = document.getElementById("folio-search-status");
const results = document.getElementById("folio-search-results");
const words = JSON.parse(document.getElementById("folio-search-words").textContent);
const FACETS = ["genre", "tag", "book", "year"];
const KINDS = ["essay", "quotation", "book"];
/* How many of a kind are drawn at once: each result drawn is one more file fetched
   (its fragment) before the reader sees anything; the rest come with "more". */
const BATCH = { essay: 5, quotation: 4, book: 3 };
/* The pause after a key before searching (bench/search.py counts it in the wait). */
const PAUSE = 50;

let pagefind = null;
let ticket = 0;

/* Pagefind, loaded once: started as the page opens (its script, the wasm and the index's
   meta file), so the first search does not wait for them after the first key. */
function engine() {
  if (pagefind === null) {
    const address = new URL(form.dataset.pagefind, document.baseURI).href;
    pagefind = import(address).then(async (loaded) => {
      await loaded.options({ excerptLength: 28 });
      await loaded.init();
      return loaded;
    });
    pagefind.catch(() => { pagefind = null; });  // the next search tries again
  }
  return pagefind;
}

function element(name, className, text) {
  const made = document.createElement(name);
  if (className) made.className = className;
  if (text) made.textContent = text;
  return made;
}

/* Pagefind's excerpt: the page's text with < and > written as entities and the words found
   in <mark>...</mark>; nothing else is markup. */
function marked(excerpt, into) {
  const pieces = String(excerpt || "").split(/(<mark>|<\/mark>)/);
  let inMark = false;
  for (const piece of pieces) {
    if (piece === "<mark>") { inMark = true; continue; }
    if (piece === "</mark>") { inMark = false; continue; }
    const text = piece.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    if (!text) continue;
    into.append(inMark ? element("mark", "", text) : document.createTextNode(text));
  }
  return into;
}

/* A quotation in full (they are short), its found words marked by position. */
function markedWords(content, locations, into) {
  const found = new Set(locations || []);
  String(content || "").split(/\s+/).filter(Boolean).forEach((word, index) => {
    if (index > 0) into.append(document.createTextNode(" "));
    into.append(found.has(index) ? element("mark", "", word) : document.createTextNode(word));
  });
  return into;
}

function link(url, className, text) {
  const made = element("a", className, text);
  made.href = url;
  return made;
}

function essayResult(data) {
  const item = element("li", "folio-result folio-result-essay");
  const title = element("p", "folio-result-title");
  title.append(link(data.url, "", data.meta.title || data.url));
  item.append(title);
  const facts = element("p", "folio-result-facts");
  if (data.meta.date) {
    const when = element("time", "", data.meta.date);
    if (data.meta.iso) when.dateTime = data.meta.iso;
    facts.append(when);
  }
  if (data.meta.genre) {
    if (data.meta.date) facts.append(document.createTextNode(words.separator));
    facts.append(element("span", "folio-result-genre", data.meta.genre));
  }
  item.append(facts);
  if (/<mark>/.test(data.excerpt || "")) {
    item.append(marked(data.excerpt, element("p", "folio-result-snippet")));
  } else if (data.meta.summary) {
    item.append(element("p", "folio-result-summary", data.meta.summary));
  }
  return item;
}

function quotationResult(data) {
  const item = element("li", "folio-result folio-result-quotation");
  const words_ = element("blockquote", "folio-result-words");
  const inner = element("p");
  inner.append(markedWords(data.content, data.locations, link(data.url, "", "")));
  words_.append(inner);
  item.append(words_);
  const facts = element("p", "folio-result-facts");
  facts.append(element("cite", "folio-result-book", data.meta.book || ""));
  if (data.meta.page) facts.append(document.createTextNode(" " + data.meta.page));
  if (data.meta.essay) {
    facts.append(document.createTextNode(words.separator + words.in_essay + " "));
    facts.append(link(data.url, "folio-result-essay-link", data.meta.essay));
  }
  item.append(facts);
  return item;
}

function bookResult(data) {
  const item = element("li", "folio-result folio-result-book");
  const title = element("p", "folio-result-title");
  const cite = element("cite");
  cite.append(link(data.url, "", data.meta.title || data.url));
  title.append(cite);
  item.append(title);
  if (data.meta.facts) item.append(element("p", "folio-result-facts", data.meta.facts));
  return item;
}

const DRAW = { essay: essayResult, quotation: quotationResult, book: bookResult };

function count(kind, n) {
  const [one, other] = words.counts[kind];
  return (n === 1 ? one : other).replace("{n}", String(n));
}

function sentence(found, query) {
  const parts = found.filter(([, n]) => n > 0).map(([kind, n]) => count(kind, n));
  const joined = parts.length > 1
    ? parts.slice(0, -1).join(words.comma) + words.and + parts[parts.length - 1] : parts.join("");
  const key = (parts.length ? "found" : "none") + (query ? "" : "_narrowed");
  return words[key].replace("{found}", joined).replace("{query}", query);
}

function chosen() {
  const query = form.elements.q.value.trim();
  const filters = {};
  for (const name of FACETS) {
    const field = form.elements[name];
    if (field && field.value) filters[name] = field.value;
  }
  return [query, filters];
}

function remember(query, filters) {
  const address = new URL(location.href);
  address.search = "";
  if (query) address.searchParams.set("q", query);
  for (const [name, value] of Object.entries(filters)) address.searchParams.set(name, value);
  if (address.href !== location.href) history.replaceState(null, "", address.href);
}

function fromAddress() {
  const given = new URLSearchParams(location.search);
  form.elements.q.value = given.get("q") || "";
  for (const name of FACETS) {
    const field = form.elements[name];
    const value = given.get(name) || "";
    if (!field) continue;
    if (value && ![...field.options].some((option) => option.value === value)) {
      field.append(new Option(value, value));  // a value this build does not list
    }
    field.value = value;
  }
}

async function showMore(list, button, kind, found, shown) {
  const next = found.slice(shown, shown + BATCH[kind]);
  const loaded = await Promise.all(next.map((result) => result.data()));
  loaded.forEach((data) => list.append(DRAW[kind](data)));
  const now = shown + loaded.length;
  if (now >= found.length) button.remove();
  else button.onclick = () => showMore(list, button, kind, found, now);
  const first = list.children[shown];
  if (first) first.querySelector("a")?.focus();
}

/* A kind's results: its heading, the first few drawn (each needs its fragment fetched),
   and a button for the next few. Hidden until its results are drawn. */
function group(kind) {
  const section = element("section", `folio-search-group folio-search-${kind}s`);
  const heading = element("h2", "", words.headings[kind]);
  heading.id = `folio-search-${kind}s`;
  section.setAttribute("aria-labelledby", heading.id);
  section.append(heading);
  section.hidden = true;
  return section;
}

function fill(section, kind, all, first) {
  const list = element("ol", "folio-results");
  first.forEach((data) => list.append(DRAW[kind](data)));
  section.append(list);
  if (all.length > first.length) {
    const more = element("button", "folio-search-more",
      words.more.replace("{kind}", words.headings[kind].toLowerCase()));
    more.type = "button";
    more.onclick = () => showMore(list, more, kind, all, first.length);
    section.append(more);
  }
  section.hidden = false;
}

/* The three kinds are searched at once and each is drawn as soon as its first few
   results are in, in its own place (essays, quotations, books); the earlier results stay
   until the first kind of the new ones is drawn, so typing does not blank the page. The
   status line, read out to screen readers, is set once every kind has answered. */
async function search() {
  const mine = ++ticket;
  const [query, filters] = chosen();
  remember(query, filters);
  if (!query && Object.keys(filters).length === 0) {
    results.replaceChildren();
    status.textContent = "";
    return;
  }
  results.setAttribute("aria-busy", "true");
  const sections = KINDS.map(group);
  let shown = false;
  const show = () => {
    if (!shown && mine === ticket) { results.replaceChildren(...sections); shown = true; }
  };
  let counts;
  try {
    const engine_ = await engine();
    counts = await Promise.all(KINDS.map(async (kind, index) => {
      const answer = await engine_.search(query || null, {
        filters: { ...filters, kind },
        ...(query || kind === "book" ? {} : { sort: { date: "desc" } }),
      });
      const all = answer.results;
      if (mine !== ticket || all.length === 0) return [kind, all.length];
      const first = await Promise.all(all.slice(0, BATCH[kind]).map((result) => result.data()));
      if (mine !== ticket) return [kind, all.length];
      fill(sections[index], kind, all, first);
      show();
      return [kind, all.length];
    }));
  } catch (error) {
    if (mine !== ticket) return;
    status.textContent = words.unavailable;
    results.removeAttribute("aria-busy");
    return;
  }
  if (mine !== ticket) return;
  show();
  sections.filter((section) => section.hidden).forEach((section) => section.remove());
  results.removeAttribute("aria-busy");
  status.textContent = sentence(counts, query);
}

let waiting = null;
function soon() {
  clearTimeout(waiting);
  waiting = setTimeout(search, PAUSE);
  /* While the pause runs, fetch the index chunks the words typed so far need. */
  const query = form.elements.q.value.trim();
  if (query) engine().then((loaded) => loaded.preload(query)).catch(() => {});
}

if (form) {
  fromAddress();
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(waiting); search(); });
  form.elements.q.addEventListener("input", soon);
  for (const name of FACETS) form.elements[name]?.addEventListener("change", search);
  window.addEventListener("popstate", () => { fromAddress(); search(); });
  if (!form.elements.q.value) form.elements.q.focus();
  engine().catch(() => {});
  search();
}

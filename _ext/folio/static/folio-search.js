/* Folio's search page: Pagefind's index (pagefind/, written at build time) read in pieces,
   results drawn in the site's own design.

   The form is a plain GET form: search.html?q=whale&genre=review&tag=the-sea&book=<key>&year=2019
   is a search anyone can link to; typing or choosing updates the address in place.
   Essays and books are searched separately (Pagefind's "kind" filter, which only books
   carry: essays are what is not a book, KIND); quotations are
   found inside the essays found (each essay's result lists its quotations, where they
   start among its words and what they say), and all three are shown under their own
   headings. Everything shown is set as text (textContent), never
   as markup: Pagefind's snippets are split at its <mark> tags and rebuilt element by
   element. The words are the site's (wording.py), handed over as JSON in the page. */

const form = document.querySelector("form[data-folio-search]");
const status = document.getElementById("folio-search-status");
const results = document.getElementById("folio-search-results");
const words = JSON.parse(document.getElementById("folio-search-words").textContent);
const FACETS = ["genre", "tag", "book", "year"];
const KINDS = ["essay", "quotation", "book"];
/* How many of a kind are drawn at once: each essay or book drawn is one more file
   fetched (its fragment) before the reader sees anything; the rest come with "more".
   Quotations come from the essays' fragments: up to SCAN essays are looked in for the
   first few (each essay looked in is one more fragment fetched), and "more" looks further. */
const BATCH = { essay: 5, quotation: 4, book: 3 };
const SCAN = 10;
/* The "kind" filter for each search: a list of every essay would be fetched with each
   query and grow with the collection, so essays are asked for as "none of: book". */
const KIND = { essay: { none: ["book"] }, book: "book" };
/* The pause after a key before searching (bench/search.py counts it in the wait); longer
   while the word being typed has one or two letters: Pagefind fetches every index chunk
   that such a prefix could extend into ("r" at 10,000 essays: the chunks of every word in
   r), which the finished word mostly does not need. */
const PAUSE = 50;
const SHORT_PAUSE = 400;

/* Pagefind is sent the site's text with each typographic mark (’ — …) written as ` and an
   ASCII mark, so that it splits words there (folio/core/pagefind.py, TYPOGRAPHY): what it
   answers is written back before it is shown, and the filters asked for are written its way. */
const TYPOGRAPHY = JSON.parse(form?.dataset.typography || "{}");
const AS_ASCII = Object.fromEntries(Object.entries(TYPOGRAPHY).map(([mark, ch]) => [ch, mark]));
const typographic = (text) => String(text).replace(/`([\s\S])/g, (_, mark) => TYPOGRAPHY[mark] ?? mark);
const asAscii = (text) => String(text).replace(/[\s\S]/gu, (ch) =>
  ch === "`" ? "``" : AS_ASCII[ch] ? "`" + AS_ASCII[ch] : ch);

/* Pagefind looks up each word of a query twice, as typed and as its stem (request_indexes,
   pagefind_web/src/lib.rs), and fetches the index chunk each falls in. The typed form is
   often no word of the index ("memory"; the index holds "memori") and falls in a chunk the
   search never reads: 106 kB more for "garden memory" at 10,000 essays (bench/search.py).
   Handed the stem, Pagefind looks up that one word, and as it searches the stem of what it
   is given, every page with a word of that stem is found as before. (A longer word that
   only begins with the stem, "runner" for "running", Pagefind also counts in when the chunks
   it fetched hold it: fewer chunks, so that happens less.) The stemmer is Pagefind's own
   algorithm, Snowball's English (static/snowball/, tools/snowball_stemmer.py), used only
   on a site in English (data-stemmer). A word stays as typed unless it is ASCII letters
   once the punctuation Pagefind drops is dropped, and its stem stems to itself: "early" →
   "earli" → "ear" would find every word in "ear". Straight quotation marks stay: "…" asks
   for the words in a row. */
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;
export function forPagefind(query, stem) {
  if (!stem) return query;
  return query.split(/(\s+)/).map((part) => {
    const word = part.replace(PUNCTUATION, "").toLowerCase();
    if (!/^[a-z]+$/.test(word)) return part;
    const root = stem(word);
    if (root === word || stem(root) !== root) return part;
    return (part.startsWith('"') ? '"' : "") + root
      + (part.length > 1 && part.endsWith('"') ? '"' : "");
  }).join("");
}

let pagefind = null;
let stemmer = null;
let ticket = 0;

/* Pagefind, loaded once: started as the page opens (its script, the wasm and the index's
   meta file), so the first search does not wait for them after the first key. */
function engine() {
  if (pagefind === null) {
    const address = new URL(form.dataset.pagefind, document.baseURI).href;
    pagefind = import(address).then(async (loaded) => {
      /* On the page's own thread: a worker is one more copy of the engine to fetch
         (pagefind-worker.js, 12 kB sent), for searches that take milliseconds. */
      await loaded.options({ excerptLength: 28, noWorker: true });
      await loaded.init();
      return loaded;
    });
    pagefind.catch(() => { pagefind = null; });  // the next search tries again
  }
  return pagefind;
}

/* The stemmer, loaded beside Pagefind; without it (another language, a failed load) the
   words go to Pagefind as typed. */
function stemming() {
  if (stemmer === null) {
    stemmer = form.dataset.stemmer
      ? import(new URL(form.dataset.stemmer, document.baseURI).href).then((loaded) => {
        const english = new loaded.default();
        return (word) => english.stemWord(word);
      }).catch(() => undefined)
      : Promise.resolve(undefined);
  }
  return stemmer;
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

function quotationResult(quote) {
  const item = element("li", "folio-result folio-result-quotation");
  const words_ = element("blockquote", "folio-result-words");
  const inner = element("p");
  inner.append(markedWords(quote.text, quote.hits, link(quote.url, "", "")));
  words_.append(inner);
  item.append(words_);
  const facts = element("p", "folio-result-facts");
  facts.append(element("cite", "folio-result-book", quote.book));
  if (quote.page) facts.append(document.createTextNode(" " + quote.page));
  if (quote.essay) {
    facts.append(document.createTextNode(words.separator + words.in_essay + " "));
    facts.append(link(quote.url, "folio-result-essay-link", quote.essay));
  }
  item.append(facts);
  return item;
}

/* The quotations of an essay's result that the search found: those holding a word found
   (every one, when nothing was typed), of the chosen book if one is. Each is listed in the
   essay's meta as [anchor, words, book, book key, page]; Pagefind gives where each anchor
   starts among the page's words and where the words found are. */
function quotationsIn(data, book, query) {
  let listed = [];
  try { listed = JSON.parse(data.meta.quotations || "[]"); } catch (error) { listed = []; }
  const starts = new Map((data.anchors || []).map((anchor) => [anchor.id, anchor.location]));
  const found = [];
  for (const [anchor, text, bookTitle, bookKey, page] of listed) {
    const start = starts.get(anchor);
    if (start === undefined || (book && bookKey !== book)) continue;
    const length = String(text).split(/\s+/).filter(Boolean).length;
    const hits = (data.locations || []).filter((at) => at >= start && at < start + length)
      .map((at) => at - start);
    if (query && hits.length === 0) continue;
    found.push({ url: `${data.url}#${anchor}`, text, hits, book: bookTitle, page,
                 essay: data.meta.title || "" });
  }
  return found;
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

/* A count for the status line; ``atLeast`` when essays not yet looked in may hold more
   (quotations are counted in the essays looked in). */
function count(kind, n, atLeast) {
  const [one, other] = words.counts[kind];
  const said = (n === 1 ? one : other).replace("{n}", String(n));
  return atLeast ? words.at_least.replace("{count}", said) : said;
}

function sentence(found, query) {
  const parts = found.filter(([, n]) => n > 0).map(([kind, n, atLeast]) => count(kind, n, atLeast));
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

/* Each result's fragment fetched once, whichever kind asks for it first, its excerpt and
   meta written back in the site's typography. */
function loader() {
  const loaded = new Map();
  return (result) => {
    if (!loaded.has(result.id)) {
      loaded.set(result.id, result.data().then((data) => ({
        ...data,
        excerpt: typographic(data.excerpt || ""),
        meta: Object.fromEntries(Object.entries(data.meta || {})
          .map(([key, value]) => [key, typographic(value)])),
      })));
    }
    return loaded.get(result.id);
  };
}

/* The quotations found in one search's essays, looked for a few essays at a time: ``next``
   gives up to ``wanted`` more, fewer when the essays (or the ``limit`` of essays to look in
   this time) run out; ``done`` says nothing is left to give. */
function quotationFinder(essays, load, book, query) {
  let looked = 0;
  const waiting = [];
  return {
    get lookedInAll() { return looked >= essays.length; },
    get done() { return looked >= essays.length && waiting.length === 0; },
    get found() { return waiting.length; },
    async next(wanted, limit) {
      const stop = Math.min(essays.length, limit === undefined ? essays.length : looked + limit);
      while (waiting.length < wanted && looked < stop) {
        const batch = essays.slice(looked, Math.min(stop, looked + BATCH.essay));
        looked += batch.length;
        const loaded = await Promise.all(batch.map(load));
        loaded.forEach((data) => waiting.push(...quotationsIn(data, book, query)));
      }
      return waiting.splice(0, wanted);
    },
  };
}

async function showMore(list, button, kind, found, shown, load) {
  const next = found.slice(shown, shown + BATCH[kind]);
  const loaded = await Promise.all(next.map(load));
  loaded.forEach((data) => list.append(DRAW[kind](data)));
  const now = shown + loaded.length;
  if (now >= found.length) button.remove();
  else button.onclick = () => showMore(list, button, kind, found, now, load);
  const first = list.children[shown];
  if (first) first.querySelector("a")?.focus();
}

async function showMoreQuotations(list, button, finder) {
  const shown = list.children.length;
  (await finder.next(BATCH.quotation)).forEach((quote) => list.append(quotationResult(quote)));
  if (finder.done) button.remove();
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

function moreButton(kind) {
  const more = element("button", "folio-search-more",
    words.more.replace("{kind}", words.headings[kind].toLowerCase()));
  more.type = "button";
  return more;
}

function fill(section, kind, all, first, load) {
  const list = element("ol", "folio-results");
  first.forEach((data) => list.append(DRAW[kind](data)));
  section.append(list);
  if (all.length > first.length) {
    const more = moreButton(kind);
    more.onclick = () => showMore(list, more, kind, all, first.length, load);
    section.append(more);
  }
  section.hidden = false;
}

function fillQuotations(section, first, finder) {
  const list = element("ol", "folio-results");
  first.forEach((quote) => list.append(quotationResult(quote)));
  section.append(list);
  if (!finder.done) {
    const more = moreButton("quotation");
    more.onclick = () => showMoreQuotations(list, more, finder);
    section.append(more);
  }
  section.hidden = false;
}

/* Essays and books are searched at once and each kind is drawn as soon as its first few
   results are in, in its own place (essays, quotations, books); the quotations once the
   essays looked in hold a few. The earlier results stay until the first kind of the new
   ones is drawn, so typing does not blank the page. The status line, read out to screen
   readers, is set once every kind has answered. */
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
  const load = loader();
  let counts;
  try {
    const [engine_, stem] = await Promise.all([engine(), stemming()]);
    const asked = query ? forPagefind(query, stem) : null;
    const [essays, books] = await Promise.all(["essay", "book"].map(async (kind) => {
      const answer = await engine_.search(asked, {
        filters: { ...Object.fromEntries(Object.entries(filters)
          .map(([name, value]) => [name, asAscii(value)])), kind: KIND[kind] },
        ...(query || kind === "book" ? {} : { sort: { date: "desc" } }),
      });
      const all = answer.results;
      if (mine !== ticket || all.length === 0) return [kind, all.length];
      const first = await Promise.all(all.slice(0, BATCH[kind]).map(load));
      if (mine !== ticket) return [kind, all.length];
      fill(sections[KINDS.indexOf(kind)], kind, all, first, load);
      show();
      if (kind !== "essay") return [kind, all.length];
      const finder = quotationFinder(all, load, filters.book || "", query);
      const quotes = await finder.next(BATCH.quotation, SCAN);
      if (mine !== ticket) return [kind, all.length];
      if (quotes.length) fillQuotations(sections[KINDS.indexOf("quotation")], quotes, finder);
      return [kind, all.length, quotes.length + finder.found, !finder.lookedInAll];
    }));
    counts = [essays.slice(0, 2), ["quotation", essays[2] || 0, essays[3] || false], books];
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

/* No preloading while a word is typed: each prefix ("s", "si", "sil") fetched index
   chunks the finished word did not need, 761 kB for "silence" at 10,000 essays against
   500 kB without (bench/search.py). */
let waiting = null;
function soon() {
  clearTimeout(waiting);
  const word = form.elements.q.value.trim().split(/\s+/).pop();
  waiting = setTimeout(search, word && word.length < 3 ? SHORT_PAUSE : PAUSE);
}

if (form) {
  fromAddress();
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(waiting); search(); });
  form.elements.q.addEventListener("input", soon);
  for (const name of FACETS) form.elements[name]?.addEventListener("change", search);
  window.addEventListener("popstate", () => { fromAddress(); search(); });
  if (!form.elements.q.value) form.elements.q.focus();
  engine().catch(() => {});
  stemming();
  search();
}

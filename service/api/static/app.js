// The news summarizer's page: collects articles, calls POST v1/summarize (or v1/digest for a pile
// about many events, then shows its stories, each opened as a summary), shows the answer.
//
// Article text and API output only ever reach the page as text (textContent, text nodes), never
// as markup: an article's HTML is shown as its visible text, read by the small scanner below.
"use strict";

(() => {
  const KEY_STORE = "newsdigest.apiKey";
  const ENDPOINT = "v1/summarize";
  const DIGEST = "v1/digest";

  const $ = (id) => document.getElementById(id);
  const form = $("form");
  const list = $("articles");
  const template = $("article-template");
  const keyBox = $("key-box");
  const keyInput = $("api-key");
  const submit = $("submit");
  const groupButton = $("group");
  const statusLine = $("status");
  const retry = $("retry");
  const parser = new DOMParser();

  let nextUid = 1;
  let lastBody = null; // what the retry button sends again
  let shown = null; // the request whose answer is on screen: {articles, background}
  let activeTrigger = null;

  // --- articles ---------------------------------------------------------------------------

  function field(card, name) {
    return card.querySelector(`[data-name="${name}"]`);
  }

  function addCard() {
    const card = template.content.firstElementChild.cloneNode(true);
    const uid = nextUid++;
    card.dataset.uid = String(uid);
    for (const input of card.querySelectorAll("[data-name]")) {
      const name = input.dataset.name;
      input.id = `a${uid}-${name}`;
      const error = card.querySelector(`[data-error="${name}"]`);
      if (error) {
        error.id = `a${uid}-${name}-error`;
        input.setAttribute("aria-describedby", error.id);
      }
    }
    for (const label of card.querySelectorAll("label[data-for]")) {
      label.htmlFor = `a${uid}-${label.dataset.for}`;
    }
    card.querySelector('[data-action="remove"]').addEventListener("click", () => removeCard(card));
    list.append(card);
    renumber();
    return card;
  }

  function removeCard(card) {
    const next = card.nextElementSibling || card.previousElementSibling;
    card.remove();
    renumber();
    if (next) field(next, "text").focus();
  }

  function renumber() {
    const cards = [...list.children];
    cards.forEach((card, i) => {
      card.querySelector(".article-legend").textContent = `Article ${i + 1}`;
      const remove = card.querySelector('[data-action="remove"]');
      remove.setAttribute("aria-label", `Remove article ${i + 1}`);
      remove.hidden = cards.length === 1;
    });
  }

  function isEmpty(card) {
    return ["text", "title", "published"].every((n) => field(card, n).value.trim() === "");
  }

  async function addFiles(files) {
    const refused = [];
    let first = null;
    for (const file of files) {
      const html = /\.html?$/i.test(file.name) || file.type === "text/html";
      if (!html && !/\.txt$/i.test(file.name) && file.type !== "text/plain") {
        refused.push(file.name);
        continue;
      }
      const text = await file.text();
      let title = file.name.replace(/\.[^.]+$/, "");
      if (html) {
        // An inert document: nothing in it runs or loads.
        const docTitle = parser.parseFromString(text, "text/html").title.trim();
        if (docTitle) title = docTitle;
      }
      const card = [...list.children].find(isEmpty) || addCard();
      field(card, "text").value = text;
      field(card, "title").value = title;
      first = first || card;
    }
    if (refused.length) {
      showError($("articles-error"), null, `Not a .txt or .html file: ${refused.join(", ")}`);
    }
    if (first) field(first, "text").focus();
  }

  // --- the request ------------------------------------------------------------------------

  function collect() {
    const body = { articles: [], options: {} };
    const background = [];
    const cards = { articles: [], background: [] };
    for (const card of list.children) {
      if (isEmpty(card)) continue; // an untouched box is not an article
      const text = field(card, "text").value;
      // A box holding only a link asks the service to fetch it (where its operator allows).
      const link = /^\s*(https?:\/\/\S+)\s*$/i.exec(text);
      const article = link ? { url: link[1] } : { text };
      const title = field(card, "title").value.trim();
      const published = field(card, "published").value;
      if (title) article.title = title;
      if (published) article.published = published;
      const group = field(card, "background").checked ? "background" : "articles";
      (group === "background" ? background : body.articles).push(article);
      cards[group].push(card);
    }
    if (background.length) body.background = background;
    for (const [id, key] of [["max-words", "max_words"], ["num-facts", "num_facts"]]) {
      const input = $(id);
      if (input.validity.badInput) {
        showError($(`${id}-error`), input, "Enter a whole number.");
        return null;
      }
      if (input.value !== "") body.options[key] = Number(input.value);
    }
    const query = $("query").value;
    if (query.trim()) body.query = query;
    return { body, cards };
  }

  async function send(request, endpoint = ENDPOINT) {
    clearErrors();
    lastBody = { request, endpoint };
    submit.disabled = true;
    groupButton.disabled = true;
    retry.disabled = true;
    statusLine.textContent = endpoint === DIGEST ? "Grouping into stories…" : "Summarizing…";
    const headers = { "Content-Type": "application/json" };
    const key = keyInput.value;
    if (key) headers["X-API-Key"] = key;
    let response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(request.body),
      });
    } catch (_) {
      statusLine.textContent = "";
      formError("Could not reach the service. Check the connection and try again.", true);
      return;
    } finally {
      submit.disabled = false;
      groupButton.disabled = false;
      retry.disabled = false;
    }
    const payload = await response.json().catch(() => null);
    statusLine.textContent = "";
    if (response.ok && payload) {
      if (key) sessionStorage.setItem(KEY_STORE, key);
      if (endpoint === DIGEST) {
        renderStories(request, payload);
      } else {
        $("stories-box").hidden = true;
        render(request, payload);
      }
      return;
    }
    handleError(response, payload && payload.error, request);
  }

  // --- errors -----------------------------------------------------------------------------

  function clearErrors() {
    for (const el of document.querySelectorAll(".field-error")) {
      el.hidden = true;
      el.textContent = "";
    }
    for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
      el.removeAttribute("aria-invalid");
    }
    $("form-error").hidden = true;
    retry.hidden = true;
  }

  function showError(errorEl, input, message) {
    if (errorEl.textContent) {
      if (!errorEl.textContent.includes(message)) errorEl.textContent += ` ${message}`;
    } else {
      errorEl.textContent = message;
    }
    errorEl.hidden = false;
    if (input) input.setAttribute("aria-invalid", "true");
  }

  function formError(message, canRetry) {
    $("form-error-text").textContent = message;
    $("form-error").hidden = false;
    retry.hidden = !canRetry;
    (canRetry ? retry : $("form-error-text")).focus();
  }

  // Where an error's location (pydantic's "body.articles.1.text") is shown: [error, input].
  function target(loc, cards) {
    const parts = loc.split(".");
    if (parts[0] === "body") parts.shift();
    const [head, index, name] = parts;
    if (head === "articles" || head === "background") {
      const card = cards[head][Number(index)];
      if (!card) return [$("articles-error"), null];
      const input = field(card, ["title", "published", "text"].includes(name) ? name : "text");
      return [$(input.getAttribute("aria-describedby")), input];
    }
    if (head === "options" && (index === "max_words" || index === "num_facts")) {
      const id = index === "max_words" ? "max-words" : "num-facts";
      return [$(`${id}-error`), $(id)];
    }
    if (head === "query") return [$("query-error"), $("query")];
    return null;
  }

  function handleError(response, error, request) {
    const status = response.status;
    const message = error ? error.message : `The service answered ${status}.`;
    if (status === 401) {
      keyBox.hidden = false;
      showError($("api-key-error"), keyInput, keyInput.value ? "This key was refused." : message);
      keyInput.focus();
      return;
    }
    if (status === 429 || status === 503) {
      const wait = response.headers.get("Retry-After");
      const busy = status === 429 ? "The service is busy" : "The service is not ready yet";
      formError(`${busy}: ${message}.${wait ? ` Try again in ${wait} s.` : ""}`, true);
      return;
    }
    let first = null;
    if (status === 422 && error && error.details) {
      for (const detail of error.details) {
        const place = target(detail.loc, request.cards);
        if (!place) {
          formError(`${message}: ${detail.loc}: ${detail.msg}`, false);
          continue;
        }
        showError(place[0], place[1], detail.msg);
        first = first || place[1] || place[0];
      }
    } else if (status === 413 || status === 422) {
      // The limits and page errors name the article: "article 2 has 120000 characters; the limit
      // is 100000", "article 1 is an HTML page, but ...", "could not fetch ...: ... (article 0)".
      const named = /\b(background )?article (\d+)\b/.exec(message);
      const place = named
        ? target(`${named[1] ? "background" : "articles"}.${named[2]}.text`, request.cards)
        : [$("articles-error"), null];
      showError(place[0], place[1], message);
      first = place[1] || place[0];
    } else {
      formError(`${message} (HTTP ${status})`, status >= 500);
      return;
    }
    if (first) {
      if (first.tagName === "P") first.tabIndex = -1;
      first.focus();
    }
  }

  // --- the answer -------------------------------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = text;
      node.dir = "auto"; // right-to-left text (Arabic, Hebrew) reads the right way round
    }
    if (className) node.className = className;
    return node;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  function articleOf(source) {
    return (source.background ? shown.background : shown.articles)[source.article];
  }

  function articleName(source) {
    const a = articleOf(source);
    const name = `${source.background ? "Background" : "Article"} ${source.article + 1}`;
    return a && a.title ? `${name}: ${a.title}` : name;
  }

  function sourceButtons(sources) {
    const ul = el("ul", null, "sources");
    for (const source of sources) {
      const li = el("li");
      const button = el("button", `${articleName(source)}, sentence ${source.sentence + 1}`, "source");
      button.type = "button";
      button.addEventListener("click", () => showSource(source, button));
      li.append(button);
      ul.append(li);
    }
    return ul;
  }

  function render(request, answer) {
    const sent = request.body;
    shown = { articles: [...sent.articles], background: [...(sent.background || [])] };
    // A whole page was read through the extractor: its sources index the article text read.
    for (const page of answer.input.pages || []) {
      const group = page.background ? shown.background : shown.articles;
      const a = group[page.article];
      if (a) group[page.article] = { ...a, text: page.text, title: a.title || page.title, page };
    }
    $("results").hidden = false;
    $("summary").textContent = answer.summary;
    const echo = $("query-echo");
    echo.hidden = !answer.query;
    echo.textContent = answer.query ? `Answering: ${answer.query}` : "";

    const facts = $("facts");
    facts.replaceChildren();
    for (const fact of answer.key_facts) {
      const li = el("li", null, "fact");
      const text = el("button", fact.text, "fact-text");
      text.type = "button";
      if (fact.sources.length) {
        text.addEventListener("click", () => showSource(fact.sources[0], text));
      } else {
        text.disabled = true;
      }
      const support = el("p", `Reported by ${plural(fact.support, "article", "articles")}`, "support");
      li.append(text, support, sourceButtons(fact.sources));
      facts.append(li);
    }
    $("no-facts").hidden = answer.key_facts.length > 0;
    if (!answer.novel) $("no-facts").textContent = "The articles add nothing to the background.";

    renderClaims($("conflicts-box"), $("conflicts"), answer.conflicts);
    renderClaims($("updates-box"), $("updates"), answer.updates, "Newest first.");
    renderDetails(answer);
    resetViewer();
    $("results").append($("viewer"));
    $("results").focus();
  }

  // --- a digest's stories -----------------------------------------------------------------

  function renderStories(request, digest) {
    const box = $("stories-box");
    const items = $("stories");
    items.replaceChildren();
    $("results").hidden = true;
    box.hidden = false;
    const n = digest.stories.length;
    const read = digest.stories.reduce((sum, s) => sum + s.articles.length, 0);
    $("stories-note").textContent =
      `${plural(n, "story", "stories")} from ${plural(read, "article", "articles")}, ` +
      "the most reported first. Open one to see its summary and facts.";
    digest.stories.forEach((story, i) => {
      const li = el("li", null, "story");
      const button = el("button", story.title, "story-title");
      button.type = "button";
      const dates = story.published.first
        ? ` · ${when(story.published.first)}` +
          (story.published.last !== story.published.first ? ` to ${when(story.published.last)}` : "")
        : "";
      const meta = el("p", `${plural(story.articles.length, "article", "articles")}${dates}`, "story-meta");
      button.addEventListener("click", () => openStory(request, digest, i, button));
      li.append(button, meta);
      items.append(li);
    });
    const skipped = $("skipped");
    skipped.replaceChildren();
    for (const s of digest.skipped) {
      skipped.append(el("li", `Article ${s.article + 1} was not read: ${s.error.message}`, "warn"));
    }
    skipped.hidden = digest.skipped.length === 0;
    box.focus();
  }

  function openStory(request, digest, i, button) {
    for (const b of document.querySelectorAll(".story-title")) b.removeAttribute("aria-current");
    button.setAttribute("aria-current", "true");
    const story = digest.stories[i];
    if (story.error || !story.input) {
      $("results").hidden = true;
      formError(`No summary for this story: ${story.error ? story.error.message : "nothing to read"}`, false);
      return;
    }
    // The story as /v1/summarize answers it: its sources already index the request's articles.
    render(request, {
      ...story,
      query: request.body.query || null,
      background_articles: (request.body.background || []).length,
      engine: digest.engine,
      model: digest.model,
      timings_ms: {},
    });
  }

  function when(iso) {
    // A date sent without a time comes back as midnight UTC: show it as the date it was.
    if (/T00:00:00(\.0+)?(Z|\+00:00)?$/.test(iso)) return iso.slice(0, 10);
    return new Date(iso).toLocaleString();
  }

  function renderClaims(box, container, groups, note) {
    container.replaceChildren();
    box.hidden = groups.length === 0;
    for (const group of groups) {
      const section = el("section", null, "claim-group");
      section.append(el("h3", `About: ${group.subject}`));
      if (note) section.append(el("p", note, "hint"));
      const row = el("div", null, "claims");
      for (const claim of group.claims) {
        const card = el("article", null, "claim");
        card.append(el("p", claim.value, "claim-value"), el("p", claim.text, "claim-text"));
        let meta = `Given by ${plural(claim.support, "article", "articles")}`;
        if (claim.published) meta += `, latest ${when(claim.published)}`;
        card.append(el("p", meta, "support"), sourceButtons(claim.sources));
        row.append(card);
      }
      section.append(row);
      container.append(section);
    }
  }

  function renderDetails(answer) {
    const dl = $("details");
    dl.replaceChildren();
    const input = answer.input;
    const name = (i) => articleName({ article: i, background: false });
    const rows = [
      ["Engine", answer.engine],
      ["Model", answer.model || "none (extractive)"],
      [
        "Input read",
        `${input.used} of ${input.total} ${input.unit}` +
          (input.budget ? ` (budget ${input.budget})` : "") +
          (input.truncated ? ", truncated" : ""),
      ],
      ["Left out", input.left_out.length ? input.left_out.map(name).join("; ") : "none"],
    ];
    if (answer.background_articles) rows.push(["Background articles", String(answer.background_articles)]);
    if (answer.generated_tokens) rows.push(["Generated tokens", String(answer.generated_tokens)]);
    const timings = Object.entries(answer.timings_ms).map(([k, v]) => `${k} ${v.toFixed(1)} ms`);
    rows.push(["Timings", timings.join(" · ")]);
    for (const [term, value] of rows) dl.append(el("dt", term), el("dd", value));

    const body = $("input-rows");
    body.replaceChildren();
    for (const a of input.articles) {
      const tr = el("tr");
      const state = !a.included ? "left out" : a.truncated ? "truncated" : "read in full";
      const th = el("th", name(a.article));
      th.scope = "row";
      tr.append(th, el("td", `${a.total} ${input.unit}`), el("td", `${a.used} ${input.unit}`));
      tr.append(el("td", state, a.included && !a.truncated ? "" : "warn"));
      body.append(tr);
      const read = shown.articles[a.article];
      if (read && read.page) {
        const note = el("tr", null, "page-note");
        const td = el("td", `Read from an HTML page, ${pageNote(read.page)}.`);
        td.colSpan = 4;
        note.append(td);
        body.append(note);
      }
    }
  }

  // --- the source viewer ------------------------------------------------------------------

  function resetViewer() {
    $("viewer-title").textContent = "Source";
    $("viewer-where").textContent = "Select a fact or a source.";
    $("viewer-text").replaceChildren();
    activeTrigger = null;
  }

  function showSource(source, trigger) {
    const article = articleOf(source);
    if (!article) return;
    if (activeTrigger) activeTrigger.removeAttribute("aria-current");
    activeTrigger = trigger;
    trigger.setAttribute("aria-current", "true");
    placeViewer(trigger);
    $("viewer-title").textContent = articleName(source);
    let where = `Sentence ${source.sentence + 1}, characters ${source.start}–${source.end}`;
    if (article.page) where += ` of the article read from the page (${pageNote(article.page)})`;
    $("viewer-where").textContent = where;
    const mark = renderArticle($("viewer-text"), article.text, source.start, source.end, !!article.page);
    if (mark) mark.scrollIntoView({ block: "center", behavior: "instant" });
    statusLine.textContent = `Showing ${articleName(source)}, sentence ${source.sentence + 1}.`;
  }

  // At phone width the sentence opens under what was selected, not at the end of a long page.
  const narrow = window.matchMedia("(max-width: 44rem)");

  function placeViewer(trigger) {
    const viewer = $("viewer");
    const near = narrow.matches && (trigger.closest("li.fact") || trigger.closest(".claim-group"));
    const home = near || $("results");
    if (viewer.parentElement !== home) home.append(viewer);
  }

  function pageNote(page) {
    const n = (x) => x.toLocaleString("en");
    return `read by ${page.extractor}: ${n(page.article_chars)} characters of article in ${n(page.markup_chars)} of page`;
  }

  // Shows `text` with text[start:end] highlighted; an HTML article as its visible text (`plain`:
  // the text is what the service read from a page, shown as it is).
  function renderArticle(container, text, start, end, plain) {
    container.replaceChildren();
    const html = !plain && HTML_HINT.test(text);
    container.classList.toggle("html", html);
    const parts = html ? visibleParts(text) : [{ text, start: 0, end: text.length }];
    let mark = null;
    let last = null; // the mark text is appended to while the highlight goes on
    const put = (str, inside, from, to) => {
      if (!str) return;
      if (!inside) {
        container.append(document.createTextNode(str));
        last = null;
        return;
      }
      if (!last) {
        last = el("mark");
        last.dataset.start = String(from);
        container.append(last);
        mark = mark || last;
      }
      last.append(document.createTextNode(str));
      last.dataset.end = String(to);
    };
    for (const p of parts) {
      if (p.atomic) {
        put(p.text, p.start < end && p.end > start, p.start, p.end);
        continue;
      }
      const a = Math.min(Math.max(start - p.start, 0), p.text.length);
      const b = Math.min(Math.max(end - p.start, 0), p.text.length);
      put(p.text.slice(0, a), false);
      put(p.text.slice(a, b), true, p.start + a, p.start + b);
      put(p.text.slice(b), false);
    }
    return mark;
  }

  // --- HTML as visible text, each piece with its offsets in the markup as sent --------------

  // As the service decides (service/nlp/html.py): a doctype, a comment or a common tag.
  const HTML_HINT = new RegExp(
    "<(?:!--|!doctype[\\s>]|/?(?:html|head|body|title|meta|link|script|style|p|div|span|a|b|i|em|" +
      "strong|br|hr|img|ul|ol|li|h[1-6]|table|tr|td|th|section|article|header|footer|blockquote|" +
      "figure|figcaption|nav|main)(?:[\\s/][^<>]*)?>)",
    "i",
  );
  const ELEMENTS = new Set(
    `a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big
    blink blockquote body br button canvas caption center cite code col colgroup data datalist dd del
    details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
    frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd
    keygen label legend li link listing main map mark marquee math menu menuitem meta meter multicol
    nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture
    plaintext portal pre progress q rb rp rt rtc ruby s samp script search section select slot small
    source spacer span strike strong style sub summary sup svg table tbody td template textarea tfoot
    th thead time title tr track tt u ul var video wbr xmp`.split(/\s+/),
  );
  const HIDDEN = new Set(["script", "style", "head", "template", "title"]);
  const BREAKING = new Set(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer blockquote".split(" "),
  );
  const TAG = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)(?:[\s/](?:[^>"']|"[^"]*"|'[^']*')*)?>/y;
  const REFERENCE = /&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?/y;
  const decoded = new Map();

  function decode(ref) {
    if (!decoded.has(ref)) {
      // An inert document decodes the reference exactly as the browser would.
      decoded.set(ref, parser.parseFromString(`<p>${ref}</p>`, "text/html").body.textContent);
    }
    return decoded.get(ref);
  }

  function visibleParts(text) {
    const parts = [];
    let run = 0; // where the current run of plain characters started
    let i = 0;
    const flush = (to) => {
      // Line ends in the markup are spaces on screen; the length stays, so offsets stay exact.
      if (to > run) parts.push({ text: text.slice(run, to).replace(/[\t\n\r\f]/g, " "), start: run, end: to });
    };
    const skipTo = (needle, from) => {
      const at = text.toLowerCase().indexOf(needle, from);
      return at < 0 ? text.length : at + needle.length;
    };
    while (i < text.length) {
      const c = text[i];
      if (c === "<") {
        let end = -1;
        let breaks = false;
        if (text.startsWith("<!--", i)) {
          end = skipTo("-->", i + 4);
        } else if (/^<[!?]/.test(text.slice(i, i + 2))) {
          end = skipTo(">", i);
        } else {
          TAG.lastIndex = i;
          const m = TAG.exec(text);
          const name = m && m[2].toLowerCase();
          if (m && (ELEMENTS.has(name) || name.includes(":") || name.includes("-"))) {
            end = TAG.lastIndex;
            if (!m[1] && HIDDEN.has(name) && !m[0].endsWith("/>")) {
              const close = text.toLowerCase().indexOf(`</${name}`, end);
              if (close >= 0) end = skipTo(">", close);
              else if (name !== "head" && name !== "title") end = text.length;
              breaks = true;
            } else {
              breaks = BREAKING.has(name);
            }
          }
        }
        if (end >= 0) {
          flush(i);
          const previous = parts[parts.length - 1];
          if (breaks && previous && !previous.brk) {
            parts.push({ text: "\n\n", start: i, end: i, atomic: true, brk: true });
          }
          i = run = end;
          continue;
        }
      } else if (c === "&") {
        REFERENCE.lastIndex = i;
        const m = REFERENCE.exec(text);
        if (m) {
          const value = decode(m[0]);
          if (value !== m[0]) {
            flush(i);
            parts.push({ text: value, start: i, end: REFERENCE.lastIndex, atomic: true });
            i = run = REFERENCE.lastIndex;
            continue;
          }
        }
      }
      i += 1;
    }
    flush(text.length);
    return parts;
  }

  // --- wiring -----------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    const request = collect();
    if (request) send(request);
  });
  retry.addEventListener("click", () => {
    if (lastBody) send(lastBody.request, lastBody.endpoint);
  });
  groupButton.addEventListener("click", () => {
    clearErrors();
    const request = collect();
    if (request) send(request, DIGEST);
  });
  $("add-article").addEventListener("click", () => field(addCard(), "text").focus());
  const files = $("files");
  $("choose-files").addEventListener("click", () => files.click());
  files.addEventListener("change", async () => {
    await addFiles([...files.files]);
    files.value = "";
  });
  const dropZone = $("articles-box");
  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("dropping");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dropping"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("dropping");
    addFiles([...event.dataTransfer.files]);
  });

  const stored = sessionStorage.getItem(KEY_STORE);
  if (stored) {
    keyInput.value = stored;
    keyBox.hidden = false;
  }
  addCard();
  addCard();
})();

/* The interactive graph page (kg/exports/page_data.py writes the data).  Every text that came from YAML
   enters the DOM through textContent, never innerHTML; vis-network shows string tooltips with innerText.

   The page draws a bounded overview at once and reaches the rest through search, expanding a node's links
   and the panels.  What is not drawn waits in shards ("nodes/3", "records/0", "search/1", "article/0"):
   inline in the page for a small graph, else scripts beside it, added to the page when first needed. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const byId = (id) => document.getElementById(id);
  const SIZE = data.shardSize;
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(byId("graph"), { nodes: nodes, edges: edges }, data.options);

  /* ------------------------------------------------------------------ shards */

  /* Shards travel compact (kg/exports/page_data.py): a nodes shard names each node at the other end of a
     link once, in `others`; a records shard is rows of values.  Unpacked here into what the page reads:
     a link [edge, other, name, class, degree, since, articles, ...the edge], a record as an object. */
  function unpack(name, value) {
    const [kind, number] = name.split("/");
    if (kind === "nodes") {
      return value.entries.map((entry, k) => Object.assign(entry, { index: Number(number) * SIZE + k,
        links: entry.links.map((link) => [link[0], link[1], ...value.others[link[1]], ...link.slice(2)]) }));
    }
    return kind === "records" ? value.map(recordOf) : value; // search rows and an article are used as they come
  }

  const recordOf = (row) => ({
    id: row[0], kind: row[1], title: row[2], date: row[3], modality: row[4], conflicts: row[5], qualifiers: row[6],
    note: row[7], evidence: row[8].map((e) => ({ article: e[0], quote: e[1], chain: e[2], said_to: e[3],
                                                 modality: e[4], direct: e[5] })) });

  const shards = new Map(Object.entries(data.shards || {}).map(([name, value]) => [name, unpack(name, value)]));
  const waiting = new Map(); // shard name → [resolve, reject] of each one waiting for it

  window.kgShard = function (name, packed) {
    const value = unpack(name, packed);
    shards.set(name, value);
    (waiting.get(name) || []).forEach(([resolve]) => resolve(value));
    waiting.delete(name);
  };

  /* A shard file that is not there (the page copied without its folder) or that ran without handing its
     shard over (cut short, edited): whatever waited for it is told, and the page says so (cannotLoad). */
  class ShardError extends Error {}

  function shard(kind, number) {
    const name = kind + "/" + number;
    if (shards.has(name)) return Promise.resolve(shards.get(name));
    return new Promise((resolve, reject) => {
      if (!waiting.has(name)) {
        waiting.set(name, []);
        const script = document.createElement("script");
        const file = data.shardFolder + "/" + kind + "-" + number + ".js";
        const fail = (what) => {
          script.remove(); // a later ask tries the file again
          (waiting.get(name) || []).forEach(([, no]) => no(new ShardError(file + " " + what)));
          waiting.delete(name);
        };
        script.onerror = () => fail("is missing");
        script.onload = () => { if (!shards.has(name)) fail("is damaged"); };
        script.src = file;
        document.head.append(script);
      }
      waiting.get(name).push([resolve, reject]);
    });
  }

  const SIZES = { records: data.recordShardSize, search: data.searchShardSize, article: data.articleShardSize };
  const sizeOf = (kind) => SIZES[kind] || SIZE;
  const loaded = (kind, index) => (shards.get(kind + "/" + Math.floor(index / sizeOf(kind))) || [])[index % sizeOf(kind)];
  const entry = (kind, index) => shard(kind, Math.floor(index / sizeOf(kind))).then((rows) => rows[index % sizeOf(kind)]);
  const nodeEntry = (i) => entry("nodes", i);
  const recordEntry = (r) => entry("records", r);

  /* Every name and alias, folded for search, with each node's key, class and degree: loaded on first use. */
  let searchIndex = null;
  const keys = new Map();

  function loadSearch() {
    if (searchIndex) return searchIndex;
    const count = Math.ceil(data.counts.nodes / sizeOf("search"));
    searchIndex = Promise.all(Array.from({ length: count }, (_, n) => shard("search", n))).then((parts) => {
      const rows = [].concat(...parts);
      rows.forEach((row, i) => keys.set(row[0], i));
      return rows.map((row) => ({ key: row[0], names: row[1], folded: row[1].map(fold), cls: row[2], degree: row[3] }));
    });
    return searchIndex;
  }

  /* ------------------------------------------------------------------ drawing */

  const drawn = new Map(); // node index → { name, cls, degree, since, articles }
  const drawnEdges = new Map(); // edge index → { from, to, label, look, since, articles, record, date, relation }
  const nodeShown = new Map();
  const edgeShown = new Map();
  const LABEL_INSIDE = new Set(["box", "ellipse", "circle", "database", "text"]);

  /* The label wrapped into lines of about 24 characters and the size growing with the square root of the
     degree: the rules of kg/exports/page_style.py (node_label, node_size), for nodes drawn later. */
  function wrap(name) {
    const lines = [];
    let line = "";
    name.split(/\s+/).filter(Boolean).forEach((word) => {
      if (line && line.length + 1 + word.length > 24) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines.join("\n") || name;
  }

  function nodeLook(cls, degree) {
    const growth = Math.sqrt(degree);
    if (LABEL_INSIDE.has(data.classes[cls].shape)) return { font: { size: Math.round((13 + 1.6 * growth) * 10) / 10 } };
    return { size: Math.round((9 + 3.2 * growth) * 10) / 10 };
  }

  /* `until` and `date` (an event's last day and printed date) put it on the timeline; a node drawn from a
     neighbour's link gets them when its own entry arrives (noteEvent). */
  function drawNode(i, name, cls, degree, since, articles, x, y, until, date, conflicting) {
    if (drawn.has(i)) return;
    drawn.set(i, { name: name, cls: cls, degree: degree, since: since, articles: articles });
    nodeShown.set(i, true);
    if (until !== undefined) noteEvent(i, until, date, conflicting);
    const summary = [name, data.classes[cls].label, plural(degree, "link")].join(" · ");
    pendingNodes.push(Object.assign({ id: i, group: data.classes[cls].name, label: wrap(name), title: summary, x: x, y: y },
                                    nodeLook(cls, degree)));
  }

  /* Nodes and edges are added to vis-network in bulk: one by one, each addition costs a pass over all. */
  const pendingNodes = [];
  const pendingEdges = [];

  function flush() {
    nodes.add(pendingNodes.splice(0));
    edges.add(pendingEdges.splice(0));
    story.add(pendingItems.splice(0));
  }

  /* An edge: [from, to, label, look, since, articles, record, date, relation, until, claim, modality mask];
     drawn once both ends are.  A dated claim's edge is on the timeline too. */
  function drawEdge(j, edge) {
    if (drawnEdges.has(j) || !drawn.has(edge[0]) || !drawn.has(edge[1])) return;
    drawnEdges.set(j, { from: edge[0], to: edge[1], label: edge[2], look: edge[3], since: edge[4],
                        articles: edge[5], record: edge[6], date: edge[7], relation: edge[8], mask: edge[11] });
    edgeShown.set(j, true);
    if (edge[10] && (edge[4] || edge[9])) {
      pendingItems.push(storyItem("e" + j, [drawn.get(edge[0]).name, edge[8], drawn.get(edge[1]).name].join(" → "),
                                  edge[4], edge[9], edge[7], data.lookText[edge[3]].includes("conflicting")));
    }
    pendingEdges.push(Object.assign({ id: j, from: edge[0], to: edge[1], label: edge[2], title: edgeTitle(edge) },
                                    data.looks[edge[3]]));
  }

  /* "Russia → operates → Tartus naval base · reported · conflicting · 2017 · 2 articles" */
  function edgeTitle(edge) {
    const about = [data.lookText[edge[3]]].concat(edge[7] ? [edge[7]] : [], [plural(edge[5].length, "article")]);
    return [drawn.get(edge[0]).name, edge[8], drawn.get(edge[1]).name].join(" → ") + " · " + about.join(" · ");
  }

  /* A link of a node entry: [edge, other, name, class, degree, since, articles, ...the edge]. */
  const linkEdge = (link) => link.slice(7);

  function drawLinks(nodeEntryValue) {
    if (nodeEntryValue.kind === "event") {
      noteEvent(nodeEntryValue.index, nodeEntryValue.until, nodeEntryValue.date, nodeEntryValue.conflicting);
    }
    nodeEntryValue.facts.forEach((fact) => noteFact(nodeEntryValue.index, fact));
    nodeEntryValue.links.forEach((link) => { if (drawn.has(link[1])) drawEdge(link[0], linkEdge(link)); });
  }

  /* ------------------------------------------------------------------ the story timeline

     Events and dated claims of what the graph draws, each from the first to the last day its date can
     denote: a day is a point, "January 2025" a span over the month, an interval a span; inferred date parts
     are marked (≈, dashed), conflicting records outlined.  Items are made as DOM text, never HTML. */
  const story = new vis.DataSet();
  const pendingItems = [];
  const storyNoted = new Set();
  const storyShown = new vis.DataView(story, { filter: (item) => item.shown !== false });
  let timeline = null;

  /* Whether `text` is a day of the calendar as YYYY-MM-DD (a link may say 2025-13-01 or 2025-02-30). */
  function isDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    const day = new Date(text + "T00:00:00Z");
    return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
  }

  function nextDay(iso) {
    const day = new Date(iso + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString().slice(0, 10);
  }

  function storyItem(id, name, since, until, date, conflicting) {
    const start = since || until;
    const last = until || since;
    const inferred = Boolean(date && date.includes("inferred"));
    const content = el("span", "story-item");
    content.append(el("span", "story-name", (inferred ? "≈ " : "") + name), el("span", "story-date", date || ""));
    const classes = ["story", conflicting ? "conflicting" : "", inferred ? "inferred" : ""].filter(Boolean);
    const item = { id: id, content: content, start: start, type: "point", className: classes.join(" "), since: start };
    return start === last ? item : Object.assign(item, { type: "range", end: nextDay(last) });
  }

  function noteEvent(i, until, date, conflicting) {
    const node = drawn.get(i);
    if (storyNoted.has(i) || !node || !(node.since || until)) return;
    storyNoted.add(i);
    pendingItems.push(storyItem("n" + i, node.name, node.since, until, date, Boolean(conflicting)));
  }

  /* A dated literal fact of drawn node `i` ("holds position: interim president", January 2025):
     [label, text, record, since, until, date, look].  Its item shows while its node does, from its date. */
  const factItems = new Map(); // item id → { node, since }

  function noteFact(i, fact) {
    const id = "f" + fact[2];
    if (fact[2] === null || !(fact[3] || fact[4]) || factItems.has(id) || !drawn.has(i)) return;
    factItems.set(id, { node: i, since: fact[3] || fact[4] });
    pendingItems.push(Object.assign(storyItem(id, drawn.get(i).name + " — " + fact[0] + ": " + fact[1], fact[3], fact[4],
                                              fact[5], data.lookText[fact[6]].includes("conflicting")), { node: i }));
  }

  data.overview.nodes.forEach((n) => drawNode(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10]));
  data.overview.facts.forEach((f) => noteFact(f[0], f.slice(1)));
  data.overview.edges.forEach((e) => drawEdge(e[0], e.slice(1)));
  flush();

  const CLEARANCE = 90; // the least distance between a node expanded and any drawn (a label is ~24 characters wide)

  /* Neighbours of `center` not drawn yet, at most `limit` of them, on rings around it. */
  async function expand(center, limit) {
    const value = await nodeEntry(center);
    const room = data.maxDrawn - drawn.size;
    const fresh = [];
    const seen = new Set();
    value.links.forEach((link) => {
      if (!drawn.has(link[1]) && !seen.has(link[1])) {
        seen.add(link[1]);
        fresh.push(link);
      }
    });
    const adding = fresh.slice(0, Math.max(0, Math.min(limit || 100, room)));
    const origin = network.getPositions([center])[center] || { x: 0, y: 0 };
    const taken = Object.values(network.getPositions()); // what is drawn: a new node lands clear of it
    const clear = (x, y) => taken.every((at) => (at.x - x) ** 2 + (at.y - y) ** 2 > CLEARANCE ** 2);
    let slot = 0;
    adding.forEach((link) => {
      let x = origin.x;
      let y = origin.y;
      do { // the next slot on rings around the centre, 24 a ring, skipping those taken
        const ring = 1 + Math.floor(slot / 24);
        const angle = (2 * Math.PI * (slot % 24)) / 24 + ring * 0.4;
        x = origin.x + 190 * ring * Math.cos(angle);
        y = origin.y + 190 * ring * Math.sin(angle);
        slot += 1;
      } while (!clear(x, y) && slot < 24 * 40);
      taken.push({ x: x, y: y });
      drawNode(link[1], link[2], link[3], link[4], link[5], link[6], x, y);
    });
    drawLinks(value);
    await Promise.all(adding.map((link) => nodeEntry(link[1]).then(drawLinks)));
    flush();
    refresh();
    return { added: adding.length, left: fresh.length - adding.length, full: drawn.size >= data.maxDrawn };
  }

  /* Draw node `i` (with its links to what is drawn) near a drawn neighbour, else at the centre of the view. */
  async function ensureDrawn(i) {
    if (drawn.has(i)) return;
    const value = await nodeEntry(i);
    const near = value.links.find((link) => drawn.has(link[1]));
    const at = near ? network.getPositions([near[1]])[near[1]] : network.getViewPosition();
    const offset = near ? 160 : 0;
    drawNode(i, value.names[0], value.class, value.degree, value.since, value.articles, at.x + offset, at.y + offset,
             value.until, value.date, value.conflicting);
    drawLinks(value);
    flush();
    refresh();
  }

  /* For scripts and tests: the network, its data sets, and the actions the controls take. */
  window.kg = { network: network, nodes: nodes, edges: edges, data: data, readyAt: null, drawn: drawn,
                drawnEdges: drawnEdges, nodeIndex: (key) => keys.get(key), findKey: findKey, pick: pick,
                pickEdge: pickEdge, showUntil: showUntil, expand: expand, shard: shard, loaded: loaded,
                story: story, timeline: () => timeline, openArticle: openArticle, showPassage: showPassage,
                cursor: () => cursor };

  async function findKey(key) {
    await loadSearch();
    return keys.has(key) ? keys.get(key) : null;
  }

  /* ------------------------------------------------------------------ small helpers */

  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function button(className, text, onClick) {
    const element = el("button", className, text);
    element.type = "button";
    element.addEventListener("click", onClick);
    return element;
  }

  function plural(count, word, many) {
    return count + " " + (count === 1 ? word : many || word + "s");
  }

  /* ------------------------------------------------------------------ filters and time */

  const shownClasses = new Set(data.classes.map((_, index) => index));
  const shownArticles = new Set(data.articles.map((_, index) => index));
  const shownRelations = new Set(data.relations.map((_, index) => index));
  const shownModalities = new Set(data.modalities.map((_, index) => index));
  const relationAt = new Map(data.relations.map((relation, index) => [relation.label, index])); // links name it so
  let cutoff = null; // ISO date: things dated later are hidden; null shows everything

  function fromSomeShownArticle(articles) {
    return shownArticles.size === data.articles.length || articles.some((a) => shownArticles.has(a));
  }

  function ofShownRelation(relation) {
    return shownRelations.size === data.relations.length || shownRelations.has(relationAt.get(relation));
  }

  /* A link stays while any of its evidence has a modality shown (`mask`: bit i for modality i): a claim both
     asserted and denied is a denial too. */
  function ofShownModality(mask) {
    if (shownModalities.size === data.modalities.length) return true;
    for (const modality of shownModalities) if ((mask >> modality) & 1) return true;
    return false;
  }

  function inTime(since) {
    return cutoff === null || since === null || since <= cutoff;
  }

  /* Whether the filters and the date let a node (its class, first date, articles) or a link be seen; a link
     needs both its ends seen too. */
  function nodePasses(cls, since, articles) {
    return shownClasses.has(cls) && inTime(since) && fromSomeShownArticle(articles);
  }

  function edgePasses(since, articles, relation, mask) {
    return inTime(since) && fromSomeShownArticle(articles) && ofShownRelation(relation) && ofShownModality(mask);
  }

  function refresh() {
    const nodeChanges = [];
    const edgeChanges = [];
    drawn.forEach((node, i) => {
      const show = nodePasses(node.cls, node.since, node.articles);
      if (show !== nodeShown.get(i)) {
        nodeShown.set(i, show);
        nodeChanges.push({ id: i, hidden: !show });
      }
    });
    drawnEdges.forEach((edge, j) => {
      const show = nodeShown.get(edge.from) && nodeShown.get(edge.to) &&
        edgePasses(edge.since, edge.articles, edge.relation, edge.mask);
      if (show !== edgeShown.get(j)) {
        edgeShown.set(j, show);
        edgeChanges.push({ id: j, hidden: !show });
      }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    const itemChanges = nodeChanges.map((change) => ({ id: "n" + change.id, shown: !change.hidden }))
      .concat(edgeChanges.map((change) => ({ id: "e" + change.id, shown: !change.hidden })))
      .filter((change) => story.get(change.id) !== null);
    factItems.forEach((fact, id) => {
      const show = Boolean(nodeShown.get(fact.node)) && inTime(fact.since);
      if (story.get(id).shown !== show) itemChanges.push({ id: id, shown: show });
    });
    if (itemChanges.length) story.update(itemChanges);
    showStatus();
    panelFollowsFilters();
  }

  function count(shown) {
    let n = 0;
    shown.forEach((on) => { if (on) n += 1; });
    return n;
  }

  function showStatus() {
    const shownNodes = count(nodeShown);
    const shownEdges = count(edgeShown);
    const status = byId("status");
    status.dataset.nodes = shownNodes;
    status.dataset.edges = shownEdges;
    status.dataset.drawn = drawn.size;
    const whole = drawn.size < data.counts.nodes ? " (of " + plural(data.counts.nodes, "node") + " in all)" : "";
    status.textContent = shownNodes + " of " + plural(drawn.size, "node") + " · " + shownEdges + " of " +
      plural(drawnEdges.size, "edge") + whole;
    byId("story-empty").hidden = storyShown.length > 0; // a blank axis said nothing
  }

  function checkbox(checked, onChange) {
    const box = el("input");
    box.type = "checkbox";
    box.autocomplete = "off"; // Back would restore the boxes as left, over a page that opens showing everything
    box.checked = checked;
    box.addEventListener("change", () => onChange(box.checked));
    return box;
  }

  /* One checkbox per item, adding its index to or removing it from `shown`, with "all" and "none" buttons;
     `describe` labels an item (and may tag its box).  Each change is a step in the address (filterLink). */
  function checklist(listId, items, shown, describe, extra) {
    const list = byId(listId);
    const set = (index, on) => { if (on) shown.add(index); else shown.delete(index); };
    const boxes = () => list.querySelectorAll("input[type=checkbox]");
    items.forEach((item, index) => {
      const box = checkbox(true, (on) => {
        set(index, on);
        refresh();
        shareFilter(listId);
      });
      const label = el("label");
      label.append(box, ...describe(item, box));
      const row = el("li");
      row.append(label, ...(extra ? extra(item, index) : []));
      list.append(row);
    });
    const setAll = (on) => { // the rows a search of the list leaves shown, else all of them
      boxes().forEach((box, index) => {
        if (box.closest("li").hidden) return;
        box.checked = on;
        set(index, on);
      });
      refresh();
      shareFilter(listId);
    };
    byId(listId + "-all").addEventListener("click", () => setAll(true));
    byId(listId + "-none").addEventListener("click", () => setAll(false));
    filters.get(listId).boxes = Array.from(boxes());
    filters.get(listId).settle = roving(list);
  }

  /* The filters in the address, as what differs from showing everything, in the fewer names:
     `classes=-Person,-City` hides two classes, `articles=ki-one,kp-two` shows two articles only, `articles=`
     none.  Ids never start with "-" nor hold a comma. */
  const filters = new Map([
    ["classes", { shown: shownClasses, names: data.classes.map((cls) => cls.name), word: "class" }],
    ["relations", { shown: shownRelations, names: data.relations.map((relation) => relation.name), word: "relation" }],
    ["modalities", { shown: shownModalities, names: data.modalities.map((modality) => modality.name), word: "modality" }],
    ["articles", { shown: shownArticles, names: data.articles.map((article) => article.id), word: "article" }],
  ]);

  function filterLink(filter) {
    const hidden = filter.names.filter((_, index) => !filter.shown.has(index));
    if (!hidden.length) return null;
    if (hidden.length <= filter.names.length - hidden.length) return hidden.map((name) => "-" + name).join(",");
    return filter.names.filter((_, index) => filter.shown.has(index)).join(",");
  }

  function shareFilter(listId) {
    shareView({ [listId]: filterLink(filters.get(listId)) }, true);
  }

  /* Show what `link` (a filter's value in an address, null for none) names, boxes included: bare names only
     those, else every item but the names after "-".  Returns the names it does not know, and whether
     anything changed. */
  function followFilter(filter, link) {
    const items = link === null ? [] : link.split(",").filter(Boolean);
    const at = new Map(filter.names.map((name, index) => [name, index]));
    // only what it names (`#articles=` none), of what it names that exists: a link naming only unknown ones
    // (`#relations=operatess`) opens the rest, and says so, as one naming an unknown node does
    const only = link !== null && (!items.length || items.some((item) => item[0] !== "-" && at.has(item)));
    const shown = new Set(only ? [] : at.values());
    const unknown = [];
    items.forEach((item) => {
      const name = item[0] === "-" ? item.slice(1) : item;
      if (!at.has(name)) unknown.push(name ? name : "(an empty name)");
      else if (item[0] === "-") shown.delete(at.get(name));
      else shown.add(at.get(name));
    });
    let changed = false;
    filter.names.forEach((_, index) => {
      const on = shown.has(index);
      if (on === filter.shown.has(index)) return;
      changed = true;
      if (on) filter.shown.add(index);
      else filter.shown.delete(index);
      filter.boxes[index].checked = on;
    });
    return { unknown: unknown, changed: changed };
  }

  /* A long list of rows of controls (a check box, then its link or button) is one stop of Tab, as WAI-ARIA's
     roving tabindex has it: Tab enters at the control last used and leaves the list at once; inside it the
     up and down arrows move a row (past rows a search hides), left and right along a row, Home and End to
     the first and last row, Page Up and Page Down ten rows.  Returns what to call once rows are hidden. */
  function roving(list) {
    const CONTROLS = "input, button, a[href]";
    const rows = () => Array.from(list.children).filter((row) => !row.hidden);
    const controls = (row) => Array.from(row.querySelectorAll(CONTROLS));
    let stop = null;

    function setStop(control) {
      if (stop === control) return;
      if (stop) {
        stop.tabIndex = -1;
        stop.removeAttribute("aria-describedby");
      }
      stop = control;
      if (stop) {
        stop.tabIndex = 0;
        stop.setAttribute("aria-describedby", "list-keys");
      }
    }

    list.querySelectorAll(CONTROLS).forEach((control) => { control.tabIndex = -1; });
    list.addEventListener("focusin", (event) => { if (event.target.matches(CONTROLS)) setStop(event.target); });
    list.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const row = event.target.closest("li");
      const shown = rows();
      const r = shown.indexOf(row);
      if (r < 0) return;
      const c = controls(row).indexOf(event.target);
      const moves = { ArrowDown: [r + 1, c], ArrowUp: [r - 1, c], ArrowRight: [r, c + 1], ArrowLeft: [r, c - 1],
                      Home: [0, c], End: [shown.length - 1, c], PageDown: [r + 10, c], PageUp: [r - 10, c] };
      if (!moves[event.key]) return;
      event.preventDefault(); // the arrows scroll the panel no more than a box moves
      const [toRow, toColumn] = moves[event.key];
      const there = controls(shown[Math.max(0, Math.min(shown.length - 1, toRow))]);
      const target = there[Math.max(0, Math.min(there.length - 1, toColumn))];
      if (target) {
        setStop(target);
        target.focus();
      }
    });

    function settle() { // the stop on a row shown, else on the first row shown
      if (stop && !stop.closest("li").hidden) return;
      const first = rows()[0];
      setStop(first ? controls(first)[0] || null : null);
    }
    settle();
    return settle;
  }

  function describeClass(cls, box) {
    box.dataset.class = cls.name;
    const glyph = el("span", "glyph " + cls.shape);
    glyph.style.backgroundColor = cls.color;
    return [glyph, el("span", "name", cls.label), el("span", "count", cls.count)];
  }

  function classDoc(cls) {
    return [docLink(cls.name, cls.label)];
  }

  /* A term's entry in the ontology documentation beside the page (its anchor is the term's local name). */
  function docLink(name, label) {
    const link = el("a", "doc", "?");
    link.href = "ontology.html#" + encodeURIComponent(name);
    link.title = label + " in the ontology documentation";
    link.setAttribute("aria-label", link.title);
    return link;
  }

  /* A search of the article list, for a corpus of more articles than a glance takes in: each row whose outlet
     or headline holds the words typed stays, the others are hidden (and "all"/"none" leave them be). */
  function buildArticleSearch() {
    const input = byId("articles-find");
    if (data.articles.length <= 12) return;
    input.hidden = false;
    const rows = Array.from(byId("articles").children);
    const texts = rows.map((row) => fold(row.textContent));
    input.addEventListener("input", () => {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      rows.forEach((row, n) => {
        row.hidden = !words.every((word) => texts[n].includes(word));
        if (!row.hidden) shown += 1;
      });
      byId("articles-found").textContent = words.length ? plural(shown, "article") + " of " + data.articles.length : "";
      filters.get("articles").settle();
    });
  }

  function describeRelation(relation, box) {
    box.dataset.relation = relation.name;
    return [el("span", "name", relation.label), el("span", "count", relation.count)];
  }

  function relationDoc(relation) {
    return [docLink(relation.name, relation.label)];
  }

  /* A modality's row: how its links are drawn, its name and how many links have evidence of it; what it
     means (the ontology's comment) in its title. */
  function describeModality(modality, box) {
    box.dataset.modality = modality.name;
    box.setAttribute("aria-description", modality.comment);
    const name = el("span", "name", modality.name);
    name.title = modality.comment;
    return [swatch(modality), name, el("span", "count", modality.count)];
  }

  function readButton(article, index) {
    const read = button("read", "read", () => openArticle(index));
    read.setAttribute("aria-label", "read " + article.headline); // not one "read" after another
    return read;
  }

  function describeArticle(article, box) {
    box.dataset.article = article.id;
    return [el("span", "outlet", article.outlet || "unknown outlet"), el("span", "headline", article.headline)];
  }

  function swatch(style) {
    const canvas = el("canvas", "swatch");
    canvas.width = 40;
    canvas.height = 12;
    const context = canvas.getContext("2d");
    context.strokeStyle = style.color;
    context.lineWidth = style.width;
    context.setLineDash(style.dashes || []);
    context.beginPath();
    context.moveTo(0, 6);
    context.lineTo(40, 6);
    context.stroke();
    return canvas;
  }

  function buildEdgeLegend() {
    const item = el("li");
    item.append(swatch(data.conflictStyle), el("span", "name", "conflicting: another record says otherwise"));
    byId("edge-legend").append(item);
  }

  /* The slider steps through the distinct dates of the story; the date box takes any day. */
  const stops = data.stops;
  const slider = byId("slider");
  const dateBox = byId("date");
  let playing = null;

  function lastStopUpTo(date) {
    let index = 0;
    stops.forEach((stop, i) => { if (stop <= date) index = i; });
    return index;
  }

  function showUntil(date) {
    cutoff = date;
    slider.value = lastStopUpTo(date);
    slider.setAttribute("aria-valuetext", date); // its value is a step; the day is what it means
    dateBox.value = date;
    byId("timeline-note").textContent = "known up to " + date + " (undated facts always shown)";
    refresh();
    if (timeline) timeline.setCustomTime(nextDay(date), "cutoff");
    shareView({ date: date });
  }

  function stopPlaying() {
    clearInterval(playing);
    playing = null;
    byId("play").textContent = "▶";
  }

  function play() {
    if (playing !== null) return stopPlaying();
    if (Number(slider.value) >= stops.length - 1) showUntil(stops[0]);
    byId("play").textContent = "⏸";
    playing = setInterval(() => {
      const next = Number(slider.value) + 1;
      if (next >= stops.length) return stopPlaying();
      showUntil(stops[next]);
    }, 900);
  }

  /* Every date shown, as the page opens (a link without a date, after one with). */
  function showWholeStory() {
    const last = stops[stops.length - 1];
    cutoff = null;
    slider.value = stops.length - 1;
    slider.setAttribute("aria-valuetext", last);
    dateBox.value = last;
    byId("timeline-note").textContent = stops[0] + " → " + last + ": " + plural(stops.length, "date") +
      (data.background < stops[0] ? " (background from " + data.background + ")" : "");
    if (timeline) timeline.setCustomTime(nextDay(last), "cutoff");
  }

  function buildTimeline() {
    if (!stops.length) {
      byId("timeline").hidden = true;
      return;
    }
    slider.max = stops.length - 1;
    slider.value = stops.length - 1;
    dateBox.min = data.background;
    dateBox.max = stops[stops.length - 1];
    showWholeStory(); // nothing is hidden yet: no refresh
    slider.addEventListener("input", () => showUntil(stops[Number(slider.value)]));
    dateBox.addEventListener("change", () => { if (dateBox.value) showUntil(dateBox.value); });
    byId("play").addEventListener("click", play);
  }

  /* ------------------------------------------------------------------ neighbourhood highlight */

  /* Big graphs dim nodes only: updating thousands of edges would double the time a click takes, and
     vis-network already marks the selected node's edges. */
  const dimmedNodes = new Map();
  const dimmedEdges = new Map();

  function highlight(center) {
    const keep = center === null ? null : new Set([center].concat(network.getConnectedNodes(center)));
    const nodeChanges = [];
    drawn.forEach((node, i) => {
      const dim = keep !== null && !keep.has(i);
      if (dim !== Boolean(dimmedNodes.get(i))) {
        dimmedNodes.set(i, dim);
        const font = Object.assign({}, nodes.get(i).font, { color: dim ? "rgba(31,35,40,0.25)" : "#1f2328" });
        nodeChanges.push({ id: i, opacity: dim ? 0.18 : 1, font: font });
      }
    });
    const edgeChanges = [];
    drawnEdges.forEach((edge, j) => {
      const dim = keep !== null && !data.big && edge.from !== center && edge.to !== center;
      if (dim !== Boolean(dimmedEdges.get(j))) {
        dimmedEdges.set(j, dim);
        const color = data.looks[edge.look].color;
        edgeChanges.push({ id: j, color: { color: color, highlight: color, hover: color, opacity: dim ? 0.12 : 1 },
                           font: { color: dim ? "rgba(74,79,87,0.15)" : "#4a4f57" } });
      }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
  }

  /* ------------------------------------------------------------------ details panel */

  const PAGE = 20; // claims and events listed at a time in a node's panel
  const LOW_WINDOW = 600; // CSS pixels: a window lower than this opens with the timeline folded (graph.css)

  function endOf(i, name, here) {
    if (i === here) return el("strong", "here", name);
    return button("link", name, () => pick(i));
  }

  /* A link seen from node `here` (named `hereName`); `here` null for an edge on its own. */
  function relationLine(edge, names, here) {
    const line = el("p", "relation");
    line.append(endOf(edge[0], names[0], here), el("span", "arrow", " — " + edge[8] + " → "),
                endOf(edge[1], names[1], here));
    return line;
  }

  function recordFacts(record) {
    const facts = el("p", "facts");
    const parts = [];
    if (record.date) parts.push(record.date);
    parts.push(record.modality);
    facts.textContent = parts.join(" · ");
    if (record.conflicts.length) facts.append(el("span", "conflict", " · conflicts with " + record.conflicts.join("; ")));
    return facts;
  }

  function evidenceItem(item) {
    const article = data.articles[item.article];
    const li = el("li", "evidence " + item.modality);
    li.append(el("blockquote", null, item.quote));
    let chain = item.chain.length ? item.chain.join(" → ") : "outlet unknown";
    if (item.said_to) chain += " → said to " + item.said_to;
    const flags = [item.modality].concat(item.direct ? ["direct speech"] : []);
    li.append(el("p", "chain", chain + " · " + flags.join(" · ")));
    const source = el("p", "source");
    source.append(el("span", "outlet", article.outlet || "unknown outlet"), el("span", "headline", article.headline));
    li.append(source);
    return li;
  }

  function recordBlock(record, lines) {
    const block = el("article", "entry " + record.modality + (record.conflicts.length ? " conflicting" : ""));
    block.dataset.record = record.id;
    lines.forEach((line) => block.append(line));
    block.append(recordFacts(record));
    record.qualifiers.forEach(([label, values]) => block.append(el("p", "qualifier", label + ": " + values.join(", "))));
    if (record.note) block.append(el("p", "note", record.note));
    const list = el("ul", "evidence-list");
    record.evidence.forEach((item) => list.append(evidenceItem(item)));
    block.append(list);
    return block;
  }

  function section(title, children) {
    const part = el("section");
    part.append(el("h3", null, title));
    children.forEach((child) => part.append(child));
    return part;
  }

  let shownInPanel = null; // the node or edge whose details are open: a late answer for another is dropped

  /* Where the keyboard was when the panel opened (the search, a list, a story button): closing the panel
     takes it back there, not to the page's start. */
  let focusBeforeDetails = null;

  function openDetails(children, again) {
    const body = byId("details-body");
    const keyboardHere = body.contains(document.activeElement); // a link in the panel followed by keyboard
    if (byId("details").hidden && !byId("details").contains(document.activeElement)) {
      focusBeforeDetails = document.activeElement;
    }
    const scrolled = body.scrollTop;
    body.replaceChildren(...children);
    byId("details").hidden = false;
    body.scrollTop = again ? scrolled : 0; // `again`: the same panel, listed anew after the filters changed
    if (keyboardHere) body.focus(); // not left to fall to the page's start with the link pressed
  }

  const blocksOf = (groups) => Promise.all(groups.map(([record, lines]) =>
    recordEntry(record).then((value) => recordBlock(value, lines))));

  /* The neighbours of a node not drawn yet (a neighbour linked twice counts once). */
  const undrawnNeighbours = (value) => new Set(value.links.map((link) => link[1]).filter((n) => !drawn.has(n))).size;

  function expandButton(i, value) {
    const hidden = undrawnNeighbours(value);
    if (!hidden) return [];
    const note = el("p", "expand-note");
    const action = button("expand", "", async () => {
      action.disabled = true;
      const done = await expand(i, 100);
      note.textContent = done.full ? "The page draws " + data.maxDrawn + " nodes at most: reload it to start again " +
        "from the overview (search still opens any node)." : "";
      say(undrawnNeighbours(value));
    });
    const left = el("span", "count");
    const say = (count) => {
      action.textContent = count ? "Show " + plural(Math.min(count, 100), "more neighbour") : "Every neighbour is drawn";
      left.textContent = count ? " (" + count + " not drawn)" : "";
      action.disabled = !count || drawn.size >= data.maxDrawn;
    };
    say(hidden);
    const row = el("p", "expand-row");
    row.append(action, left);
    return [row, note];
  }

  async function showNode(i, again) {
    shownInPanel = "node " + i;
    const value = await nodeEntry(i);
    const children = [el("h2", null, value.names[0])];
    children.push(el("p", "class", [data.classes[value.class].label, value.date].filter(Boolean).join(" · ")));
    if (value.names.length > 1) children.push(el("p", "aliases", "Also: " + value.names.slice(1).join(" · ")));
    const herePasses = nodePasses(value.class, value.since, value.articles);
    if (!herePasses) children.push(el("p", "hidden-note", "Hidden by the current filters or date."));
    if (value.note) children.push(el("p", "note", value.note));
    children.push(...expandButton(i, value));
    const names = (link) => (link[7] === i ? [value.names[0], link[2]] : [link[2], value.names[0]]);
    const own = value.record;
    if (own !== null) {
      const roles = value.links.filter((link) => link[13] === own).map((link) => relationLine(linkEdge(link), names(link), i));
      children.push(section("The event", await blocksOf([[own, roles]])));
    }
    if (value.facts.length) {
      const factBlocks = await Promise.all(value.facts.map(([label, text, record]) => {
        const line = el("p", "relation", label + ": " + text);
        return record === null ? line : recordEntry(record).then((r) => recordBlock(r, [line]));
      }));
      children.push(section("Facts", factBlocks));
    }
    panelFilters = filterKey();
    const groups = new Map();
    const seen = new Set(); // the records with a link the filters and the date let be seen
    value.links.forEach((link) => {
      const record = link[13];
      if (record === own) return;
      if (!groups.has(record)) groups.set(record, []);
      groups.get(record).push(relationLine(linkEdge(link), names(link), i));
      if (herePasses && linkPasses(link)) seen.add(record);
    });
    const all = Array.from(groups);
    const shown = all.filter(([record]) => seen.has(record));
    const hidden = all.filter(([record]) => !seen.has(record));
    if (!hidden.length) {
      children.push(await pagedSection("Claims and events (" + all.length + ")", all, blocksOf));
    } else {
      const title = "Claims and events (" + shown.length + " of " + all.length + ")";
      const part = await pagedSection(title, shown, blocksOf);
      const more = hidden.length === 1 ? "1 more is" : hidden.length + " more are";
      part.querySelector("h3").after(el("p", "hidden-note", more + " hidden by the filters or the date: listed below."));
      children.push(part);
      const hiddenPart = await pagedSection("Hidden by the filters or the date (" + hidden.length + ")", hidden, blocksOf);
      hiddenPart.classList.add("filtered-out");
      children.push(hiddenPart);
    }
    if (value.cited) children.push(await citedSection(value.cited));
    if (shownInPanel === "node " + i) openDetails(children, again);
  }

  /* Whether a node's link (`showNode`) passes the filters and the date, with the node at its other end. */
  function linkPasses(link) {
    const edge = linkEdge(link);
    return nodePasses(link[3], link[5], link[6]) && edgePasses(edge[4], edge[5], edge[8], edge[11]);
  }

  /* The open node's panel lists again what the filters let be seen, once they settle (a slider played moves
     many times a second); its scroll stays where it was. */
  let panelTimer = null;
  let panelFilters = null; // the filters the open panel was listed under (`filterKey`)
  const filterKey = () => [cutoff, ...[shownClasses, shownArticles, shownRelations, shownModalities]
    .map((shown) => Array.from(shown).sort((a, b) => a - b).join(","))].join("|");
  function panelFollowsFilters() {
    if (shownInPanel === null || !shownInPanel.startsWith("node ") || filterKey() === panelFilters) return;
    const i = Number(shownInPanel.slice(5));
    clearTimeout(panelTimer);
    panelTimer = setTimeout(() => {
      if (shownInPanel === "node " + i) showNode(i, true);
    }, 200);
  }

  /* A section of `items` made into blocks by `make`, a page at a time ("Show more"). */
  async function pagedSection(title, items, make) {
    const part = section(title, await make(items.slice(0, PAGE)));
    let next = PAGE;
    if (items.length > next) {
      const more = button("more", "Show more", async () => {
        const added = await make(items.slice(next, next + PAGE));
        next += PAGE;
        more.before(...added);
        if (next >= items.length) more.remove();
      });
      part.append(more);
    }
    return part;
  }

  /* Records (by number) as blocks, each under its title. */
  const titledBlocks = (records) => Promise.all(records.map((record) =>
    recordEntry(record).then((value) => recordBlock(value, [el("p", "relation", value.title)]))));

  /* The claims and events whose evidence cites a node (an outlet, a source in `via`, whom it was said to):
     [how many, the first of them], listed a page at a time, each under its title. */
  async function citedSection([count, shown]) {
    const part = await pagedSection("Cited as a source (" + count + ")", shown, titledBlocks);
    if (count > shown.length) {
      part.querySelector("h3").after(el("p", "link-note", "The first " + shown.length + " are listed: the " +
                                                          "articles' filter, or a SPARQL query, reaches the rest."));
    }
    return part;
  }

  async function showEdge(j) {
    shownInPanel = "edge " + j;
    const edge = drawnEdges.get(j);
    const record = await recordEntry(edge.record);
    const line = relationLine([edge.from, edge.to, edge.label, edge.look, edge.since, edge.articles, edge.record,
                               edge.date, edge.relation], [drawn.get(edge.from).name, drawn.get(edge.to).name], null);
    if (shownInPanel === "edge " + j) openDetails([el("h2", null, record.title), recordBlock(record, [line])]);
  }

  function closeDetails() {
    picked += 1; // a pick still loading gives way
    shownInPanel = null;
    const keyboardHere = byId("details").contains(document.activeElement);
    byId("details").hidden = true;
    if (keyboardHere) {
      const back = focusBeforeDetails && focusBeforeDetails.isConnected && focusBeforeDetails !== document.body
        ? focusBeforeDetails : byId("search-input");
      back.focus();
    }
    network.unselectAll();
    highlight(null);
    shareView({ node: null });
  }

  /* ------------------------------------------------------------------ search */

  /* A name or a query as search compares them: case, accents and apostrophes aside (al-Shar'a, al-Sharʿa and
     al-Sharaa are one; Hay'at is Hayat), and a dash or hyphen of any kind, or any run of spaces, as one space
     ("al Sharaa" and "al\u2011Sharaa", a non-breaking hyphen, find al-Sharaa). */
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/['\u2018\u2019\u02bc\u02be\u02bf`´]/g, "")
      .replace(/[-\u2010-\u2015\u2212\s]+/g, " ").toLowerCase();
  }
  let results = [];
  let matches = 0; // how many nodes the query matched (the first SHOWN_RESULTS are listed)
  let active = 0;
  const SHOWN_RESULTS = 12;

  /* 0: the name itself; 1: its start; 2: a word's start; 3: inside a word; 4: every word of a query of several
     words, in any order ("Sharaa Ahmad"); null: no match. */
  function rank(name, query, words) {
    const at = name.indexOf(query);
    if (at < 0) return words.length > 1 && words.every((word) => name.includes(word)) ? 4 : null;
    if (name === query) return 0;
    if (at === 0) return 1;
    return /[\s(]/.test(name[at - 1]) ? 2 : 3;
  }

  function find(index, query) {
    const folded = fold(query).trim(); // a query of dashes and spaces alone asks for nothing
    if (!folded) return [];
    const words = folded.split(" ");
    const found = [];
    index.forEach((row, i) => {
      let best = null;
      row.folded.forEach((name, n) => {
        const r = rank(name, folded, words);
        if (r !== null && (best === null || r < best.rank)) best = { node: i, rank: r, name: n };
      });
      if (best) found.push(best);
    });
    const exact = keys.get(query.trim()); // an id, as a link or the YAML writes it
    if (exact !== undefined) found.push({ node: exact, rank: -1, name: 0 });
    found.sort((a, b) => a.rank - b.rank || index[b.node].degree - index[a.node].degree || a.node - b.node);
    const unique = found.filter((result) => result.node !== exact || result.rank === -1);
    matches = unique.length;
    return unique.slice(0, SHOWN_RESULTS).map((result) => Object.assign(result, { row: index[result.node] }));
  }

  function showResults() {
    const list = byId("search-results");
    list.replaceChildren(...results.map((result, index) => {
      const item = el("li", index === active ? "active" : "");
      item.setAttribute("role", "option");
      item.id = "search-result-" + index;
      item.setAttribute("aria-selected", String(index === active));
      const choice = button("result", null, () => pick(result.node));
      choice.append(el("span", "name", result.row.names[0]));
      if (result.name > 0) choice.append(el("span", "alias", "“" + result.row.names[result.name] + "”"));
      choice.append(el("span", "class", data.classes[result.row.cls].label));
      item.append(choice);
      return item;
    }));
    if (!results.length && byId("search-input").value.trim()) list.append(el("li", "none", "no match"));
    if (matches > results.length) {
      list.append(el("li", "none", results.length + " of " + matches.toLocaleString("en") + " matches: type more to narrow"));
    }
    list.hidden = !list.childElementCount;
    const input = byId("search-input");
    input.setAttribute("aria-expanded", String(!list.hidden));
    if (results.length) input.setAttribute("aria-activedescendant", "search-result-" + active);
    else input.removeAttribute("aria-activedescendant");
  }

  function buildSearch() {
    const input = byId("search-input");
    let asked = 0;
    let answered = Promise.resolve(); // the answer to the last keystroke, once shown
    input.addEventListener("input", () => {
      const question = ++asked;
      answered = loadSearch().then((index) => {
        if (question !== asked) return; // a later keystroke answers instead
        results = find(index, input.value);
        active = 0;
        showResults();
      });
    });
    input.addEventListener("keydown", async (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (results.length) active = (active + (event.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
        showResults();
      } else if (event.key === "Enter") {
        event.preventDefault();
        const question = asked;
        await answered; // typed or pasted just now, the search index may still be loading
        if (question !== asked) return;
        if (!results.length && input.value.trim()) { // the results closed (the focus left): ask again
          results = find(await loadSearch(), input.value);
          active = 0;
        }
        if (!results.length) return;
        await pick(results[active].node);
        byId("details-body").focus(); // the keyboard goes on reading there (Escape closes it)
      } else if (event.key === "Escape") {
        closeResults();
      }
    });
    // back in a search that holds text, a click shows its results again (they closed when the focus left)
    input.addEventListener("click", () => {
      if (byId("search-results").hidden && input.value.trim()) input.dispatchEvent(new Event("input"));
    });
  }

  /* The list closes on a click or a focus elsewhere (the graph, Tab onwards), not on a result: by the press
     and the focus arriving, since Safari focuses no button clicked (a focus leaving says nothing there). */
  ["pointerdown", "focusin"].forEach((kind) => document.addEventListener(kind, (event) => {
    if (!byId("search").contains(event.target)) closeResults();
  }));

  function closeResults() {
    results = [];
    byId("search-results").hidden = true;
    byId("search-input").setAttribute("aria-expanded", "false");
  }

  /* Each pick is numbered: one still loading (a node not drawn yet) when another is made gives way to it, so
     that the selection, the panel, the view and the address all show the last one asked for. */
  let picked = 0;

  async function pick(i) {
    const mine = ++picked;
    closeResults();
    await ensureDrawn(i);
    if (mine !== picked) return;
    cursor = i;
    network.selectNodes([i]);
    highlight(i);
    selectInStory("n" + i);
    await showNode(i); // first: the details panel narrows the graph, and the node is centred in what is left
    if (mine !== picked) return;
    network.redraw();
    network.focus(i, { scale: Math.max(network.getScale(), 1), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    const key = (await nodeEntry(i)).key;
    if (mine === picked) shareView({ node: key }, true);
  }

  /* Select drawn edge `j` in the graph and show its claim. */
  async function pickEdge(j) {
    if (!drawnEdges.has(j)) return;
    picked += 1;
    shareView({ node: null }); // an address names nodes only
    network.selectEdges([j]);
    highlight(null);
    selectInStory("e" + j);
    await showEdge(j);
  }

  /* ------------------------------------------------------------------ the timeline, wired to the graph */

  function selectInStory(id) {
    if (!timeline) return;
    const present = story.get(id) !== null;
    timeline.setSelection(present ? [id] : []);
    if (present) timeline.focus(id, { animation: false, zoom: false });
  }

  function buildStory() {
    const panel = byId("story");
    if (!stops.length && !story.length) {
      panel.hidden = true;
      return;
    }
    const first = stops.length ? stops[0] : null;
    const last = stops.length ? stops[stops.length - 1] : null;
    const options = { height: "100%", stack: true, showCurrentTime: false, selectable: true, multiselect: false,
                      zoomMin: 7 * 24 * 3600 * 1000, orientation: { axis: "top", item: "top" },
                      margin: { item: { horizontal: 4, vertical: 3 }, axis: 3 } };
    if (first) Object.assign(options, { start: first.slice(0, 8) + "01", end: nextDay(nextDay(last)) });
    timeline = new vis.Timeline(byId("story-timeline"), storyShown, options);
    // vis-timeline stays hidden until a redraw follows its first range change: with a deep link's items added
    // before that change ended, none followed about one load in ten, and the axis stayed blank
    timeline.on("rangechanged", () => { if (!timeline.initialDrawDone) timeline.redraw(); });
    timeline.on("select", (properties) => {
      const id = properties.items[0];
      if (!id) return;
      if (id[0] === "n") pick(Number(id.slice(1)));
      else if (id[0] === "f") pick(factItems.get(id).node);
      else pickEdge(Number(id.slice(1)));
    });
    const fold = (open) => {
      byId("story-timeline").hidden = !open;
      byId("story-toggle").setAttribute("aria-expanded", String(open));
      if (open) timeline.redraw();
    };
    byId("story-toggle").addEventListener("click", () => fold(byId("story-timeline").hidden));
    if (window.innerHeight < LOW_WINDOW) fold(false); // the graph first: the timeline is a click away
    if (last) timeline.addCustomTime(nextDay(last), "cutoff");
  }

  /* ------------------------------------------------------------------ the article reader

     An article's text with each cited passage marked: clicking one lists the claims and events it supports
     and focuses the graph on them.  Ignored passages are greyed, with their reason; metadata (headline,
     byline, captions) is set apart.  The text arrives from the article's shard and enters as DOM text. */
  let readerArticle = null;

  async function openArticle(a) {
    const article = data.articles[a];
    if (!article || !article.text) return;
    readerArticle = a;
    const shown = await entry("article", a);
    if (readerArticle !== a) return; // another article was asked for meanwhile
    const header = el("header");
    header.append(el("p", "outlet", article.outlet || "unknown outlet"), el("h2", null, article.headline));
    const text = el("div", "article-text");
    const pieces = articlePieces(shown);
    pieces.forEach((piece) => text.append(passageElement(piece, shown)));
    const cited = pieces.filter((piece) => piece.length > 1 && piece[1].length).length;
    const note = el("p", "reader-note", plural(cited, "cited passage") + " · click one for what it supports");
    byId("reader-body").replaceChildren(header, note, text);
    byId("reader").hidden = false;
    byId("reader-body").scrollTop = 0;
    document.body.dataset.reader = article.id;
    shareView({ article: article.id }, true);
  }

  /* The text cut wherever its marks change, each piece [text] or [text, records citing it (in the order of
     the marks), reasons it is ignored, metadata labels]; neighbouring pieces with the same account merge. */
  function articlePieces(entry) {
    const text = entry.text;
    const opening = new Map();
    const closing = new Map();
    const cuts = new Set([0, text.length]);
    entry.marks.forEach((mark, k) => {
      if (!opening.has(mark[0])) opening.set(mark[0], []);
      if (!closing.has(mark[1])) closing.set(mark[1], []);
      opening.get(mark[0]).push(k);
      closing.get(mark[1]).push(k);
      cuts.add(mark[0]);
      cuts.add(mark[1]);
    });
    const points = Array.from(cuts).sort((a, b) => a - b);
    const active = new Set();
    const pieces = [];
    let previous = null;
    for (let n = 0; n + 1 < points.length; n += 1) {
      (closing.get(points[n]) || []).forEach((k) => active.delete(k));
      (opening.get(points[n]) || []).forEach((k) => active.add(k));
      const covering = Array.from(active).sort((a, b) => a - b).map((k) => entry.marks[k]);
      const of = (kind) => Array.from(new Set(covering.filter((mark) => mark[2] === kind).map((mark) => mark[3])));
      const account = covering.length ? [of(0), of(1), of(2)] : null;
      const key = JSON.stringify(account);
      const part = text.slice(points[n], points[n + 1]);
      if (previous !== null && previous.key === key) previous.piece[0] += part;
      else {
        previous = { key: key, piece: account ? [part, ...account] : [part] };
        pieces.push(previous.piece);
      }
    }
    return pieces;
  }

  function passageElement(piece, entry) {
    if (piece.length === 1) return document.createTextNode(piece[0]);
    const [text, records, ignored, metadata] = piece;
    if (records.length) {
      const mark = el("mark", "cited", text);
      mark.tabIndex = 0;
      mark.setAttribute("role", "button");
      mark.dataset.records = records.join(" ");
      mark.title = plural(records.length, "claim or event", "claims or events");
      const open = (byKeyboard) => showPassage(text, records, entry, mark, byKeyboard);
      mark.addEventListener("click", () => open(false));
      mark.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open(true);
        }
      });
      return mark;
    }
    if (ignored.length) {
      const span = el("span", "ignored", text);
      span.title = "ignored: " + ignored.join("; ");
      span.dataset.reason = ignored.join("; ");
      return span;
    }
    const span = el("span", "metadata", text);
    span.title = metadata.join("; ");
    return span;
  }

  /* The claims and events a passage of the reader's article supports, each under its title, the evidence that
     quotes this passage marked (the others are other articles' or other passages'); opened by the keyboard, the
     keyboard goes on in the panel (it was 69 presses of Tab away), and Escape brings it back to the passage. */
  async function showPassage(text, records, entry, mark, byKeyboard) {
    picked += 1;
    shareView({ node: null }); // the panel shows a passage: a reload would reopen the node no longer shown
    byId("reader-body").querySelectorAll("mark.current").forEach((other) => other.classList.remove("current"));
    if (mark) mark.classList.add("current");
    const focus = Array.from(new Set([].concat(...records.map((r) => entry.focus[r] || []))));
    for (const i of focus) await ensureDrawn(i);
    network.selectNodes(focus);
    network.fit({ nodes: focus, animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    highlight(null);
    shownInPanel = "passage";
    const quote = el("blockquote", "passage", text);
    // each under its title ("Russia — operates — Tartus naval base", an event's name): what the passage supports
    const article = readerArticle;
    const blocks = await Promise.all(records.map((record) => recordEntry(record).then((value) => {
      const block = recordBlock(value, [el("p", "relation", value.title)]);
      const items = block.querySelectorAll(".evidence-list > li");
      value.evidence.forEach((item, k) => {
        if (item.article === article && (text.includes(item.quote) || item.quote.includes(text))) {
          items[k].classList.add("this-passage");
          items[k].prepend(el("p", "this-passage-note", "this passage"));
        }
      });
      return block;
    })));
    if (shownInPanel === "passage") {
      openDetails([el("h2", null, "The passage"), quote, section("Supports (" + records.length + ")", blocks)]);
      if (byKeyboard) byId("details-body").focus();
    }
  }

  function closeReader() {
    readerArticle = null;
    byId("reader").hidden = true;
    delete document.body.dataset.reader;
    shareView({ article: null });
  }

  /* ------------------------------------------------------------------ deep links

     graph.html#node=tartus-naval-base, #article=…, #date=2025-01-28 (or several, joined by &) open the page
     focused there; what an analyst picks, reads or dates is written back, so the address shares the view. */
  const shared = new Map();
  let following = false;

  /* `remember`: a node or an article picked is a step of its own in the browser's history, which Back
     returns from (the address then changes, and is followed as a link); a date or a closing replaces it. */
  function shareView(changes, remember) {
    if (following) return;
    Object.entries(changes).forEach(([key, value]) => {
      if (value === null) shared.delete(key);
      else shared.set(key, value);
    });
    writeAddress(remember);
  }

  function writeAddress(remember) {
    const hash = Array.from(shared, ([key, value]) => key + "=" + encodeURIComponent(value).replace(/%2C/g, ","))
      .join("&");
    const address = hash ? "#" + hash : location.pathname + location.search;
    if (remember && "#" + hash !== location.hash) history.pushState(null, "", address);
    else history.replaceState(null, "", address);
  }

  /* The address describes the whole view: what it does not name (an edited link, Back to an earlier one) is
     closed, and what it names wrongly (a date that is no day, an id of no node) is said and passed over. */
  async function followLink() {
    const asked = new URLSearchParams(location.hash.slice(1));
    const wrong = [];
    const key = asked.get("node");
    const i = key ? await findKey(key) : null;
    following = true;
    shared.clear();
    try {
      let filtered = false;
      filters.forEach((filter, name) => {
        const done = followFilter(filter, asked.has(name) ? asked.get(name) : null);
        done.unknown.forEach((unknown) => wrong.push("no " + filter.word + " " + unknown));
        filtered = filtered || done.changed;
      });
      if (filtered) refresh();
      const date = asked.get("date");
      if (date && isDay(date)) showUntil(date);
      else {
        if (date) wrong.push("no date " + date);
        if (cutoff !== null) {
          showWholeStory();
          refresh();
        }
      }
      const article = data.articles.findIndex((a) => a.id === asked.get("article"));
      if (article >= 0) await openArticle(article);
      else {
        if (asked.get("article")) wrong.push("no article " + asked.get("article"));
        if (readerArticle !== null) closeReader();
      }
      if (i !== null) await pick(i);
      else {
        if (key) wrong.push("no node " + key);
        if (!byId("details").hidden) closeDetails();
      }
    } finally {
      following = false;
    }
    asked.forEach((value, name) => { // as the link has them, in its order, but for what it names wrongly
      if (filters.has(name)) { // the filter as it now is
        const filter = filterLink(filters.get(name));
        if (filter !== null) shared.set(name, filter);
      } else if (value && !wrong.includes("no " + name + " " + value)) shared.set(name, value);
    });
    if (!wrong.length) return;
    writeAddress(); // without what it names wrongly
    const said = el("p", "link-note", "The link names " + wrong.join(", ") + ".");
    if (i !== null) byId("details-body").prepend(said); // above what it did open
    else openDetails([el("h2", null, "Not in this graph"), said]);
  }

  /* ------------------------------------------------------------------ the keyboard in the graph

     The graph is one stop of Tab.  vis-network pans it with the arrow keys and zooms it with + and - (also
     [ ] and Page Up/Down) while it has the focus; Shift and an arrow move a cursor to the nearest node shown
     that way (the first press: the node nearest the centre of the view), ringed on the canvas and named in
     a live region; Enter or Space picks it, as a click does, and the keyboard stays in the graph. */
  const frame = byId("graph").querySelector(".vis-network");
  let cursor = null; // the node the keyboard is on

  function buildGraphKeys() {
    frame.tabIndex = 0;
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-label", "The graph: click a node or an edge for its evidence");
    frame.setAttribute("aria-describedby", "graph-keys");
    const help = el("div");
    help.id = "graph-help";
    const keys = el("p", null, "Arrows pan · + − zoom · Shift+arrows move between nodes · Enter opens the node · " +
                               "Esc closes it · Tab leaves the graph");
    keys.id = "graph-keys";
    const said = el("p");
    said.id = "graph-cursor";
    said.setAttribute("aria-live", "polite");
    help.append(keys, said);
    byId("graph").append(help);
    byId("graph").addEventListener("keydown", graphKey, true); // before vis-network's own keys, on the frame
    ["focus", "blur"].forEach((kind) => frame.addEventListener(kind, () => network.redraw()));
    network.on("afterDrawing", ringCursor);
  }

  const DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

  function graphKey(event) {
    if (event.target !== frame || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.shiftKey && DIRECTIONS[event.key]) {
      event.preventDefault();
      event.stopPropagation(); // vis-network would pan as well
      moveCursor(...DIRECTIONS[event.key]);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (cursor !== null && nodeShown.get(cursor)) pick(cursor);
      else moveCursor(0, 0);
    }
  }

  /* To the shown node nearest the cursor in direction (dx, dy): within 63° of it if any, else anywhere on
     that side; with no cursor, or (0, 0), to the node nearest the centre of the view. */
  function moveCursor(dx, dy) {
    const ids = Array.from(drawn.keys()).filter((i) => nodeShown.get(i));
    if (!ids.length) return;
    const at = network.getPositions(ids);
    const from = cursor !== null && nodeShown.get(cursor) && (dx || dy) ? at[cursor] : null;
    let best = null;
    let bestScore = Infinity;
    let inCone = false;
    const centre = network.getViewPosition();
    ids.forEach((i) => {
      if (from === null) {
        const score = Math.hypot(at[i].x - centre.x, at[i].y - centre.y);
        if (score < bestScore) [best, bestScore] = [i, score];
        return;
      }
      if (i === cursor) return;
      const along = (at[i].x - from.x) * dx + (at[i].y - from.y) * dy;
      const across = Math.abs((at[i].x - from.x) * dy - (at[i].y - from.y) * dx);
      if (along <= 0) return;
      const cone = across <= 2 * along;
      const score = along + 2 * across;
      if ((cone && !inCone) || (cone === inCone && score < bestScore)) [best, bestScore, inCone] = [i, score, cone];
    });
    if (best === null) {
      byId("graph-cursor").textContent = "No node that way.";
      return;
    }
    setCursor(best);
    const point = network.canvasToDOM(at[best]);
    const box = frame.getBoundingClientRect();
    if (point.x < 40 || point.y < 40 || point.x > box.width - 40 || point.y > box.height - 40) {
      network.moveTo({ position: at[best], animation: { duration: 200, easingFunction: "easeInOutQuad" } });
    }
  }

  function setCursor(i) {
    cursor = i;
    const node = drawn.get(i);
    byId("graph-cursor").textContent = [node.name, data.classes[node.cls].label, plural(node.degree, "link")]
      .join(" · ") + " (Enter opens it)";
    network.redraw();
  }

  /* The cursor, ringed while the graph has the keyboard's focus. */
  function ringCursor(context) {
    if (cursor === null || !nodeShown.get(cursor) || !frame.matches(":focus-visible")) return;
    const box = network.getBoundingBox(cursor);
    const pad = 6 / network.getScale();
    context.save();
    context.strokeStyle = "#0969da";
    context.lineWidth = 3 / network.getScale();
    context.setLineDash([]);
    context.strokeRect(box.left - pad, box.top - pad, box.right - box.left + 2 * pad, box.bottom - box.top + 2 * pad);
    context.restore();
  }

  /* ------------------------------------------------------------------ wiring */

  network.on("click", (event) => {
    if (event.nodes.length) {
      const i = event.nodes[0];
      const mine = ++picked;
      cursor = i;
      showNode(i);
      highlight(i);
      selectInStory("n" + i);
      nodeEntry(i).then((value) => { if (mine === picked) shareView({ node: value.key }, true); });
    } else if (event.edges.length) {
      picked += 1;
      shareView({ node: null });
      showEdge(event.edges[0]);
      highlight(null);
      selectInStory("e" + event.edges[0]);
    } else {
      highlight(null);
    }
  });
  network.on("doubleClick", (event) => { if (event.nodes.length) expand(event.nodes[0], 100); });
  byId("details-close").addEventListener("click", closeDetails);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || event.target === byId("search-input")) return;
    if (!byId("details").hidden) closeDetails();
    else if (readerArticle !== null) closeReader();
  });
  /* What a missing or damaged shard stopped (a click, a search, a link followed) is said in the details panel,
     not left blank. */
  window.addEventListener("unhandledrejection", (event) => {
    if (!(event.reason instanceof ShardError)) return;
    event.preventDefault();
    shownInPanel = null; // an answer still loading gives way
    openDetails([el("h2", null, "Part of the graph could not be loaded"),
                 el("p", "link-note", event.reason.message + "."),
                 el("p", null, "The page reads it from the folder " + data.shardFolder + ", which kg build wrote " +
                              "beside graph.html: keep the two together, or build again.")]);
  });
  network.once("afterDrawing", () => {
    window.kg.readyAt = performance.now();
    document.body.dataset.ready = "true";
  });

  checklist("classes", data.classes, shownClasses, describeClass, classDoc);
  checklist("modalities", data.modalities, shownModalities, describeModality);
  buildEdgeLegend();
  checklist("relations", data.relations, shownRelations, describeRelation, relationDoc);
  checklist("articles", data.articles, shownArticles, describeArticle,
            (article, index) => article.text ? [readButton(article, index)] : []);
  byId("reader-close").addEventListener("click", closeReader);
  buildArticleSearch();
  buildTimeline();
  buildStory();
  buildSearch();
  buildGraphKeys();
  if (data.shards) loadSearch(); // inline: the keys are there at once (window.kg.nodeIndex)
  showStatus();
  network.fit();
  window.addEventListener("hashchange", followLink);
  window.kg.linked = location.hash.length > 1 ? followLink() : Promise.resolve();
}());

/* The interactive graph page (kg/html.py writes the data).  Every text that came from YAML enters the DOM
   through textContent, never innerHTML; vis-network shows string tooltips with innerText. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const byId = (id) => document.getElementById(id);
  const visNodes = data.vis.nodes;
  const visEdges = data.vis.edges;
  const nodes = new vis.DataSet(visNodes);
  const edges = new vis.DataSet(visEdges);
  const network = new vis.Network(byId("graph"), { nodes: nodes, edges: edges }, data.vis.options);
  const keys = new Map(data.nodes.map((meta, i) => [meta.key, i]));
  /* For scripts and tests: the network, its data sets, and the actions the controls take. */
  window.kg = { network: network, nodes: nodes, edges: edges, data: data, readyAt: null,
                nodeIndex: (key) => keys.get(key), pick: pick, showUntil: showUntil };

  const incident = visNodes.map(() => []);
  visEdges.forEach((edge, j) => {
    incident[edge.from].push(j);
    if (edge.to !== edge.from) incident[edge.to].push(j);
  });

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

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  /* ------------------------------------------------------------------ filters and time */

  const shownClasses = new Set(data.classes.map((_, index) => index));
  const shownArticles = new Set(data.articles.map((_, index) => index));
  let cutoff = null; // ISO date: things dated later are hidden; null shows everything
  const nodeShown = visNodes.map(() => true);
  const edgeShown = visEdges.map(() => true);

  function fromSomeShownArticle(articles) {
    return shownArticles.size === data.articles.length || articles.some((a) => shownArticles.has(a));
  }

  function inTime(since) {
    return cutoff === null || since === null || since <= cutoff;
  }

  function refresh() {
    const nodeChanges = [];
    const edgeChanges = [];
    data.nodes.forEach((meta, i) => {
      const show = shownClasses.has(meta.class) && inTime(meta.since) && fromSomeShownArticle(meta.articles);
      if (show !== nodeShown[i]) {
        nodeShown[i] = show;
        nodeChanges.push({ id: i, hidden: !show });
      }
    });
    data.edges.forEach((meta, j) => {
      const edge = visEdges[j];
      const show = nodeShown[edge.from] && nodeShown[edge.to] && inTime(meta.since) &&
        fromSomeShownArticle(meta.articles);
      if (show !== edgeShown[j]) {
        edgeShown[j] = show;
        edgeChanges.push({ id: j, hidden: !show });
      }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    showStatus();
  }

  function showStatus() {
    const shownNodes = nodeShown.filter(Boolean).length;
    const shownEdges = edgeShown.filter(Boolean).length;
    const status = byId("status");
    status.dataset.nodes = shownNodes;
    status.dataset.edges = shownEdges;
    status.textContent = shownNodes + " of " + plural(visNodes.length, "node") + " · " +
      shownEdges + " of " + plural(visEdges.length, "edge");
  }

  function checkbox(checked, onChange) {
    const box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", () => onChange(box.checked));
    return box;
  }

  /* One checkbox per item, adding its index to or removing it from `shown`, with "all" and "none" buttons;
     `describe` labels an item (and may tag its box). */
  function checklist(listId, items, shown, describe) {
    const list = byId(listId);
    const set = (index, on) => { if (on) shown.add(index); else shown.delete(index); };
    items.forEach((item, index) => {
      const box = checkbox(true, (on) => {
        set(index, on);
        refresh();
      });
      const label = el("label");
      label.append(box, ...describe(item, box));
      const row = el("li");
      row.append(label);
      list.append(row);
    });
    const setAll = (on) => {
      list.querySelectorAll("input").forEach((box, index) => {
        box.checked = on;
        set(index, on);
      });
      refresh();
    };
    byId(listId + "-all").addEventListener("click", () => setAll(true));
    byId(listId + "-none").addEventListener("click", () => setAll(false));
  }

  function describeClass(cls, box) {
    box.dataset.class = cls.name;
    const glyph = el("span", "glyph " + cls.shape);
    glyph.style.backgroundColor = cls.color;
    return [glyph, el("span", "name", cls.label), el("span", "count", cls.count)];
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
    const legend = byId("edge-legend");
    data.edgeStyles.forEach((style) => {
      const item = el("li");
      item.append(swatch(style), el("span", "name", style.label));
      legend.append(item);
    });
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
    dateBox.value = date;
    byId("timeline-note").textContent = "known up to " + date + " (undated facts always shown)";
    refresh();
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

  function buildTimeline() {
    if (!stops.length) {
      byId("timeline").hidden = true;
      return;
    }
    slider.max = stops.length - 1;
    slider.value = stops.length - 1;
    dateBox.min = data.background;
    dateBox.max = stops[stops.length - 1];
    dateBox.value = stops[stops.length - 1];
    byId("timeline-note").textContent = stops[0] + " → " + stops[stops.length - 1] + ": " +
      plural(stops.length, "date") + (data.background < stops[0] ? " (background from " + data.background + ")" : "");
    slider.addEventListener("input", () => showUntil(stops[Number(slider.value)]));
    dateBox.addEventListener("change", () => { if (dateBox.value) showUntil(dateBox.value); });
    byId("play").addEventListener("click", play);
  }

  /* ------------------------------------------------------------------ neighbourhood highlight */

  /* Big graphs dim nodes only: updating thousands of edges would double the time a click takes, and
     vis-network already marks the selected node's edges. */
  const dimmedNodes = visNodes.map(() => false);
  const dimmedEdges = visEdges.map(() => false);

  function highlight(center) {
    const keep = center === null ? null : new Set([center].concat(network.getConnectedNodes(center)));
    const nodeChanges = [];
    visNodes.forEach((node, i) => {
      const dim = keep !== null && !keep.has(i);
      if (dim !== dimmedNodes[i]) {
        dimmedNodes[i] = dim;
        nodeChanges.push({ id: i, opacity: dim ? 0.18 : 1,
                           font: Object.assign({}, node.font, { color: dim ? "rgba(31,35,40,0.25)" : "#1f2328" }) });
      }
    });
    const edgeChanges = [];
    visEdges.forEach((edge, j) => {
      const dim = keep !== null && !data.big && edge.from !== center && edge.to !== center;
      if (dim !== dimmedEdges[j]) {
        dimmedEdges[j] = dim;
        edgeChanges.push({ id: j, color: { color: edge.color, highlight: edge.color, hover: edge.color, opacity: dim ? 0.12 : 1 },
                           font: { color: dim ? "rgba(74,79,87,0.15)" : "#4a4f57" } });
      }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
  }

  /* ------------------------------------------------------------------ details panel */

  function nodeName(i) {
    return data.nodes[i].names[0];
  }

  function endOf(i, here) {
    if (i === here) return el("strong", "here", nodeName(i));
    return button("link", nodeName(i), () => pick(i));
  }

  function relationLine(j, here) {
    const edge = visEdges[j];
    const line = el("p", "relation");
    line.append(endOf(edge.from, here), el("span", "arrow", " — " + data.edges[j].relation + " → "),
                endOf(edge.to, here));
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

  function recordBlock(recordIndex, lines) {
    const record = data.records[recordIndex];
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

  function openDetails(children) {
    const body = byId("details-body");
    body.replaceChildren(...children);
    byId("details").hidden = false;
    body.scrollTop = 0;
  }

  function showNode(i) {
    const meta = data.nodes[i];
    const children = [el("h2", null, meta.names[0])];
    children.push(el("p", "class", [data.classes[meta.class].label, meta.date].filter(Boolean).join(" · ")));
    if (meta.names.length > 1) children.push(el("p", "aliases", "Also: " + meta.names.slice(1).join(" · ")));
    if (!nodeShown[i]) children.push(el("p", "hidden-note", "Hidden by the current filters or date."));
    if (meta.note) children.push(el("p", "note", meta.note));
    const own = meta.record;
    if (own !== null) {
      const roles = incident[i].filter((j) => data.edges[j].record === own).map((j) => relationLine(j, i));
      children.push(section("The event", [recordBlock(own, roles)]));
    }
    if (meta.facts.length) {
      children.push(section("Facts", meta.facts.map(([label, value, record]) => {
        const line = el("p", "relation", label + ": " + value);
        return record === null ? line : recordBlock(record, [line]);
      })));
    }
    const groups = new Map();
    incident[i].forEach((j) => {
      const record = data.edges[j].record;
      if (record === own) return;
      if (!groups.has(record)) groups.set(record, []);
      groups.get(record).push(relationLine(j, i));
    });
    const blocks = Array.from(groups, ([record, lines]) => recordBlock(record, lines));
    children.push(section("Claims and events (" + blocks.length + ")", blocks));
    openDetails(children);
  }

  function showEdge(j) {
    const record = data.edges[j].record;
    openDetails([el("h2", null, data.records[record].title), recordBlock(record, [relationLine(j, null)])]);
  }

  function closeDetails() {
    byId("details").hidden = true;
    network.unselectAll();
    highlight(null);
  }

  /* ------------------------------------------------------------------ search */

  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019\u02bc`´]/g, "'").toLowerCase();
  const searchNames = data.nodes.map((meta) => meta.names.map(fold));
  const degree = incident.map((list) => list.length);
  let results = [];
  let active = 0;

  function rank(name, query) {
    const at = name.indexOf(query);
    if (at < 0) return null;
    if (name === query) return 0;
    if (at === 0) return 1;
    return /[\s\-'(]/.test(name[at - 1]) ? 2 : 3;
  }

  function find(query) {
    const folded = fold(query.trim());
    if (!folded) return [];
    const found = [];
    searchNames.forEach((names, i) => {
      let best = null;
      names.forEach((name, n) => {
        const r = rank(name, folded);
        if (r !== null && (best === null || r < best.rank)) best = { node: i, rank: r, name: n };
      });
      if (best) found.push(best);
    });
    found.sort((a, b) => a.rank - b.rank || degree[b.node] - degree[a.node] || a.node - b.node);
    return found.slice(0, 12);
  }

  function showResults() {
    const list = byId("search-results");
    list.replaceChildren(...results.map((result, index) => {
      const meta = data.nodes[result.node];
      const item = el("li", index === active ? "active" : "");
      item.setAttribute("role", "option");
      const choice = button("result", null, () => pick(result.node));
      choice.append(el("span", "name", meta.names[0]));
      if (result.name > 0) choice.append(el("span", "alias", "“" + meta.names[result.name] + "”"));
      choice.append(el("span", "class", data.classes[meta.class].label));
      item.append(choice);
      return item;
    }));
    if (!results.length && byId("search-input").value.trim()) list.append(el("li", "none", "no match"));
    list.hidden = !list.childElementCount;
    byId("search-input").setAttribute("aria-expanded", String(!list.hidden));
  }

  function buildSearch() {
    const input = byId("search-input");
    input.addEventListener("input", () => {
      results = find(input.value);
      active = 0;
      showResults();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (results.length) active = (active + (event.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
        showResults();
      } else if (event.key === "Enter" && results.length) {
        event.preventDefault();
        pick(results[active].node);
      } else if (event.key === "Escape") {
        closeResults();
      }
    });
  }

  function closeResults() {
    results = [];
    byId("search-results").hidden = true;
    byId("search-input").setAttribute("aria-expanded", "false");
  }

  function pick(i) {
    closeResults();
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    showNode(i);
    highlight(i);
  }

  /* ------------------------------------------------------------------ wiring */

  network.on("click", (event) => {
    if (event.nodes.length) {
      showNode(event.nodes[0]);
      highlight(event.nodes[0]);
    } else if (event.edges.length) {
      showEdge(event.edges[0]);
      highlight(null);
    } else {
      highlight(null);
    }
  });
  byId("details-close").addEventListener("click", closeDetails);
  network.once("afterDrawing", () => {
    window.kg.readyAt = performance.now();
    document.body.dataset.ready = "true";
  });

  checklist("classes", data.classes, shownClasses, describeClass);
  buildEdgeLegend();
  checklist("articles", data.articles, shownArticles, describeArticle);
  buildTimeline();
  buildSearch();
  showStatus();
  network.fit();
}());

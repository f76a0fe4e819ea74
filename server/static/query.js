// The query page: runs the query against the endpoint when Run is pressed, shows a table with
// IRIs linked to their pages on this host, offers downloads in every format, keeps the query in
// the address (#query=).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("query-config").textContent);
  const form = document.getElementById("query-form");
  const text = document.getElementById("query");
  const examples = document.getElementById("examples");
  const errorBox = document.getElementById("query-error");
  const status = document.getElementById("query-status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const SELECT_FORMATS = ["json", "xml", "csv", "tsv"];
  const GRAPH_FORMATS = ["turtle", "ntriples", "jsonld", "rdfxml"];
  // The file extension each download is saved under (the endpoint's format= names the format).
  const EXTENSIONS = {json: "json", xml: "xml", csv: "csv", tsv: "tsv",
                      turtle: "ttl", ntriples: "nt", jsonld: "jsonld", rdfxml: "rdf"};
  const WEB_IRI = /^https?:\/\//i;

  function pageUrl(iri) {
    if (iri.startsWith(config.ontology)) return config.host + "ontology" + iri.slice(config.ontology.length - 1);
    if (iri.startsWith(config.base)) return config.host + iri.slice(config.base.length);
    return null;
  }
  function shortName(iri) {
    for (const [p, ns] of Object.entries(config.prefixMap)) {
      if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
    }
    return iri;
  }
  function queryForm(q) {
    const body = q.replace(/#[^\n]*/g, "").replace(/(PREFIX|BASE)\s*[^<]*<[^>]*>/gi, "");
    const m = body.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
    return m ? m[1].toUpperCase() : "SELECT";
  }
  function showDownloads(q) {
    downloads.innerHTML = "";
    const kind = queryForm(q);
    const names = kind === "SELECT" || kind === "ASK" ? SELECT_FORMATS : GRAPH_FORMATS;
    for (const name of names) {
      const a = document.createElement("a");
      a.href = config.endpoint + "?query=" + encodeURIComponent(q) + "&format=" + name;
      a.textContent = name;
      a.className = "download";
      // Saved as a file, not opened in the tab (the endpoint is on this origin, so the browser honours it).
      a.download = "newsgraph-" + (names === SELECT_FORMATS ? "results" : "graph") + "." + EXTENSIONS[name];
      downloads.appendChild(a);
      downloads.appendChild(document.createTextNode(" "));
    }
  }
  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const local = pageUrl(term.value);
      // Only our pages and http(s) IRIs become links: a javascript: or data: IRI from the
      // data would run on this origin when clicked, so any other IRI is shown as text.
      const linkable = local || WEB_IRI.test(term.value);
      const shown = document.createElement(linkable ? "a" : "span");
      if (linkable) shown.href = local || term.value;
      if (!local) shown.className = linkable ? "external" : "iri";
      shown.title = term.value;
      shown.textContent = shortName(term.value);
      td.appendChild(shown);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
      else if (term.datatype) td.title = shortName(term.datatype);
    }
    return td;
  }
  function showTable(data) {
    results.innerHTML = "";
    if (typeof data.boolean === "boolean") {
      results.textContent = data.boolean ? "Yes (true)" : "No (false)";
      status.textContent = "";
      return;
    }
    const vars = data.head.vars;
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const v of vars) { const th = document.createElement("th"); th.textContent = "?" + v; head.appendChild(th); }
    const body = table.createTBody();
    for (const row of data.results.bindings) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(cell(row[v]));
    }
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " result(s)";
  }
  async function run(q) {
    errorBox.hidden = true;
    status.textContent = "Running…";
    showDownloads(q);
    history.replaceState(null, "", "#query=" + encodeURIComponent(q));
    const kind = queryForm(q);
    const accept = kind === "SELECT" || kind === "ASK" ? "application/sparql-results+json" : "text/turtle";
    let response;
    try {
      response = await fetch(config.endpoint, {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        body: "query=" + encodeURIComponent(q),
      });
    } catch (err) {
      status.textContent = "";
      errorBox.textContent = "The endpoint did not answer: " + err;
      errorBox.hidden = false;
      return;
    }
    const body = await response.text();
    if (!response.ok) {
      status.textContent = "";
      results.innerHTML = "";
      errorBox.textContent = body;
      errorBox.hidden = false;
      return;
    }
    if (accept === "text/turtle") {
      results.innerHTML = "";
      const pre = document.createElement("pre");
      pre.className = "rdf";
      pre.textContent = body;
      results.appendChild(pre);
      status.textContent = "";
    } else {
      showTable(JSON.parse(body));
    }
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); run(text.value); });
  examples.addEventListener("change", function () {
    if (examples.value === "") return;
    text.value = config.prefixes + "\n" + config.examples[Number(examples.value)][1];
    showDownloads(text.value);
  });
  text.addEventListener("input", function () { showDownloads(text.value); });
  // A shared link (#query=…) fills the box but never runs by itself: whoever made the link
  // chose the query, so it runs only when the reader has seen it and pressed Run.
  const shared = new URLSearchParams(location.hash.slice(1)).get("query");
  if (shared) {
    text.value = shared;
    status.textContent = "This query came with the link: read it, then press Run query to run it.";
  }
  showDownloads(text.value);
})();

// Autocomplete for the search box: asks /search.json as the user types (same host, no network beyond it).
(function () {
  "use strict";
  const box = document.getElementById("search-box");
  const list = document.getElementById("suggestions");
  if (!box || !list) return;
  let timer = null;
  let seq = 0;
  function clear() { list.innerHTML = ""; list.hidden = true; }
  function show(results) {
    list.innerHTML = "";
    for (const r of results) {
      const li = document.createElement("li");
      // Our own page, else the IRI itself when it is http(s); any other IRI stays text.
      const href = r.url || (/^https?:\/\//i.test(r.iri) ? r.iri : null);
      const a = document.createElement(href ? "a" : "span");
      if (href) a.href = href;
      a.textContent = r.label;
      li.appendChild(a);
      if (r.type) {
        const t = document.createElement("span");
        t.className = "type";
        t.textContent = r.type;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(t);
      }
      list.appendChild(li);
    }
    list.hidden = results.length === 0;
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    const q = box.value.trim();
    if (!q) { clear(); return; }
    timer = setTimeout(async function () {
      const mine = ++seq;
      const response = await fetch(box.dataset.suggest + "?limit=8&q=" + encodeURIComponent(q));
      if (!response.ok || mine !== seq) return;
      show((await response.json()).results);
    }, 120);
  });
  box.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
  document.addEventListener("click", function (e) { if (!list.contains(e.target) && e.target !== box) clear(); });
})();

// Start-up: the data inlined in the page, the live server's API (or the export's inlined passes),
// and the selection state.

(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const info = data.info;
  const app = { info, live: data.live, result: null, selection: null, layers: [], views: [], tableCache: {},
                pending: null, busy: false };

  app.exampleIndices = () => (data.live ? info.examples.labels.map((_, i) => i) : data.passes.map((p) => p.example));

  app.show = function (result, request) {
    app.result = result;
    app.selection = null;
    document.getElementById("details").replaceChildren(MT.el("p", { class: "empty",
      text: info.mode === "sentence" ? "Click a cell of a filter map to see its arithmetic." :
        "Click any unit of a layer to see how it was computed from the layer it reads." }));
    MT.markExample(request && request.example !== undefined ? request.example : -1);
    if (info.mode === "sentence") {
      MT.renderSentence(app, result);
      if (app.sentenceInput && request && request.example !== undefined) app.sentenceInput.value = info.examples.sentences[request.example];
    } else MT.renderNetwork(app, result);
    document.getElementById("prediction").replaceChildren(
      MT.probabilities(result.probabilities, info.classes, result.predicted, result.label));
    const name = info.classes[result.predicted], p = (100 * result.probabilities[result.predicted]).toFixed(1);
    const truth = result.label !== null && result.label !== undefined ? ` · label ${info.classes[result.label]}` : "";
    MT.status(`prediction ${name} (${p}%)${truth}`);
    document.body.dataset.pass = result.pass;
  };

  app.explain = async function (request) {
    if (!data.live) {
      const found = data.passes.find((p) => p.example === request.example);
      if (found) app.show(found, request);
      return;
    }
    if (app.busy) { app.pending = request; return; }  // keep only the latest while one runs
    app.busy = true;
    try {
      const response = await fetch("api/explain", { method: "POST", headers: { "Content-Type": "application/json" },
                                                    body: JSON.stringify(request) });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || response.statusText);
      app.show(body, request);
    } catch (error) {
      MT.status(error.message, true);
    } finally {
      app.busy = false;
      if (app.pending) { const next = app.pending; app.pending = null; app.explain(next); }
    }
  };

  app.tables = async function (layer) {
    const result = app.result;
    if (!data.live) return app.decodeTables(result.tables[String(layer)]);
    const key = `${result.pass}/${layer}`;
    if (!app.tableCache[key]) {
      const response = await fetch(`api/tables?pass=${encodeURIComponent(result.pass)}&layer=${layer}`);
      const body = await response.json();
      if (!response.ok) { MT.status(body.error || response.statusText, true); return null; }
      app.tableCache = { [key]: app.decodeTables(body) };  // one layer kept: clicks stay in a layer
    }
    return app.tableCache[key];
  };

  app.decodeTables = (tables) => Object.fromEntries(Object.entries(tables).map(
    ([key, value]) => [key, value && value.b64 ? MT.decode(value) : value]));

  app.select = function (layer, unit) {
    app.selection = { layer, unit };
    MT.redraw(app);
    MT.showDetails(app, layer, unit).catch((error) => MT.status(error.message, true));
  };

  const facts = document.getElementById("run-facts");
  const accuracy = info.test_accuracy !== null ? `${(100 * info.test_accuracy).toFixed(2)}%` : "n/a";
  for (const [key, value] of [["run", info.run], ["task", info.task], ["model", info.model],
                              ["epochs", info.epochs ?? "?"], ["test accuracy", accuracy]]) {
    facts.append(MT.el("span", {}, `${key} `, MT.el("b", { text: String(value) })));
  }
  if (!data.live) facts.append(MT.el("span", { text: "· exported page (static)" }));
  MT.buildInputPanel(app);
  const first = data.first;
  if (first) app.show(first, data.live ? { example: 0 } : { example: first.example });
  else MT.status("no test examples: " + (info.mode === "image" ? "draw one" : info.mode === "sentence" ? "type a sentence" : "pass --data DIR"));
  window.minitorchExplain = app;  // for the browser tests and the curious
})();

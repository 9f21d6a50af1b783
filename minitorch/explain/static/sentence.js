// The sentence view (Kim CNN): per filter width, the n-gram that won max-over-time pooling and
// each word's contribution to a class's score; click a filter map cell for its arithmetic.

MT.renderSentence = function (app, result) {
  const root = document.getElementById("network");
  const s = result.sentence, classes = app.info.classes;
  const d = (p) => MT.decode(p);
  const view = { words: s.words, widths: s.widths.map((w) => Object.fromEntries(Object.entries(w).map(
    ([key, value]) => [key, value && value.b64 ? d(value) : value]))) };
  view.wordTotal = d(s.word_total); view.sum = d(s.sum); view.logits = d(s.logits); view.fcBias = d(s.fc_bias);
  app.sentenceView = view;
  if (app.targetClass === undefined || app.targetClass >= classes.length) app.targetClass = result.predicted;
  const c = app.targetClass, L = s.length, n = s.words.length;
  const row = (decoded) => Array.from(decoded.data.subarray(c * L, c * L + n));  // class c, the words

  const words = (values, scale, win) => MT.el("div", { class: "words" }, ...s.words.map((word, i) => {
    const rgb = MT.diverging(values[i], scale);
    return MT.el("span", { class: "word" + (s.known[i] ? "" : " unknown") + (win && i >= win[0] && i < win[1] ? " win" : ""),
                           style: `background:${MT.css(rgb)}`, title: `${word}: ${MT.signed(values[i])} to ${classes[c]}` + (s.known[i] ? "" : " (not in the vocabulary: <unk>)"),
                           text: word });
  }));
  const all = row(view.wordTotal), scale = Math.max(1e-9, MT.absMax(all));
  const tabs = MT.el("div", { class: "class-tabs" }, MT.el("span", { class: "hint", text: "contributions to the score of" }),
    ...classes.map((name, i) => MT.el("button", { class: i === c ? "primary" : "", text: name,
                                                   onclick: () => { app.targetClass = i; MT.renderSentence(app, result); } })));
  const main = MT.el("div", { class: "widths" },
    MT.el("div", {}, MT.el("h3", { text: "The sentence, every filter width together" }), tabs, words(all, scale),
      MT.el("div", { class: "legend" }, MT.el("span", { text: `−${MT.fmt(scale, 2)}` }), MT.el("i"), MT.el("span", { text: `+${MT.fmt(scale, 2)}` }),
        MT.el("span", { text: "  (what each word adds to the score, through the filters it won)" }))));
  view.widths.forEach((w, index) => main.append(MT.widthBlock(app, view, w, index, c, row, words)));
  const parts = view.widths.map((w) => `width ${w.width}: ${MT.signed(w.total.data[c], 3)}`).join("  ");
  main.append(MT.el("div", { class: "sum-line", "data-testid": "sum-line" },
    `score[${classes[c]}] = ${parts}  fc bias: ${MT.signed(view.fcBias.data[c], 3)}  = `,
    MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(view.sum.data[c]) }), "   ", MT.check(view.sum.data[c], view.logits.data[c])));
  root.replaceChildren(MT.el("div", { style: "flex:1; min-width:0; padding: 0 8px" }, main));
};

MT.widthBlock = function (app, view, w, index, c, row, words) {
  const classes = app.info.classes, n = view.words.length, k = w.width, P = w.maps.shape[1];
  // the n-gram whose winning filters gave the selected class the most (positions inside the sentence)
  let best = 0;
  for (let t = 0; t < P; t++) if (w.ngram_score.data[c * P + t] > w.ngram_score.data[c * P + best]) best = t;
  const gram = view.words.slice(best, best + k).join(" ") || "(padding)";
  const values = row(w.contributions), scale = Math.max(1e-9, MT.absMax(values));
  const block = MT.el("div", { class: "width-block", "data-width": k },
    MT.el("h3", {}, `width ${k} · ${w.filters} filters: `, MT.el("span", { class: "ngram", text: `“${gram}”` })),
    MT.el("p", { class: "hint", text: `won max-over-time pooling for ${w.win_count.data[best]} of ${w.filters} filters, ` +
      `which add ${MT.signed(w.ngram_score.data[c * P + best], 3)} to ${classes[c]}; this width adds ${MT.signed(w.total.data[c], 3)} in all ` +
      `(words ${MT.signed(w.word_sum.data[c], 3)}, filter biases ${MT.signed(w.bias_contribution.data[c], 3)}).` }),
    words(values, scale, [best, best + k]));
  // filters x positions after relu; the winner of each filter outlined; click for the arithmetic
  const F = w.filters, cellW = Math.max(6, Math.min(28, Math.floor(520 / P))), cellH = Math.max(2, Math.min(6, Math.floor(200 / F)));
  const canvas = MT.el("canvas", { class: "map", "data-width": k, title: "filters (rows) × n-gram start (columns), after relu" });
  const mapScale = MT.absMax(w.maps.data);
  const draw = (selected) => {
    MT.paint(canvas, w.maps.data, 0, F, P, cellW, cellH, (v) => MT.diverging(v, mapScale));
    if (selected) MT.outline(canvas, selected[1], selected[0], selected[1] + 1, selected[0] + 1, cellW, cellH, { color: "#111827", width: 2 });
  };
  draw(null);
  canvas.addEventListener("click", (e) => {
    const [f, t] = MT.cellAt(canvas, e, cellW, cellH);
    app.selection = { layer: -1, unit: [f, t] };
    document.querySelectorAll(".width-block canvas").forEach((other) => other !== canvas && other.dispatchEvent(new Event("unselect")));
    draw([f, t]);
    MT.sentenceUnit(app, view, w, f, t, c);
  });
  canvas.addEventListener("unselect", () => draw(null));
  block.append(MT.el("div", { class: "hint", text: `filter maps after relu: ${F} filters × ${P} positions (click one)` }), canvas);
  return block;
};

MT.sentenceUnit = function (app, view, w, f, t, c) {
  const k = w.width, P = w.maps.shape[1], words = view.words;
  const dots = Array.from(w.dots.data.subarray((f * P + t) * k, (f * P + t + 1) * k));
  const conv = w.conv.data[f * P + t], total = w.dot_total.data[f * P + t], relu = w.maps.data[f * P + t];
  const winner = w.winner.data[f], pooled = w.pooled.data[f], weight = w.fc_weight.data[c * w.filters + f];
  const terms = dots.map((v, j) => `${MT.fmt(v, 3)} (${words[t + j] === undefined ? "<pad>" : words[t + j]})`).join(" + ").replace(/\+ −/g, "− ");
  const panel = document.getElementById("details");
  panel.replaceChildren(
    MT.el("div", { class: "details-head" }, MT.el("span", { class: "where", text: `width ${k} · filter ${f} · n-gram at ${t}` }),
      MT.el("span", { class: "value", "data-testid": "unit-value", text: `value ${MT.fmt(conv)}` })),
    MT.el("p", { class: "hint", text: "each word's embedding · its column of the kernel (summed over the embedding), then the bias:" }),
    MT.el("div", { class: "sum-line", "data-testid": "sum-line" }, `conv${k}[${f}, ${t}] = ${terms} + bias ${MT.fmt(w.bias.data[f], 3)} = `,
      MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(total) }), "   ", MT.check(total, conv)),
    MT.el("div", { class: "formula", text: `relu → ${MT.fmt(relu)};  max over time of filter ${f}: position ${winner} (“${words.slice(winner, winner + k).join(" ")}”) = ${MT.fmt(pooled)};  ` +
      `fc weight to ${app.info.classes[c]}: ${MT.fmt(weight, 3)}` }));
};

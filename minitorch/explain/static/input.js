// The input panel: a drawing canvas (image runs), the test-example picker, a sentence box (text runs).

MT.sparkline = function (canvas, data, offset, length, band) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 4;
  let [low, high] = MT.range(data.subarray(offset, offset + length));
  if (high === low) { high += 1; low -= 1; }
  const x = (i) => pad + (w - 2 * pad) * (i + 0.5) / length;
  const y = (v) => h - pad - (h - 2 * pad) * (v - low) / (high - low);
  ctx.clearRect(0, 0, w, h);
  if (band) {
    ctx.fillStyle = "rgba(37,99,235,0.14)";
    const a = Math.max(0, band[0]), b = Math.min(length, band[1]);
    if (b > a) ctx.fillRect(x(a) - (w - 2 * pad) / length / 2, 0, (b - a) * (w - 2 * pad) / length, h);
  }
  ctx.strokeStyle = "#e5e7eb"; ctx.beginPath(); ctx.moveTo(pad, y(0)); ctx.lineTo(w - pad, y(0)); ctx.stroke();
  ctx.strokeStyle = "#1f2937"; ctx.lineWidth = 1.5; ctx.beginPath();
  for (let i = 0; i < length; i++) (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(i), y(data[offset + i]));
  ctx.stroke();
};

MT.buildInputPanel = function (app) {
  const panel = document.getElementById("input-panel");
  const info = app.info, shape = info.input_shape;
  panel.innerHTML = "";
  if (info.mode === "image") panel.append(MT.drawingBox(app, shape[1], shape[2]));
  if (info.mode === "sentence") panel.append(MT.sentenceBox(app));
  panel.append(MT.el("h2", { text: "Prediction", style: "margin-top:14px" }), MT.el("div", { id: "prediction" }));
  panel.append(MT.el("h2", { text: info.mode === "sentence" ? "Test sentences" : "Test examples", style: "margin-top:14px" }));
  const available = app.exampleIndices();
  if (!available.length) panel.append(MT.el("p", { class: "note", text: info.examples.note || "no test examples" }));
  const list = MT.el("div", { class: info.mode === "sentence" ? "sentences" : "examples", "data-testid": "examples" });
  const inputs = info.examples.inputs ? MT.decode(info.examples.inputs) : null;
  for (const i of available) {
    const label = info.classes[info.examples.labels[i]];
    const item = MT.el("div", { class: "example", "data-example": i, title: `test example ${i}: ${label}`,
                                onclick: () => app.explain({ example: i }) });
    if (info.mode === "sentence") {
      item.append(MT.el("span", { text: info.examples.sentences[i] }), MT.el("span", { class: "hint", text: `  (${label})` }));
    } else {
      const canvas = MT.el("canvas", { width: 56, height: 56 });
      const size = MT.size(shape), offset = i * size;
      if (info.mode === "image") {
        const [low, high] = MT.range(inputs.data.subarray(offset, offset + size));
        MT.paint(canvas, inputs.data, offset, shape[1], shape[2], 1, 1, (v) => MT.grayscale(v, low, high));
      } else {
        canvas.width = 112; canvas.height = 48;
        MT.sparkline(canvas, inputs.data, offset, shape[1]);
      }
      item.append(canvas, MT.el("span", { text: label }));
    }
    list.append(item);
  }
  panel.append(list);
  if (info.mode !== "sentence" && app.live) {
    panel.append(MT.el("div", { class: "run-images" }, MT.el("h2", { text: "Training curves", style: "margin-top:14px" }),
      MT.el("img", { src: "run/curves.png", alt: "loss and accuracy per epoch", onerror: (e) => e.target.parentNode.remove() })));
  }
};

MT.markExample = function (index) {
  for (const node of document.querySelectorAll(".example")) {
    node.classList.toggle("active", Number(node.dataset.example) === index);
  }
};

MT.drawingBox = function (app, rows, cols) {
  const box = MT.el("div");
  box.append(MT.el("h2", { text: "Draw" }));
  if (!app.live) {
    box.append(MT.el("p", { class: "hint", text: "This is an exported page: pick one of its examples below. " +
      "Drawing your own needs the live page (minitorch explain RUN)." }));
    return box;
  }
  const canvas = MT.el("canvas", { id: "draw", width: 280, height: 280, "data-testid": "draw" });
  const ctx = canvas.getContext("2d");
  const clear = () => { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height); };
  clear();
  const brush = Math.max(14, (canvas.width / Math.max(rows, cols)) * 1.7);
  let drawing = false, last = null, timer = null;
  const pixels = () => {
    const small = MT.el("canvas", { width: cols, height: rows });
    const sctx = small.getContext("2d");
    sctx.imageSmoothingEnabled = true; sctx.imageSmoothingQuality = "high";
    sctx.drawImage(canvas, 0, 0, cols, rows);
    const data = sctx.getImageData(0, 0, cols, rows).data, out = new Array(rows * cols);
    for (let i = 0; i < rows * cols; i++) out[i] = Math.round(1000 * data[4 * i] / 255) / 1000;
    return out;
  };
  const send = () => { timer = null; app.explain({ pixels: pixels() }); };
  const point = (event) => {
    const r = canvas.getBoundingClientRect();
    return [(event.clientX - r.left) * canvas.width / r.width, (event.clientY - r.top) * canvas.height / r.height];
  };
  const stroke = (to) => {
    ctx.strokeStyle = "#fff"; ctx.lineWidth = brush; ctx.lineCap = "round"; ctx.lineJoin = "round";
    ctx.beginPath(); ctx.moveTo(...(last || to)); ctx.lineTo(...to); ctx.stroke();
    last = to;
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (!drawing && app.drawnFresh) { clear(); app.drawnFresh = false; }
    drawing = true; last = null; canvas.setPointerCapture(e.pointerId); stroke(point(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    stroke(point(e));
    if (!timer) timer = setTimeout(send, 60);  // explain while drawing, at most every 60 ms
  });
  const end = () => { if (!drawing) return; drawing = false; clearTimeout(timer); send(); };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  box.append(canvas, MT.el("div", { class: "row" },
    MT.el("button", { text: "Clear", onclick: () => { clear(); send(); } }),
    MT.el("span", { class: "hint", text: "draw in white; it runs as you draw" })));
  return box;
};

MT.sentenceBox = function (app) {
  const box = MT.el("div");
  box.append(MT.el("h2", { text: "Sentence" }));
  if (!app.live) {
    box.append(MT.el("p", { class: "hint", text: "Exported page: pick a sentence below; typing your own needs " +
      "the live page (minitorch explain RUN)." }));
    return box;
  }
  const text = MT.el("textarea", { rows: 3, maxlength: app.info.max_sentence_chars, "data-testid": "sentence",
                                   placeholder: "type a sentence, e.g. a gorgeous , witty , seductive movie ." });
  const go = () => app.explain({ sentence: text.value });
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); go(); } });
  app.sentenceInput = text;
  box.append(text, MT.el("div", { class: "row" }, MT.el("button", { class: "primary", text: "Explain", onclick: go }),
    MT.el("span", { class: "hint", text: "Enter runs the model" })));
  return box;
};

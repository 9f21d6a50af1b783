// The network view of image and signal runs: one column per layer, left to right, then the
// class probabilities. A click selects a unit; its receptive field is outlined on the layer it
// reads (solid) and on the input (dashed).

// Window of output position `pos` in the layer it reads: [start, end) per spatial dim.
MT.window = function (geometry, pos) {
  return pos.map((p, d) => {
    const start = p * geometry.stride[d] - geometry.padding[d];
    return [start, start + geometry.dilation[d] * (geometry.kernel[d] - 1) + 1];
  });
};

// Receptive field of [start, end) ranges of `layer` in the layer it reads (null: the whole input).
MT.fieldBelow = function (layer, ranges) {
  if (layer.kind === "conv" || layer.kind === "maxpool" || layer.kind === "avgpool") {
    const g = layer.info.geometry;
    return ranges.map(([a, b], d) => [a * g.stride[d] - g.padding[d],
                                      (b - 1) * g.stride[d] - g.padding[d] + g.dilation[d] * (g.kernel[d] - 1) + 1]);
  }
  if (layer.kind === "activation" || layer.kind === "softmax") return ranges;
  return null;
};

// The selected unit's receptive field on layer 0, walking the sources down.
MT.inputField = function (layers, index, pos) {
  let ranges = pos.map((p) => [p, p + 1]);
  while (index > 0) {
    const layer = layers[index];
    if (layer.shape.length === 1 || layer.source === null) return null;
    ranges = MT.fieldBelow(layer, ranges);
    if (!ranges) return null;
    index = layer.source;
  }
  return ranges;
};

MT.layerLayout = function (layer, isInput, mode) {
  const s = layer.shape;
  if (s.length === 1) {
    const n = s[0];
    if (n <= 16) return { rows: true };
    const perRow = n <= 128 ? 8 : n <= 512 ? 16 : 32;
    return { grid: true, perRow, cell: Math.max(3, Math.min(12, Math.floor(100 / perRow))) };
  }
  if (s.length === 2) {  // (C, L): one heatmap, channels as rows
    return { strip: true, cellW: Math.max(3, Math.min(14, Math.floor((isInput ? 230 : 170) / s[1]))),
             cellH: isInput ? 18 : Math.max(3, Math.min(14, Math.floor(260 / s[0]))) };
  }
  const [c, h, w] = s, side = Math.max(h, w);
  const target = isInput ? 112 : c <= 8 ? 68 : c <= 16 ? 50 : 36;
  const cell = Math.max(1, Math.min(14, Math.floor(target / side)));
  const perCol = 8;
  return { maps: true, cell, columns: Math.ceil(c / perCol) };
};

MT.renderNetwork = function (app, result) {
  const root = document.getElementById("network");
  root.innerHTML = "";
  app.views = [];
  const layers = result.layers.map((layer) => ({ ...layer, decoded: MT.decode(layer.values) }));
  app.layers = layers;
  layers.forEach((layer, index) => {
    root.append(MT.layerColumn(app, layer, index));
  });
  const key = `${layers.map((layer) => layer.shape.join("x")).join("|")}@${root.clientWidth}`;
  MT.zoom = app.zoomKey === key ? app.zoom : 1;  // the same layout as last time: its zoom is known
  MT.redraw(app);
  // shrink the maps until every layer fits (the headers' text does not shrink: a few rounds)
  for (let round = 0; app.zoomKey !== key && round < 4 && root.scrollWidth > root.clientWidth && MT.zoom > 0.5; round++) {
    MT.zoom = Math.max(0.5, 0.97 * MT.zoom * root.clientWidth / root.scrollWidth);
    MT.redraw(app);
  }
  app.zoomKey = key; app.zoom = MT.zoom;
};

MT.layerColumn = function (app, layer, index) {
  const isInput = index === 0, data = layer.decoded.data;
  const kindNames = { conv: "conv", maxpool: "max pool", avgpool: "avg pool", activation: layer.info.function,
                      flatten: "flatten", linear: "linear", softmax: layer.info.log ? "log-softmax" : "softmax", input: "input" };
  const column = MT.el("div", { class: `layer kind-${layer.kind}`, "data-layer": index, "data-name": layer.name },
    MT.el("div", { class: "layer-head" }, MT.el("div", { class: "name", text: layer.name }),
      MT.el("div", { class: "meta", text: kindNames[layer.kind] || layer.type }),
      MT.el("div", { class: "meta", text: layer.shape.join("×") })));
  const layout = MT.layerLayout(layer, isInput, app.info.mode);
  const [low, high] = MT.range(data), scale = MT.absMax(data);
  const color = isInput && app.info.mode === "image" ? (v) => MT.grayscale(v, low, high) : (v) => MT.diverging(v, scale);
  const view = { layer, index, canvases: [], layout, color };
  if (layout.rows) {
    const box = MT.el("div", { class: "vector-rows" });
    for (let i = 0; i < layer.shape[0]; i++) {
      const label = index === app.layers.length - 1 && layer.shape[0] === app.info.classes.length ? app.info.classes[i] : i;
      const row = MT.el("div", { class: "unit", "data-unit": i, onclick: () => app.select(index, [i]) },
        MT.el("span", { class: "swatch", style: `background:${MT.css(color(data[i]))}` }),
        MT.el("span", { text: `${label}: ${MT.fmt(data[i], 3)}` }));
      box.append(row);
      view.canvases.push(row);
    }
    column.append(box);
  } else if (layout.grid) {
    const n = layer.shape[0], rows = Math.ceil(n / layout.perRow);
    const padded = new Float64Array(rows * layout.perRow).fill(NaN);
    padded.set(data);
    const canvas = MT.el("canvas", { class: "map", "data-channel": 0 });
    canvas.addEventListener("click", (e) => {
      const [r, c] = MT.cellAt(canvas, e, layout.cell, layout.cell);
      const i = r * layout.perRow + c;
      if (i < n) app.select(index, [i]);
    });
    view.paint = () => MT.paint(canvas, padded, 0, rows, layout.perRow, layout.cell, layout.cell,
                                (v) => (Number.isNaN(v) ? [255, 255, 255] : color(v)));
    view.canvases.push(canvas);
    column.append(canvas);
  } else if (layout.strip) {
    const [c, length] = layer.shape;
    if (isInput) {
      const line = MT.el("canvas", { width: length * layout.cellW, height: 110, class: "signal" });
      view.line = line;
      column.append(line);
    }
    const canvas = MT.el("canvas", { class: "map", "data-channel": 0 });
    canvas.addEventListener("click", (e) => {
      const [r, t] = MT.cellAt(canvas, e, layout.cellW, layout.cellH);
      app.select(index, [r, t]);
    });
    view.paint = () => MT.paint(canvas, data, 0, c, length, layout.cellW, layout.cellH, color);
    view.canvases.push(canvas);
    column.append(canvas);
  } else {
    const [c, h, w] = layer.shape;
    const grid = MT.el("div", { class: "maps", style: `grid-template-columns: repeat(${layout.columns}, auto)` });
    const perCol = Math.ceil(c / layout.columns);
    grid.style.gridTemplateRows = `repeat(${perCol}, auto)`;
    grid.style.gridAutoFlow = "column";
    for (let ch = 0; ch < c; ch++) {
      const canvas = MT.el("canvas", { class: "map", "data-channel": ch, title: `${layer.name} channel ${ch}` });
      canvas.addEventListener("click", (e) => {
        const [y, x] = MT.cellAt(canvas, e, layout.cell, layout.cell);
        app.select(index, [ch, y, x]);
      });
      view.canvases.push(canvas);
      grid.append(canvas);
    }
    view.paint = () => view.canvases.forEach((canvas, ch) =>
      MT.paint(canvas, data, ch * h * w, h, w, layout.cell, layout.cell, color));
    column.append(grid);
  }
  app.views.push(view);
  return column;
};

MT.cellAt = function (canvas, event, cellW, cellH) {
  const r = canvas.getBoundingClientRect();
  const x = (event.clientX - r.left) * canvas.width / r.width, y = (event.clientY - r.top) * canvas.height / r.height;
  return [Math.floor(y / cellH), Math.floor(x / cellW)];
};

// Repaint every map and the selection's outlines.
MT.redraw = function (app) {
  const sel = app.selection;
  for (const view of app.views) {
    if (view.paint) view.paint();
    if (view.line) MT.sparkline(view.line, view.layer.decoded.data, 0, view.layer.shape[1], null);
    if (view.layout.rows) view.canvases.forEach((row, i) => row.classList.toggle("selected", !!sel && sel.layer === view.index && sel.unit[0] === i));
  }
  if (!sel) return;
  const layers = app.layers, layer = layers[sel.layer];
  const mark = (view, unit, ranges, style) => MT.mark(view, unit, ranges, style);
  mark(app.views[sel.layer], sel.unit, null, { color: "#111827", width: 2 });
  if (layer.shape.length > 1 && layer.source !== null) {
    const below = MT.fieldBelow(layer, sel.unit.slice(1).map((p) => [p, p + 1]));
    const sourceView = app.views[layer.source];
    if (below && sourceView) {
      let channels = [sel.unit[0]];
      if (layer.kind === "conv") {
        const inC = layers[layer.source].shape[0], outC = layer.shape[0], groups = layer.info.groups;
        const g = Math.floor(sel.unit[0] / (outC / groups)), cg = inC / groups;
        channels = Array.from({ length: cg }, (_, i) => g * cg + i);
      }
      for (const ch of channels) mark(sourceView, [ch], below, { color: "#dc2626", width: 2, fill: "rgba(220,38,38,0.12)" });
    }
    const field = MT.inputField(layers, sel.layer, sel.unit.slice(1));
    if (field && layer.source !== 0) {
      for (let ch = 0; ch < layers[0].shape[0]; ch++) mark(app.views[0], [ch], field, { color: "#2563eb", width: 2, dash: [4, 3] });
    }
  } else if (layer.kind === "flatten" && layer.source !== null) {
    const from = layer.info.from_shape, i = sel.unit[0], spatial = MT.size(from.slice(1));
    const pos = [], rest = i % spatial;
    let div = spatial;
    for (const s of from.slice(1)) { div /= s; pos.push(Math.floor(rest / div) % s); }
    mark(app.views[layer.source], [Math.floor(i / spatial)], pos.map((p) => [p, p + 1]), { color: "#dc2626", width: 2 });
  }
};

// Outline `ranges` ([start, end) per spatial dim) or the single unit on a view's canvas.
MT.mark = function (view, unit, ranges, style) {
  const layout = view.layout, shape = view.layer.shape;
  if (layout.rows) return;
  if (layout.grid) {
    const i = unit[0], r = Math.floor(i / layout.perRow), c = i % layout.perRow;
    MT.outline(view.canvases[0], c, r, c + 1, r + 1, layout.cell, layout.cell, style);
  } else if (layout.strip) {
    const ch = unit[0];
    const [a, b] = ranges ? ranges[0] : [unit[1], unit[1] + 1];
    MT.outline(view.canvases[0], Math.max(0, a), ch, Math.min(shape[1], b), ch + 1, layout.cellW, layout.cellH, style);
    if (view.line && ranges) MT.sparkline(view.line, view.layer.decoded.data, 0, shape[1], [a, b]);
  } else {
    const canvas = view.canvases[unit[0]];
    const [[y0, y1], [x0, x1]] = ranges || [[unit[1], unit[1] + 1], [unit[2], unit[2] + 1]];
    MT.outline(canvas, Math.max(0, x0), Math.max(0, y0), Math.min(shape[2], x1), Math.min(shape[1], y1),
               layout.cell, layout.cell, style);
  }
};

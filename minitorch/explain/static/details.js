// The details panel: the arithmetic of the selected unit, every number from the server's tables
// (products, sums, winners) or the recorded maps (patch, values). Nothing is recomputed here.

MT.flatIndex = (shape, index) => index.reduce((acc, i, d) => acc * shape[d] + i, 0);

MT.gridTable = function (values, rows, cols, options = {}) {
  const table = MT.el("table", { class: "grid" });
  const scale = options.scale !== undefined ? options.scale : MT.absMax(values.filter((v) => Number.isFinite(v)));
  for (let r = 0; r < rows; r++) {
    const tr = MT.el("tr");
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c, v = values[i];
      const padded = options.padded && options.padded[i];
      const td = MT.el("td", { class: (padded ? "pad" : "") + (options.winner === i ? " win" : ""),
                               text: padded ? "0 (pad)" : MT.fmt(v, 3) });
      if (!padded && Number.isFinite(v)) {
        const rgb = MT.diverging(v, scale);
        td.style.background = `rgba(${rgb[0]},${rgb[1]},${rgb[2]},0.55)`;
      }
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
};

MT.block = (caption, node) => MT.el("div", { class: "grid-block" }, node, MT.el("span", { class: "cap", text: caption }));

MT.check = function (total, value) {
  const ok = Math.abs(total - value) <= 1e-4 * Math.max(1, Math.abs(value));
  return MT.el("span", { class: ok ? "ok" : "off", "data-testid": "check",
                         text: ok ? "✓ equals the unit's value from the forward pass" : "✗ differs from the forward pass" });
};

// Values of the source map in one window (null where the window hangs over the edge: padding).
MT.gatherWindow = function (source, channel, ranges, geometry) {
  const spatial = source.shape.slice(1), data = source.decoded.data, values = [], padded = [];
  const dims = geometry.kernel.length, base = channel * MT.size(spatial);
  const walk = (d, offset, inside) => {
    for (let k = 0; k < geometry.kernel[d]; k++) {
      const p = ranges[d][0] + k * geometry.dilation[d], ok = inside && p >= 0 && p < spatial[d];
      const next = offset * spatial[d] + (ok ? p : 0);
      if (d + 1 < dims) walk(d + 1, next, ok);
      else { values.push(ok ? data[base + next] : 0); padded.push(!ok); }
    }
  };
  walk(0, 0, true);
  return { values, padded };
};

MT.showDetails = async function (app, index, unit) {
  const panel = document.getElementById("details");
  const layer = app.layers[index], flat = MT.flatIndex(layer.shape, unit), value = layer.decoded.data[flat];
  const where = layer.shape.length === 1 ? `unit ${unit[0]}`
    : layer.shape.length === 2 ? `channel ${unit[0]} · position ${unit[1]}` : `channel ${unit[0]} · row ${unit[1]}, col ${unit[2]}`;
  const head = MT.el("div", { class: "details-head" }, MT.el("span", { class: "where", text: `${layer.name} · ${where}` }),
    MT.el("span", { class: "value", "data-testid": "unit-value", text: `value ${MT.fmt(value)}` }));
  const body = MT.el("div");
  panel.replaceChildren(head, body);
  const tables = ["conv", "maxpool", "avgpool", "linear"].includes(layer.kind) ? await app.tables(index) : null;
  if (app.selection === null || app.selection.layer !== index || app.selection.unit !== unit) return;  // clicked on
  const source = layer.source !== null ? app.layers[layer.source] : null;
  const explain = MT.explainers[layer.kind];
  if (explain) explain(body, { app, layer, unit, flat, value, tables, source });
  else body.append(MT.el("p", { class: "empty", text: `${layer.type}: the value from the forward pass (no arithmetic shown for this kind of layer).` }));
};

MT.explainers = {};

MT.explainers.input = function (body, { app, value }) {
  const how = app.info.mode === "image" ? "the pixel as the model sees it (after the task's preprocessing)" : "the signal's value";
  body.append(MT.el("div", { class: "sum-line", "data-testid": "sum-line" }, `input = ${MT.fmt(value)}: ${how}`));
};

MT.explainers.conv = function (body, { layer, unit, value, tables, source }) {
  const products = tables.products, geometry = layer.info.geometry, spatial = geometry.kernel;
  const k = MT.size(spatial), cg = tables.weight.shape[1], pos = unit.slice(1), o = unit[0];
  const outSpatial = layer.shape.slice(1), p = MT.flatIndex(outSpatial, pos);
  const unitOffset = (o * MT.size(outSpatial) + p) * cg;  // into channel_sums
  const sums = Array.from(tables.channel_sums.data.subarray(unitOffset, unitOffset + cg));
  const total = tables.total.data[o * MT.size(outSpatial) + p], bias = tables.bias.data[o];
  const group = Math.floor(o / (layer.shape[0] / layer.info.groups));
  const ranges = MT.window(geometry, pos);
  let chosen = sums.reduce((best, s, i) => (Math.abs(s) > Math.abs(sums[best]) ? i : best), 0);
  const rows = spatial.length === 2 ? spatial[0] : 1, cols = spatial[spatial.length - 1];
  const channelBox = MT.el("div");
  const showChannel = (c) => {
    chosen = c;
    const patch = MT.gatherWindow(source, group * cg + c, ranges, geometry);
    const kernel = Array.from(tables.weight.data.subarray((o * cg + c) * k, (o * cg + c + 1) * k));
    const input = `${source.name}[${group * cg + c}]`;
    const eq = MT.el("div", { class: "eq" },
      MT.block(`input patch: ${input}`, MT.gridTable(patch.values, rows, cols, { padded: patch.padded })), MT.el("span", { class: "op", text: "⊙" }),
      MT.block(`kernel: weight[${o}, ${c}]`, MT.gridTable(kernel, rows, cols)));
    if (products) {
      const prod = Array.from(products.data.subarray((unitOffset + c) * k, (unitOffset + c + 1) * k));
      eq.append(MT.el("span", { class: "op", text: "=" }), MT.block("products", MT.gridTable(prod, rows, cols)));
    }
    eq.append(MT.el("span", { class: "op", text: "→ Σ" }), MT.el("span", { class: "value", text: MT.fmt(sums[c]) }));
    if (!products) eq.append(MT.el("span", { class: "hint", text: "(products one by one: in the live page; the export keeps only their sums)" }));
    const children = [eq];
    if (spatial.length === 1) {  // the course's 1-D formula, written out
      const terms = kernel.map((w, j) => `${MT.fmt(w, 3)}·${patch.padded[j] ? "0" : MT.fmt(patch.values[j], 3)}`);
      children.push(MT.el("div", { class: "formula", text: `Σ_j weight[${o}, ${c}, j] · ${input}[${pos[0]}·${geometry.stride[0]} − ${geometry.padding[0]} + j] = ` + terms.join(" + ") + ` = ${MT.fmt(sums[c])}` }));
    }
    channelBox.replaceChildren(...children);
    chips.querySelectorAll(".chip").forEach((chip, i) => chip.classList.toggle("active", i === c));
  };
  const chips = MT.el("div", { class: "chips" });
  if (cg > 1) sums.forEach((s, c) => chips.append(MT.el("span", { class: "chip", text: `in ${group * cg + c}: ${MT.signed(s, 3)}`, onclick: () => showChannel(c) })));
  body.append(MT.el("p", { class: "hint", text: `${layer.name} slides a ${spatial.join("×")} kernel over ${cg} input channel${cg > 1 ? "s" : ""} of ${source.name} (stride ${geometry.stride.join("×")}, padding ${geometry.padding.join("×")}, zeros past the edge). ` + (cg > 1 ? "Each input channel contributes patch ⊙ kernel; pick one:" : "") }), chips, channelBox);
  showChannel(chosen);
  body.append(MT.el("div", { class: "sum-line", "data-testid": "sum-line" },
    `Σ over ${cg} channel${cg > 1 ? "s" : ""} (${sums.map((s) => MT.fmt(s, 3)).join(" + ").replace(/\+ −/g, "− ")}) + bias ${MT.fmt(bias)} = `,
    MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(total) }), "   ", MT.check(total, value)));
};

MT.explainers.maxpool = function (body, { layer, unit, value, tables, source }) {
  const geometry = layer.info.geometry, pos = unit.slice(1), outSpatial = layer.shape.slice(1);
  const i = unit[0] * MT.size(outSpatial) + MT.flatIndex(outSpatial, pos);
  const patch = MT.gatherWindow(source, unit[0], MT.window(geometry, pos), geometry);
  const winner = tables.winner.data[i], spatial = geometry.kernel;
  const rows = spatial.length === 2 ? spatial[0] : 1, cols = spatial[spatial.length - 1];
  body.append(MT.el("p", { class: "hint", text: `max pooling keeps the largest value of each ${spatial.join("×")} window of ${source.name}[${unit[0]}]; the winner is outlined.` }),
    MT.el("div", { class: "eq" }, MT.block(`window of ${source.name}[${unit[0]}]`,
      MT.gridTable(patch.values.map((v, j) => (patch.padded[j] ? -Infinity : v)), rows, cols, { winner })),
      MT.el("span", { class: "op", text: "→ max" }), MT.el("span", { class: "value", text: MT.fmt(tables.total.data[i]) })),
    MT.el("div", { class: "sum-line", "data-testid": "sum-line" }, `max = `, MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(tables.total.data[i]) }),
      ` (window position ${winner})   `, MT.check(tables.total.data[i], value)));
};

MT.explainers.avgpool = function (body, { layer, unit, value, tables, source }) {
  const geometry = layer.info.geometry, pos = unit.slice(1), outSpatial = layer.shape.slice(1);
  const i = unit[0] * MT.size(outSpatial) + MT.flatIndex(outSpatial, pos);
  const patch = MT.gatherWindow(source, unit[0], MT.window(geometry, pos), geometry);
  const spatial = geometry.kernel, rows = spatial.length === 2 ? spatial[0] : 1, cols = spatial[spatial.length - 1];
  body.append(MT.el("p", { class: "hint", text: `average pooling takes the mean of each ${spatial.join("×")} window of ${source.name}[${unit[0]}].` }),
    MT.el("div", { class: "eq" }, MT.block(`window of ${source.name}[${unit[0]}]`, MT.gridTable(patch.values, rows, cols, { padded: patch.padded }))),
    MT.el("div", { class: "sum-line", "data-testid": "sum-line" },
      `sum ${MT.fmt(tables.sum.data[i])} / ${tables.count.data[i]} = `, MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(tables.total.data[i]) }),
      "   ", MT.check(tables.total.data[i], value)));
};

MT.explainers.activation = function (body, { layer, flat, value, source }) {
  const x = source.decoded.data[flat], f = layer.info.function;
  const formula = { relu: "max(0, x)", tanh: "tanh(x)", sigmoid: "1 / (1 + e^(−x))" }[f];
  body.append(MT.el("div", { class: "sum-line", "data-testid": "sum-line" },
    `${f}(x) = ${formula}:  ${f}(${MT.fmt(x)}) = `, MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(value) }),
    `   (x is the same unit of ${source.name})`));
};

MT.explainers.flatten = function (body, { layer, unit, value, source }) {
  const from = layer.info.from_shape, spatial = MT.size(from.slice(1)), i = unit[0];
  const pos = [];
  let rest = i % spatial;
  for (const s of from.slice(1).reverse()) { pos.unshift(rest % s); rest = Math.floor(rest / s); }
  body.append(MT.el("div", { class: "sum-line", "data-testid": "sum-line" },
    `unit ${i} = ${source.name}[${Math.floor(i / spatial)}, ${pos.join(", ")}] = `, MT.el("b", { text: MT.fmt(value) }),
    `   (flatten lays the ${from.join("×")} maps out channel by channel, row by row)`));
};

MT.explainers.linear = function (body, { layer, unit, value, tables, source }) {
  const n = tables.inputs, o = unit[0], count = tables.top.shape[1], at = (t, j) => t.data[o * count + j];
  const total = tables.total.data[o], bias = tables.bias.data[o], x = source.decoded.data;
  const table = MT.el("table", { class: "grid" }, MT.el("tr", {}, ...["input", "x", "weight", "product"].map((t) => MT.el("td", { text: t }))));
  const shown = [];
  for (let j = 0; j < count; j++) {
    const i = at(tables.top, j);
    shown.push(MT.fmt(at(tables.top_products, j), 3));
    table.append(MT.el("tr", {}, MT.el("td", { text: `${source.name}[${i}]` }), MT.el("td", { text: MT.fmt(x[i], 3) }),
      MT.el("td", { text: MT.fmt(at(tables.top_weight, j), 3) }), MT.el("td", { text: MT.fmt(at(tables.top_products, j), 3) })));
  }
  const more = n > count ? ` + (${n - count} more products: ${MT.fmt(tables.rest.data[o], 3)})` : "";
  body.append(MT.el("p", { class: "hint", text: `${layer.name} unit ${o} = Σ_i weight[${o}, i] · x[i] + bias over ${n} inputs; the ${count} largest products:` }), table,
    MT.el("div", { class: "sum-line", "data-testid": "sum-line" },
      `${shown.join(" + ")}${more} + bias ${MT.fmt(bias)} = `.replace(/\+ −/g, "− "),
      MT.el("b", { "data-testid": "unit-sum", text: MT.fmt(total) }), "   ", MT.check(total, value)));
};

MT.explainers.softmax = function (body, { layer, value }) {
  const f = layer.info.log ? "log_softmax(x)[i] = x[i] − log Σ_j e^x[j]" : "softmax(x)[i] = e^x[i] / Σ_j e^x[j]";
  body.append(MT.el("div", { class: "sum-line", "data-testid": "sum-line" }, `${f} = `, MT.el("b", { text: MT.fmt(value) })));
};

"use strict";
// minitorch explain: shared helpers. Every number on this page comes from the server's forward
// pass (or the export's inlined copy of it); this code only decodes, lays out and colours.
const MT = {};

MT.decode = function (payload) {
  // {dtype: "f4" | "f8" | "i4", shape, b64} -> {data: typed array, shape}
  const raw = atob(payload.b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const Kind = { f4: Float32Array, f8: Float64Array, i4: Int32Array }[payload.dtype];
  return { data: new Kind(bytes.buffer), shape: payload.shape };
};

MT.zoom = 1;  // the network view shrinks its maps (not their pixels) to fit the window

MT.size = (shape) => shape.reduce((a, b) => a * b, 1);

MT.el = function (tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

MT.fmt = function (value, digits = 4) {
  if (value === -Infinity) return "−∞";
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size !== 0 && (size < 1e-3 || size >= 1e5)) return value.toExponential(2).replace("-", "−");
  return value.toFixed(digits).replace("-", "−");
};

MT.signed = (value, digits = 4) => (value >= 0 ? "+" : "") + MT.fmt(value, digits);

// Colours: blue for negative, near-white for zero, orange for positive (one scale per layer).
MT.diverging = function (value, scale) {
  const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const low = [43, 108, 176], mid = [247, 247, 247], high = [194, 65, 12];
  const end = t < 0 ? low : high, a = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(mid[i] + (end[i] - mid[i]) * a));
};

MT.grayscale = function (value, low, high) {
  const t = high > low ? (value - low) / (high - low) : 0;
  const v = Math.round(255 * (1 - Math.max(0, Math.min(1, t))));  // ink dark on paper
  return [v, v, v];
};

MT.css = (rgb) => `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;

MT.range = function (data) {
  let low = Infinity, high = -Infinity;
  for (const v of data) { if (v < low) low = v; if (v > high) high = v; }
  return [low, high];
};

MT.absMax = function (data) {
  let m = 0;
  for (const v of data) m = Math.max(m, Math.abs(v));
  return m;
};

// A rows x cols block of `data` starting at `offset`, painted as pixels then scaled up by `cell`.
MT.paint = function (canvas, data, offset, rows, cols, cellW, cellH, color) {
  const native = MT.scratch || (MT.scratch = document.createElement("canvas"));  // one scratch canvas for all maps
  native.width = cols; native.height = rows;
  const ctx = native.getContext("2d");
  const image = ctx.createImageData(cols, rows), pixels = image.data;
  for (let i = 0; i < rows * cols; i++) {
    const rgb = color(data[offset + i]);
    pixels[4 * i] = rgb[0]; pixels[4 * i + 1] = rgb[1]; pixels[4 * i + 2] = rgb[2]; pixels[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  canvas.width = cols * cellW; canvas.height = rows * cellH;
  canvas.style.width = `${canvas.width * MT.zoom}px`; canvas.style.height = `${canvas.height * MT.zoom}px`;
  const out = canvas.getContext("2d");
  out.imageSmoothingEnabled = false;
  out.drawImage(native, 0, 0, canvas.width, canvas.height);
};

MT.outline = function (canvas, x0, y0, x1, y1, cellW, cellH, style) {
  // cells [x0, x1) x [y0, y1), clipped to the canvas
  const ctx = canvas.getContext("2d");
  ctx.save();
  ctx.strokeStyle = style.color; ctx.lineWidth = style.width || 2;
  if (style.dash) ctx.setLineDash(style.dash);
  if (style.fill) { ctx.fillStyle = style.fill; ctx.fillRect(x0 * cellW, y0 * cellH, (x1 - x0) * cellW, (y1 - y0) * cellH); }
  const w = ctx.lineWidth / 2;
  ctx.strokeRect(x0 * cellW + w, y0 * cellH + w, (x1 - x0) * cellW - 2 * w, (y1 - y0) * cellH - 2 * w);
  ctx.restore();
};

MT.probabilities = function (probs, classes, predicted, label) {
  const box = MT.el("div", { class: "probs", "data-testid": "probabilities" });
  probs.forEach((p, i) => {
    const row = MT.el("div", { class: "prob" + (i === predicted ? " top" : "") + (i === label ? " truth" : ""),
                               "data-class": classes[i], "data-p": p.toFixed(6) },
      MT.el("span", { class: "label", text: classes[i], title: classes[i] }),
      MT.el("span", { class: "bar" }, MT.el("i", { style: `width:${(100 * p).toFixed(1)}%` })),
      MT.el("span", { class: "pct", text: (100 * p).toFixed(1) + "%" }));
    box.append(row);
  });
  return box;
};

MT.status = function (text, isError) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.classList.toggle("error", !!isError);
};

// Plain SVG charts: light, offline and styled by dashboard.css. Each bar
// carries data-key and data-count so that tests (and curious users) can read
// the figures back.
import { svg, el, fmt } from "./dom.js";

// Horizontal bars, one row per item {key, label, count}, largest first.
export function hbars(items, { max = 15, emptyText = "Nothing matches." } = {}) {
  if (!items.length) return el("p", { class: "empty", text: emptyText });
  const shown = items.slice(0, max);
  const top = Math.max(...shown.map((i) => i.count), 1);
  const row = 24, labelW = 190, barW = 300, countW = 56;
  const chart = svg("svg", {
    class: "chart hbars", role: "img",
    viewBox: `0 0 ${labelW + barW + countW} ${shown.length * row}`,
    "aria-label": shown.map((i) => `${i.label}: ${i.count}`).join(", "),
  });
  shown.forEach((item, n) => {
    const y = n * row;
    const w = Math.max(2, (item.count / top) * barW);
    chart.append(svg("g", { class: "bar", "data-key": item.key, "data-count": item.count },
      svg("title", { text: `${item.label}: ${fmt(item.count)}` }),
      svg("text", { x: labelW - 8, y: y + row / 2, class: "label", "text-anchor": "end", "dominant-baseline": "middle" },
        truncate(item.label, 28)),
      svg("rect", { x: labelW, y: y + 4, width: w, height: row - 8, rx: 3, class: item.muted ? "muted" : null }),
      svg("text", { x: labelW + w + 6, y: y + row / 2, class: "count", "dominant-baseline": "middle" }, fmt(item.count)),
    ));
  });
  const more = items.length - shown.length;
  return el("div", {}, chart, more > 0 ? el("p", { class: "note", text: `and ${more} more` }) : null);
}

// Vertical columns over ordered keys (years), {key, label, count}.
export function columns(items, { emptyText = "Nothing matches." } = {}) {
  if (!items.length) return el("p", { class: "empty", text: emptyText });
  const top = Math.max(...items.map((i) => i.count), 1);
  // A fixed width, so that a few columns stay narrow instead of scaling up.
  const h = 130, pad = 22, width = 520, colW = Math.min(48, width / items.length);
  const chart = svg("svg", {
    class: "chart columns", role: "img", viewBox: `0 0 ${width} ${h + 2 * pad}`,
    "aria-label": items.map((i) => `${i.label}: ${i.count}`).join(", "),
  });
  const every = Math.ceil(items.length / 12); // at most ~12 year labels
  items.forEach((item, n) => {
    const bh = Math.max(2, (item.count / top) * h);
    const x = n * colW;
    chart.append(svg("g", { class: "bar", "data-key": item.key, "data-count": item.count },
      svg("title", { text: `${item.label}: ${fmt(item.count)}` }),
      svg("rect", { x: x + 2, y: pad + h - bh, width: colW - 4, height: bh, rx: 2 }),
      svg("text", { x: x + colW / 2, y: pad + h - bh - 5, class: "count", "text-anchor": "middle" }, fmt(item.count)),
      n % every === 0
        ? svg("text", { x: x + colW / 2, y: pad + h + 15, class: "label", "text-anchor": "middle" }, item.label)
        : null,
    ));
  });
  return chart;
}

// A 100 % stacked bar of parts {key, label, count, cls}, with a legend.
export function split(parts) {
  const sum = parts.reduce((s, p) => s + p.count, 0);
  if (!sum) return el("p", { class: "empty", text: "Nothing matches." });
  const bar = svg("svg", { class: "chart split", viewBox: "0 0 500 36", preserveAspectRatio: "none", role: "img",
    "aria-label": parts.map((p) => `${p.label}: ${p.count}`).join(", ") });
  let x = 0;
  for (const p of parts) {
    const w = (p.count / sum) * 500;
    if (w > 0) bar.append(svg("rect", { x, y: 0, width: w, height: 36, class: p.cls }, svg("title", { text: `${p.label}: ${fmt(p.count)}` })));
    x += w;
  }
  const legend = el("ul", { class: "legend" },
    parts.map((p) => el("li", { class: "bar", "data-key": p.key, "data-count": p.count },
      el("span", { class: `swatch ${p.cls}` }), `${p.label} `, el("strong", { text: fmt(p.count) }),
      el("span", { class: "share", text: ` (${Math.round((100 * p.count) / sum)} %)` }))));
  return el("div", {}, bar, legend);
}

function truncate(s, n) {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

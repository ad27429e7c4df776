// The actor network of the selection, drawn with Cytoscape.js: node size
// follows the degree within the view, colour the community (Louvain, as
// computed by the API), edge width the link weight.
import cytoscape from "cytoscape";

const LABELLED = 25;
const PALETTE = ["#2f6f9f", "#d9822b", "#3c9d5d", "#b84a62", "#7a5ea8", "#8c6d31", "#2a9d8f", "#c05621", "#5c6bc0", "#6b7280"];

export function drawNetwork(container, net, { onSelect } = {}) {
  const maxDegree = Math.max(1, ...net.nodes.map((n) => n.degree));
  // Only the most connected actors are named, so that labels stay readable;
  // the others show their name when selected.
  const named = new Set([...net.nodes].sort((a, b) => b.degree - a.degree).slice(0, LABELLED).map((n) => n.actor.id));
  const elements = [
    ...net.nodes.map((n) => ({
      data: {
        id: n.actor.id, name: n.actor.name, kind: n.actor.kind, degree: n.degree,
        label: named.has(n.actor.id) ? n.actor.name : "",
        size: 14 + 26 * Math.sqrt(n.degree / maxDegree),
        color: PALETTE[Math.abs(n.community) % PALETTE.length],
      },
    })),
    ...net.edges.map((e) => ({
      data: { id: `${e.source}-${e.target}`, source: e.source, target: e.target, weight: e.weight, kinds: e.kinds.join(", ") },
    })),
  ];
  const cy = cytoscape({
    container,
    elements,
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 9, color: "#1f2937", "text-valign": "bottom", "text-margin-y": 3,
        "text-max-width": 110, "text-wrap": "ellipsis", "min-zoomed-font-size": 7,
      } },
      { selector: "edge", style: {
        width: "mapData(weight, 1, 6, 1, 5)", "line-color": "#b6c2cf", "curve-style": "haystack", opacity: 0.8,
      } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#111827", label: "data(name)", "z-index": 10 } },
      { selector: ".faded", style: { opacity: 0.15 } },
    ],
    layout: { name: "cose", animate: false, randomize: true, nodeRepulsion: 20000, idealEdgeLength: 70, nodeOverlap: 20, padding: 20 },
  });
  // A handful of actors would otherwise be fitted at the largest zoom.
  if (cy.zoom() > 1.2) {
    cy.zoom(1.2);
    cy.center();
  }
  cy.on("tap", "node", (ev) => {
    const node = ev.target;
    const hood = node.closedNeighborhood();
    cy.elements().addClass("faded");
    hood.removeClass("faded");
    if (onSelect) onSelect(node.data(), hood.nodes().length - 1);
  });
  cy.on("tap", (ev) => {
    if (ev.target === cy) {
      cy.elements().removeClass("faded");
      if (onSelect) onSelect(null);
    }
  });
  return cy;
}
